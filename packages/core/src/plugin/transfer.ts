import { pluginLogger, type Logger } from '../log.js';
import { Flag, Rcode } from '../wire/constants.js';
import { encodeMessage } from '../wire/encode.js';
import { nameKey } from '../wire/name.js';
import type { ResourceRecord } from '../wire/types.js';
import type { AddressAcl } from './acl.js';
import { HandlerError } from './handler.js';
import type { Transferer } from './interfaces.js';
import type { Request } from './request.js';
import { compareSerials, type SoaRecord, type ZoneDiff } from './transfer-history.js';
import { TransferStream, TransferStreamError, type TransferStreamOptions } from './transfer-stream.js';
import type { ResponseWriter } from './writer.js';

export interface TransferOptions extends TransferStreamOptions {
  /** Who may transfer (the `transfer to` list). */
  readonly acl: AddressAcl;
  /**
   * The plugin serving the transfer: it names the logger (`plugin/NAME:`) and the
   * plugin in errors. Default "transfer".
   */
  readonly plugin?: string;
}

/** Whether the query asks for a zone transfer (AXFR or IXFR). */
export function isTransferQuery(req: Request): boolean {
  const t = req.qtype;
  return t === 'AXFR' || t === 'IXFR';
}

type Batches = AsyncIterable<readonly ResourceRecord[]> | Iterable<readonly ResourceRecord[]>;
type BatchIterator = AsyncIterator<readonly ResourceRecord[]> | Iterator<readonly ResourceRecord[]>;

/**
 * Answers an AXFR or IXFR query for the zone named by the question from the first of
 * `sources` that is authoritative for it: the one mechanism behind `transfer` and the
 * `transfer to` option of file, auto and secondary.
 *
 *  - AXFR over UDP: REFUSED (RFC 5936 4.2; as CoreDNS);
 *  - a client not allowed by `acl`: REFUSED;
 *  - IXFR without the client's SOA in the authority section: FORMERR;
 *  - AXFR: the zone as a stream of messages, SOA first and last (RFC 5936 2.2);
 *  - IXFR (RFC 1995): a single SOA when the client's serial is current (or newer); the
 *    steps since its serial when the source has them; otherwise the whole zone in AXFR
 *    form. Over UDP the answer must fit one datagram, else it is the single SOA that
 *    tells the client to retry over TCP (RFC 1995 section 2).
 *
 * Returns undefined when no source serves the zone, so the caller can pass the query on
 * (a plugin) or answer NOTAUTH (RFC 5936 2.2.1). Otherwise the rcode, following the
 * Handler contract. A source that breaks mid-transfer ends the stream with a SERVFAIL
 * message and a HandlerError for the `errors` plugin.
 */
export function serveTransfer(
  req: Request,
  w: ResponseWriter,
  sources: Transferer | readonly Transferer[],
  options: TransferOptions,
): number | Promise<number> | undefined {
  if (req.qclass !== 'IN') return undefined;
  const ixfr = req.qtype === 'IXFR';
  if (!ixfr && req.transport === 'udp') return Rcode.REFUSED;
  const plugin = options.plugin ?? 'transfer';
  if (!options.acl.allows(req.ip)) {
    pluginLogger(plugin).debug(`Refused ${req.qtype} of zone ${JSON.stringify(req.name)} to ${req.ip}`);
    // Written here rather than returned, so plugins recording the answer (log) see it.
    w.write(req.reply(Rcode.REFUSED));
    return Rcode.NOERROR;
  }
  const zone = req.name;
  let source: Transferer | undefined;
  let batches: Batches | undefined;
  for (const s of Array.isArray(sources) ? (sources as readonly Transferer[]) : [sources as Transferer]) {
    batches = s.transfer(zone);
    if (batches !== undefined) {
      source = s;
      break;
    }
  }
  if (source === undefined || batches === undefined) return undefined;
  let clientSerial: number | undefined;
  if (ixfr) {
    clientSerial = ixfrSerial(req);
    if (clientSerial === undefined) return Rcode.FORMERR;
  }
  return new OutgoingTransfer(req, w, source, batches, clientSerial, options, plugin).run();
}

/** The serial of the client's version from an IXFR query's authority section (RFC 1995 3). */
function ixfrSerial(req: Request): number | undefined {
  const auth = req.msg.authorities;
  if (auth.length !== 1) return undefined;
  const rr = auth[0];
  if (rr.type !== 'SOA' || nameKey(rr.name) !== req.name) return undefined;
  return rr.data.serial;
}

function iterate(batches: Batches): BatchIterator {
  return Symbol.asyncIterator in batches
    ? batches[Symbol.asyncIterator]()
    : (batches as Iterable<readonly ResourceRecord[]>)[Symbol.iterator]();
}

/** One transfer being answered. */
class OutgoingTransfer {
  readonly #log: Logger;
  readonly #it: BatchIterator;

  constructor(
    private readonly req: Request,
    private readonly w: ResponseWriter,
    private readonly source: Transferer,
    batches: Batches,
    private readonly clientSerial: number | undefined,
    private readonly options: TransferOptions,
    private readonly plugin: string,
  ) {
    this.#log = pluginLogger(plugin);
    this.#it = iterate(batches);
  }

  async run(): Promise<number> {
    try {
      return await this.#run();
    } finally {
      // Lets a generator source release its snapshot when the transfer stops early.
      await this.#it.return?.();
    }
  }

  async #run(): Promise<number> {
    const first = await this.#nextBatch();
    const soa = first?.[0];
    if (soa?.type !== 'SOA' || nameKey(soa.name) !== this.req.name) {
      throw new HandlerError(this.plugin, `first record in zone ${this.req.name} is not its SOA`);
    }
    const serial = soa.data.serial;
    const clientSerial = this.clientSerial;
    if (clientSerial !== undefined) {
      if (compareSerials(clientSerial, serial) >= 0) {
        this.#writeSoaOnly(soa);
        this.#log.info(
          `Outgoing noop, incremental transfer for up to date zone ${JSON.stringify(this.req.name)} to ${this.req.ip} for ${serial} SOA serial`,
        );
        return Rcode.NOERROR;
      }
      const steps = this.source.ixfr?.(this.req.name, clientSerial);
      if (steps !== undefined && isChain(steps, clientSerial, serial)) return this.#incremental(soa, steps);
    }
    return this.#full(soa, first as readonly ResourceRecord[]);
  }

  /** The next non-empty batch, or undefined at the end. */
  async #nextBatch(): Promise<readonly ResourceRecord[] | undefined> {
    for (;;) {
      const r = await this.#it.next();
      if (r.done === true) return undefined;
      if (r.value.length > 0) return r.value;
    }
  }

  #writeSoaOnly(soa: SoaRecord): void {
    const msg = this.req.reply();
    msg.flags |= Flag.AA;
    msg.answers = [soa];
    this.w.write(msg);
  }

  /** The whole zone: AXFR, or IXFR in AXFR form. */
  async #full(soa: SoaRecord, first: readonly ResourceRecord[]): Promise<number> {
    if (this.req.transport === 'udp') return this.#fullOverUdp(soa, first);
    const stream = new TransferStream(this.req, this.w, this.options);
    const check = new ClosingSoaCheck(soa);
    let batch: readonly ResourceRecord[] | undefined = first;
    try {
      while (batch !== undefined) {
        check.batch(batch);
        const more = stream.push(batch);
        if (!(more === true || (more !== false && (await more)))) return this.#abandoned(stream);
        batch = await this.#nextBatch();
      }
      check.end();
      const more = stream.end();
      if (!(more === true || (more !== false && (await more)))) return this.#abandoned(stream);
    } catch (e) {
      stream.fail(Rcode.SERVFAIL);
      throw this.#failure(e);
    }
    this.#log.info(
      `Outgoing transfer of ${stream.records} records of zone ${JSON.stringify(this.req.name)} to ${this.req.ip} for ${soa.data.serial} SOA serial`,
    );
    return Rcode.NOERROR;
  }

  /** IXFR over UDP answered with the whole zone if it fits one datagram, else the SOA alone. */
  async #fullOverUdp(soa: SoaRecord, first: readonly ResourceRecord[]): Promise<number> {
    const check = new ClosingSoaCheck(soa);
    const records: ResourceRecord[] = [];
    // No message of `size` octets holds more records than this (a record takes at least 11).
    const most = Math.floor(this.req.size / 11);
    let batch: readonly ResourceRecord[] | undefined = first;
    try {
      while (batch !== undefined && records.length <= most) {
        check.batch(batch);
        for (const rr of batch) records.push(rr);
        batch = await this.#nextBatch();
      }
      if (batch === undefined) check.end();
    } catch (e) {
      throw this.#failure(e);
    }
    this.#writeDatagram(soa, batch === undefined ? records : undefined);
    return Rcode.NOERROR;
  }

  /** IXFR in incremental form: current SOA, then per step old SOA, deletions, new SOA, additions, then current SOA. */
  async #incremental(soa: SoaRecord, steps: readonly ZoneDiff[]): Promise<number> {
    let count = 2;
    for (const s of steps) count += 2 + s.deleted.length + s.added.length;
    if (this.req.transport === 'udp') {
      const most = Math.floor(this.req.size / 11);
      this.#writeDatagram(soa, count > most ? undefined : incrementalRecords(soa, steps));
      return Rcode.NOERROR;
    }
    const stream = new TransferStream(this.req, this.w, this.options);
    try {
      let ok = await stream.push([soa]);
      for (let i = 0; ok && i < steps.length; i++) {
        const s = steps[i];
        ok =
          (await stream.push([s.from])) &&
          (await stream.push(s.deleted)) &&
          (await stream.push([s.to])) &&
          (await stream.push(s.added));
      }
      ok = ok && (await stream.push([soa])) && (await stream.end());
      if (!ok) return this.#abandoned(stream);
    } catch (e) {
      stream.fail(Rcode.SERVFAIL);
      throw this.#failure(e);
    }
    this.#log.info(
      `Outgoing incremental transfer of ${count} records of zone ${JSON.stringify(this.req.name)} to ${this.req.ip} from ${this.clientSerial} to ${soa.data.serial} SOA serial`,
    );
    return Rcode.NOERROR;
  }

  /** A one-datagram IXFR answer: `records` if they fit the client's size, else the SOA alone. */
  #writeDatagram(soa: SoaRecord, records: ResourceRecord[] | undefined): void {
    if (records !== undefined) {
      const msg = this.req.reply();
      msg.flags |= Flag.AA;
      msg.answers = records;
      const bytes = encodeMessage(msg, { maxSize: this.req.size });
      if ((bytes[6] << 8) + bytes[7] === records.length) {
        this.w.write(msg);
        return;
      }
    }
    this.#writeSoaOnly(soa);
  }

  #abandoned(stream: TransferStream): number {
    const why = stream.stalled ? 'stopped reading' : 'went away';
    this.#log.warning(
      `Outgoing transfer of zone ${JSON.stringify(this.req.name)} to ${this.req.ip} abandoned after ${stream.records} records: the client ${why}`,
    );
    return Rcode.NOERROR;
  }

  #failure(e: unknown): HandlerError {
    if (e instanceof HandlerError) return e;
    const message = e instanceof TransferStreamError || e instanceof Error ? e.message : String(e);
    return new HandlerError(
      this.plugin,
      `transfer of zone ${this.req.name} failed: ${message}`,
      Rcode.SERVFAIL,
      {
        cause: e,
      },
    );
  }
}

function incrementalRecords(soa: SoaRecord, steps: readonly ZoneDiff[]): ResourceRecord[] {
  const out: ResourceRecord[] = [soa];
  for (const s of steps) {
    out.push(s.from);
    for (const rr of s.deleted) out.push(rr);
    out.push(s.to);
    for (const rr of s.added) out.push(rr);
  }
  out.push(soa);
  return out;
}

/** Whether `steps` lead from `from` to `to` without a gap. */
function isChain(steps: readonly ZoneDiff[], from: number, to: number): boolean {
  if (steps.length === 0) return false;
  let serial = from;
  for (const s of steps) {
    if (s.from.data.serial !== serial) return false;
    serial = s.to.data.serial;
  }
  return serial === to;
}

/**
 * Checks a source's transfer stream as it passes: after the opening SOA, exactly one more
 * SOA, the same, and nothing after it. A client takes the second SOA as the end, so a
 * stream that breaks this would be silently cut short or never end.
 */
class ClosingSoaCheck {
  #first = true;
  #closed = false;

  constructor(private readonly soa: SoaRecord) {}

  batch(records: readonly ResourceRecord[]): void {
    for (let i = 0; i < records.length; i++) {
      const rr = records[i];
      if (this.#first) {
        this.#first = false;
        continue;
      }
      if (this.#closed) throw new TransferStreamError(`records after the closing SOA of ${this.soa.name}`);
      if (rr.type === 'SOA') {
        if (rr.data.serial !== this.soa.data.serial || nameKey(rr.name) !== nameKey(this.soa.name))
          throw new TransferStreamError(
            `an SOA of ${rr.name} serial ${rr.data.serial} in the middle of the zone`,
          );
        this.#closed = true;
      }
    }
  }

  end(): void {
    if (!this.#closed) throw new TransferStreamError(`the zone ${this.soa.name} did not end with its SOA`);
  }
}
