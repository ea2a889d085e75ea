import type { Message, OptRecord, Question } from '../wire/types.js';
import { EDNS_DO, Flag, Rcode } from '../wire/constants.js';
import { nameKey } from '../wire/name.js';
import { createOpt, getOpt } from '../wire/edns.js';
import { setRcode } from '../wire/header.js';
import type { ResponseWriter, Transport } from './writer.js';
import { upstreamLookup, type ChainResolver } from './upstream.js';
import type { PluginTracker } from './tracker.js';
import type { HopObserver } from './hop.js';

/** RFC 1035: the largest UDP message without EDNS, and the floor of any advertised size. */
export const MIN_UDP_SIZE = 512;
/** What a TCP message may hold: the two-byte length prefix's limit. */
export const MAX_MESSAGE_SIZE = 65535;

const OPCODE_MASK = 0x7800;
const IPV4_MAPPED_PREFIX = '::ffff:';

/** A metadata value is computed only when a consumer asks for it. */
export type MetadataFunc = () => string | undefined;

/** Thrown by setMetadata for a key that is not of the form "plugin/name". */
export class MetadataKeyError extends TypeError {
  override readonly name = 'MetadataKeyError';
}

/** Whether `key` has the metadata label form `plugin/name` (both parts non-empty). */
export function isMetadataKey(key: string): boolean {
  const slash = key.indexOf('/');
  return slash > 0 && slash < key.length - 1;
}

const NOT_YET = Symbol('not computed');

/**
 * One query as plugins see it (CoreDNS's request.Request): the decoded message, the writer
 * to answer on, the zone of the server block that took it, and derived facts computed on
 * first use and cached. Metadata (chapter 7) hangs off it.
 *
 * The server makes one per query. A query always has exactly one question by the time a
 * plugin sees it; for messages built by hand without one, the name is "." and type and
 * class are empty, as in CoreDNS.
 */
export class Request {
  /** The lowercased zone of the server block (or of the plugin, if it narrows it). */
  zone: string;
  /** The server's chains, for upstream lookups; set by the server when it dispatches. */
  resolver: ChainResolver | undefined = undefined;
  /** 0 for a client's query; one more for each upstream lookup it is nested in. */
  depth = 0;
  /**
   * The listener the query came in on, as CoreDNS names it (`dns://:53`,
   * `dns://127.0.0.1:1053`): the `server` label of metrics. Set by the server.
   */
  server = '';
  /** The query's size on the wire in bytes, when it arrived as bytes (set by the server). */
  wireSize: number | undefined = undefined;
  /**
   * The query as it arrived, when it arrived as bytes (set by the server; do not change
   * it). The server's writer copies the response's question from it.
   */
  wire: Uint8Array | undefined = undefined;
  /** Watches which plugin writes the response, when someone asks (see tracker.ts). */
  tracker: PluginTracker | undefined = undefined;
  /** Makes each call to the next plugin, when someone watches the hops (see hop.ts). */
  hops: HopObserver | undefined = undefined;

  #name: string | undefined;
  #edns: OptRecord | undefined | typeof NOT_YET = NOT_YET;
  #ip: string | undefined;
  /**
   * Metadata providers as parallel lists, in the order registered: a query has a handful at
   * most, and scanning a few strings is cheaper than making a Map per query that has any.
   */
  #metadataKeys: string[] | undefined;
  #metadataFuncs: MetadataFunc[] | undefined;
  /** Each provider's value once asked (NOT_YET until then), by the same index. */
  #metadataValues: (string | undefined | typeof NOT_YET)[] | undefined;

  constructor(
    /** The query as decoded. Treat it as read-only: other plugins see the same object. */
    readonly msg: Message,
    /** Where the response goes (the server's writer, or a wrapping one). */
    readonly w: ResponseWriter,
    zone = '.',
  ) {
    this.zone = zone;
  }

  /** The question, or undefined for a message without one. */
  get question(): Question | undefined {
    return this.msg.questions[0];
  }

  get id(): number {
    return this.msg.id;
  }

  /** The question's name as the client wrote it (letter case kept). */
  get qname(): string {
    return this.msg.questions[0]?.name ?? '.';
  }

  /** The question's name lowercased: the form to compare and look up with. */
  get name(): string {
    if (this.#name === undefined) this.#name = nameKey(this.qname);
    return this.#name;
  }

  /** The question's type mnemonic ('A', 'AAAA', 'TYPE65280'), '' without a question. */
  get qtype(): string {
    return this.msg.questions[0]?.type ?? '';
  }

  /** The question's class mnemonic ('IN', 'CH'), '' without a question. */
  get qclass(): string {
    return this.msg.questions[0]?.class ?? '';
  }

  /** The query's OPT record, or undefined when it has none (no EDNS). */
  get edns(): OptRecord | undefined {
    if (this.#edns === NOT_YET) this.#edns = getOpt(this.msg);
    return this.#edns;
  }

  /** The DO (DNSSEC OK) bit of the query's OPT record. */
  get do(): boolean {
    const opt = this.edns;
    return opt !== undefined && (opt.flags & EDNS_DO) !== 0;
  }

  /**
   * How large the response may be: over UDP the payload size the client advertised in
   * EDNS, 512 without EDNS and never less than 512; over a stream transport 65535 (as
   * CoreDNS's Size()).
   */
  get size(): number {
    if (this.w.transport !== 'udp') return MAX_MESSAGE_SIZE;
    const opt = this.edns;
    if (opt === undefined || opt.udpPayloadSize < MIN_UDP_SIZE) return MIN_UDP_SIZE;
    return opt.udpPayloadSize;
  }

  get transport(): Transport {
    return this.w.transport;
  }

  /**
   * The client's IP address. An IPv4 client of a dual-stack socket arrives as
   * "::ffff:a.b.c.d"; it is reported as plain IPv4, as Go (and so CoreDNS) does.
   */
  get ip(): string {
    if (this.#ip === undefined) {
      const a = this.w.remoteAddress;
      this.#ip = a.startsWith(IPV4_MAPPED_PREFIX) && a.includes('.') ? a.slice(IPV4_MAPPED_PREFIX.length) : a;
    }
    return this.#ip;
  }

  get port(): number {
    return this.w.remotePort;
  }

  /** The server's address the query arrived on (IPv4-mapped addresses unmapped). */
  get localIp(): string {
    const a = this.w.localAddress;
    return a.startsWith(IPV4_MAPPED_PREFIX) && a.includes('.') ? a.slice(IPV4_MAPPED_PREFIX.length) : a;
  }

  get localPort(): number {
    return this.w.localPort;
  }

  /** 4 or 6: the address family of the client's address. */
  get family(): 4 | 6 {
    return this.ip.includes(':') ? 6 : 4;
  }

  /**
   * Registers a metadata value under `key` ("plugin/name"). The function runs only when a
   * consumer asks, at most once per query. Throws MetadataKeyError for a malformed key.
   */
  setMetadata(key: string, fn: MetadataFunc): void {
    if (!isMetadataKey(key))
      throw new MetadataKeyError(`metadata key must look like "plugin/name": ${JSON.stringify(key)}`);
    const keys = this.#metadataKeys;
    if (keys === undefined) {
      this.#metadataKeys = [key];
      this.#metadataFuncs = [fn];
      this.#metadataValues = [NOT_YET];
      return;
    }
    const i = keys.indexOf(key);
    if (i >= 0) {
      this.#metadataFuncs![i] = fn;
      this.#metadataValues![i] = NOT_YET;
      return;
    }
    keys.push(key);
    this.#metadataFuncs!.push(fn);
    this.#metadataValues!.push(NOT_YET);
  }

  /** The metadata value for `key`, or undefined when nothing provides it. */
  metadata(key: string): string | undefined {
    const keys = this.#metadataKeys;
    if (keys === undefined) return undefined;
    const i = keys.indexOf(key);
    if (i < 0) return undefined;
    const values = this.#metadataValues!;
    const known = values[i];
    if (known !== NOT_YET) return known;
    const value = this.#metadataFuncs![i]();
    values[i] = value;
    return value;
  }

  /** The keys that have a metadata provider on this query. */
  metadataKeys(): string[] {
    return this.#metadataKeys === undefined ? [] : this.#metadataKeys.slice();
  }

  /**
   * The header flags `reply` gives a response to this query: QR, the query's opcode, and
   * for QUERY its RD and CD bits (as miekg/dns's SetReply). AA and the rcode are the
   * answer's to add.
   */
  replyFlags(): number {
    const flags = this.msg.flags;
    const opcodeBits = flags & OPCODE_MASK;
    return opcodeBits === 0 ? Flag.QR | (flags & (Flag.RD | Flag.CD)) : Flag.QR | opcodeBits;
  }

  /**
   * A response skeleton for this query: the same ID and opcode, QR set, RD and CD copied
   * (for QUERY, as miekg/dns's SetReply), the question echoed, and when the query had EDNS
   * an OPT record of ours (version 0, UDP size 1232 as DNS Flag Day 2020 advises, DO
   * copied). `rcode` may be extended
   * (BADVERS, BADCOOKIE): the OPT record carries the upper bits; for a query without EDNS,
   * which cannot receive one, an extended rcode becomes SERVFAIL.
   */
  reply(rcode: number = Rcode.NOERROR): Message {
    const q = this.msg;
    const msg: Message = {
      id: q.id,
      flags: this.replyFlags(),
      questions: q.questions.length > 0 ? [q.questions[0]] : [],
      answers: [],
      authorities: [],
      // An array literal is made to measure; pushing onto [] reserves room for 17.
      additionals: this.edns !== undefined ? [createOpt({ dnssecOk: this.do })] : [],
    };
    // Without EDNS an extended rcode cannot be expressed; failing loudly beats a wrong code.
    if (rcode > 0xf && this.edns === undefined) rcode = Rcode.SERVFAIL;
    if (rcode !== Rcode.NOERROR) setRcode(msg, rcode);
    return msg;
  }

  /**
   * A copy of this request asking another question (CoreDNS's NewWithQuestion), for
   * plugins that resolve a related name (CNAME targets, search paths). Metadata is not
   * carried over.
   */
  withQuestion(name: string, type: string, w: ResponseWriter = this.w): Request {
    const msg: Message = { ...this.msg, questions: [{ name, type, class: this.qclass || 'IN' }] };
    const r = new Request(msg, w, this.zone);
    r.resolver = this.resolver;
    r.depth = this.depth;
    r.server = this.server;
    return r;
  }

  /**
   * Resolves `name`/`type` through the server's full chain on behalf of this query (see
   * upstream.ts): for CNAME targets outside a plugin's zone and the like. Rejects with
   * UpstreamError when there is no server behind this request or lookups nest too deep.
   */
  upstream(name: string, type: string): Promise<Message> {
    return upstreamLookup(this, name, type);
  }

  /** Whether `reply` answers this query: a response with the same question (CoreDNS's Match). */
  matches(reply: Message): boolean {
    if ((reply.flags & Flag.QR) === 0 || reply.questions.length !== 1) return false;
    const q = reply.questions[0];
    return nameKey(q.name) === this.name && q.type === this.qtype && q.class === this.qclass;
  }
}
