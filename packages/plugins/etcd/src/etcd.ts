import {
  Flag,
  HandlerError,
  Rcode,
  matchZone,
  nextOrFailure,
  type Fallthrough,
  type Handler,
  type Message,
  type Readiness,
  type Request,
  type ResourceRecord,
  type ResponseWriter,
} from '@tsdns/core';
import { Answer, resolveParts, soaRecord, type Backend, type Part } from './answer.js';
import type { LeaseTtls } from './leases.js';
import { LookupError, NAME_ERROR, nameExists } from './lookup.js';
import type { Service } from './service.js';
import type { KeyStore } from './store.js';

/** A record TTL when neither the service nor a lease gives one (CoreDNS's defaultTTL). */
export const DEFAULT_TTL = 300;
/** Bounds for TTLs taken from leases (CoreDNS's min-lease-ttl / max-lease-ttl defaults). */
export const DEFAULT_MIN_LEASE_TTL = 30;
export const DEFAULT_MAX_LEASE_TTL = 86400;

/** Where the handler reads from: the mirror of etcd (or a fixed copy in unit tests). */
export interface CopySource {
  /** Up to date with etcd; when false, queries get SERVFAIL (or fall through). */
  readonly live: boolean;
  /** Complete at least once. */
  readonly synced: boolean;
  readonly store: KeyStore;
  readonly leases: Pick<LeaseTtls, 'remaining'>;
  /** Why the copy is not live. */
  readonly lastError: string;
}

export interface EtcdSettings {
  /** The zones answered, normalised. */
  readonly zones: readonly string[];
  /** The normalised key prefix (`path`). */
  readonly prefix: string;
  readonly fallthrough: Fallthrough;
  readonly minLeaseTtl: number;
  readonly maxLeaseTtl: number;
}

type Built =
  | { answer: readonly Part[]; extra: readonly Part[]; pending: Answer | undefined }
  | typeof NAME_ERROR;

/**
 * The etcd plugin's handler (CoreDNS's Etcd.ServeDNS): SkyDNS service discovery answered
 * from a live local copy of the zones' keys. Synchronous unless a CNAME, SRV or MX target
 * outside the zone has to be looked up through the server's chain.
 */
export class Etcd implements Handler, Readiness, Backend {
  readonly name = 'etcd';
  readonly prefix: string;

  constructor(
    readonly settings: EtcdSettings,
    readonly source: CopySource,
    readonly next: Handler | undefined,
  ) {
    this.prefix = settings.prefix;
  }

  get store(): KeyStore {
    return this.source.store;
  }

  /** Ready once the copy was complete once (the ready plugin asks). */
  ready(): boolean {
    return this.source.synced;
  }

  /**
   * CoreDNS's Etcd.TTL: the smaller of the service's TTL and its lease's remaining time
   * (clamped to the lease bounds), whichever is set, else DEFAULT_TTL.
   */
  ttl(s: Service): number {
    let leaseTtl = 0;
    if (s.lease !== '0') {
      const left = this.source.leases.remaining(s.lease);
      if (left > 0) {
        const min = this.settings.minLeaseTtl || DEFAULT_MIN_LEASE_TTL;
        const max = this.settings.maxLeaseTtl || DEFAULT_MAX_LEASE_TTL;
        leaseTtl = left < min ? min : left > max ? max : left;
      }
    }
    if (leaseTtl === 0) return s.ttl || DEFAULT_TTL;
    if (s.ttl === 0) return leaseTtl;
    return Math.min(leaseTtl, s.ttl);
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const name = req.name;
    const zone = matchZone(this.settings.zones, name);
    if (zone === undefined) return nextOrFailure(this.name, this.next, req, w);
    const qtype = req.qtype;
    // The SOA needs nothing from etcd (CoreDNS answers it whatever etcd's state).
    if (qtype === 'SOA' && name === zone)
      return this.#write(req, w, zone, Rcode.NOERROR, [soaRecord(zone)], []);

    if (!this.source.live) {
      if (this.settings.fallthrough.through(name)) return nextOrFailure(this.name, this.next, req, w);
      return this.#fail(req, w, zone, `unreachable backend: ${this.source.lastError}`);
    }

    let built: Built;
    try {
      built = this.#build(req, name, zone, qtype);
    } catch (e) {
      if (e instanceof LookupError) return this.#fail(req, w, zone, e.message);
      throw e;
    }
    if (built === NAME_ERROR) {
      // The apex always exists: it owns the SOA.
      if (name !== zone) {
        if (this.settings.fallthrough.through(name)) return nextOrFailure(this.name, this.next, req, w);
        return this.#write(req, w, zone, Rcode.NXDOMAIN, [], []);
      }
      return this.#write(req, w, zone, Rcode.NOERROR, [], []);
    }
    const pending = built.pending;
    // Without pending lookups the parts are all records (see Answer.pending).
    if (pending === undefined) {
      return this.#write(
        req,
        w,
        zone,
        Rcode.NOERROR,
        built.answer as ResourceRecord[],
        built.extra as ResourceRecord[],
      );
    }
    return this.#finish(req, w, built.answer, built.extra, pending, zone);
  }

  /** The records for the query, or NAME_ERROR; throws LookupError. */
  #build(req: Request, name: string, zone: string, qtype: string): Built {
    const a = new Answer(this, zone);
    const owner = req.qname;
    let parts: Part[] | typeof NAME_ERROR | undefined;
    switch (qtype) {
      case 'A':
      case 'AAAA':
        parts = a.addresses(qtype, name, owner, []);
        break;
      case 'TXT':
        parts = a.txt(name, owner, []);
        break;
      case 'CNAME':
        parts = a.cname(name, owner);
        // CoreDNS says NXDOMAIN when the name has no key of its own, even with keys below it;
        // a name with keys below exists, so that is NODATA here.
        if (parts === NAME_ERROR && nameExists(this.store, this.prefix, name)) parts = [];
        break;
      case 'PTR':
        parts = a.ptr(name, owner);
        if (parts === NAME_ERROR && nameExists(this.store, this.prefix, name)) parts = [];
        break;
      case 'MX':
        if (a.mx(name, owner) === NAME_ERROR) return NAME_ERROR;
        break;
      case 'SRV':
        if (a.srv(name, owner) === NAME_ERROR) return NAME_ERROR;
        break;
      case 'NS':
        if (name === zone) {
          if (a.ns(owner) === NAME_ERROR) return NAME_ERROR;
          break;
        }
        parts = this.#exists(a, name);
        break;
      default:
        // Other types (and SOA below the apex): only NXDOMAIN or NODATA, decided as CoreDNS
        // does, by whether an address lookup would find the name.
        parts = this.#exists(a, name);
    }
    if (parts === NAME_ERROR) return NAME_ERROR;
    if (parts !== undefined) a.answer.push(...parts);
    return { answer: a.answer, extra: a.extra, pending: a.pending ? a : undefined };
  }

  #exists(a: Answer, name: string): Part[] | typeof NAME_ERROR {
    return a.apexServices(name, 'A') === NAME_ERROR ? NAME_ERROR : [];
  }

  /** Runs the lookups through the chain that the answer waits for, then writes it. */
  async #finish(
    req: Request,
    w: ResponseWriter,
    answerParts: readonly Part[],
    extraParts: readonly Part[],
    pending: Answer,
    zone: string,
  ): Promise<number> {
    const [answer, extra] = await Promise.all([
      resolveParts(answerParts, req, pending),
      resolveParts(extraParts, req, pending),
    ]);
    return this.#write(req, w, zone, Rcode.NOERROR, answer, extra, pending.truncated);
  }

  /**
   * Writes the response: the records with AA set, or with none the SOA in the authority
   * section (NODATA, NXDOMAIN), as CoreDNS's BackendError does.
   */
  #write(
    req: Request,
    w: ResponseWriter,
    zone: string,
    rcode: number,
    answer: readonly ResourceRecord[],
    extra: readonly ResourceRecord[],
    truncated = false,
  ): number {
    const reply = req.reply(rcode);
    reply.flags |= Flag.AA;
    if (truncated) reply.flags |= Flag.TC;
    if (answer.length === 0) reply.authorities.push(soaRecord(zone));
    else {
      reply.answers = answer as ResourceRecord[];
      // Our OPT record, when the query had EDNS, stays last.
      if (extra.length > 0) reply.additionals = [...extra, ...reply.additionals];
    }
    w.write(reply);
    return rcode === Rcode.NXDOMAIN ? Rcode.NXDOMAIN : Rcode.NOERROR;
  }

  /**
   * SERVFAIL as CoreDNS writes it for a backend error (AA, the SOA in the authority
   * section), then the error raised so the errors plugin logs it.
   */
  #fail(req: Request, w: ResponseWriter, zone: string, message: string): never {
    const reply: Message = req.reply(Rcode.SERVFAIL);
    reply.flags |= Flag.AA;
    reply.authorities.push(soaRecord(zone));
    w.write(reply);
    throw new HandlerError(this.name, message);
  }
}
