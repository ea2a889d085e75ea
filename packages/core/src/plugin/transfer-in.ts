import { createSocket, type RemoteInfo } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Flag, Opcode, Rcode, rcodeToString } from '../wire/constants.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import { FrameDecoder, frameMessage } from '../wire/frame.js';
import { getOpcode, getRcode } from '../wire/header.js';
import { isSubdomain, nameKey } from '../wire/name.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import { addressBytes, type PeerAddress } from './acl.js';
import { compareSerials, type SoaRecord, type ZoneDiff } from './transfer-history.js';

/** A transfer or SOA query that failed: no answer, an error rcode, or an answer that breaks the rules. */
export class TransferError extends Error {
  override readonly name = 'TransferError';
  constructor(
    message: string,
    /** The rcode of the answer that refused, when one did. */
    readonly rcode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a transfer brought. */
export type TransferInResult =
  /** The whole zone (AXFR, or IXFR answered in AXFR form): the SOA first, the closing SOA left out. */
  | { readonly kind: 'axfr'; readonly soa: SoaRecord; readonly records: ResourceRecord[] }
  /** The steps from the asked-for serial to `soa`'s, oldest first. */
  | { readonly kind: 'ixfr'; readonly soa: SoaRecord; readonly steps: ZoneDiff[] }
  /** IXFR: the server's version is not newer than the client's. */
  | { readonly kind: 'current'; readonly soa: SoaRecord };

export interface TransferInOptions {
  /** Ask for IXFR from this serial (the version held); without it, AXFR. */
  readonly ixfrFromSerial?: number;
  /** Longest wait to connect, and between two messages; default 10000 ms. */
  readonly timeoutMs?: number;
  /** Refuse a zone larger than this many records; default 50 million. */
  readonly maxRecords?: number;
  /** Local address to connect from. */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RECORDS = 50_000_000;

function soaQuestionRecord(zone: string, serial: number): SoaRecord {
  // RFC 1995 3: only the serial of the client's SOA matters to the server.
  return {
    name: zone,
    type: 'SOA',
    class: 'IN',
    ttl: 0,
    data: { mname: '.', rname: '.', serial, refresh: 0, retry: 0, expire: 0, minimum: 0 },
  };
}

/** The AXFR or IXFR query of a transfer. */
export function transferQuery(zone: string, id: number, ixfrFromSerial?: number): Message {
  return {
    id,
    flags: 0,
    questions: [{ name: zone, type: ixfrFromSerial === undefined ? 'AXFR' : 'IXFR', class: 'IN' }],
    answers: [],
    authorities: ixfrFromSerial === undefined ? [] : [soaQuestionRecord(zone, ixfrFromSerial)],
    additionals: [],
  };
}

type ReaderState = 'start' | 'second' | 'axfr' | 'deleting' | 'adding' | 'done';

/**
 * Reads the answer messages of one AXFR or IXFR (RFC 5936, RFC 1995) and checks them
 * as they come: every message has the query's ID, QR and opcode QUERY, NOERROR, no TC,
 * the question (required in the first message, optional after, RFC 5936 2.2.1); the
 * records are of the zone, class IN; the stream starts with the zone's SOA and ends with
 * the same SOA; IXFR steps chain from the client's serial to the new one. Throws
 * TransferError at the first violation.
 */
export class TransferReader {
  readonly qtype: 'AXFR' | 'IXFR';
  #state: ReaderState = 'start';
  #messages = 0;
  #count = 0;
  #soa: SoaRecord | undefined;
  readonly #records: ResourceRecord[] = [];
  readonly #steps: ZoneDiff[] = [];
  #from: SoaRecord | undefined;
  #to: SoaRecord | undefined;
  #deleted: ResourceRecord[] = [];
  #added: ResourceRecord[] = [];
  readonly #zone: string;

  constructor(
    zone: string,
    private readonly id: number,
    private readonly ixfrFromSerial: number | undefined,
    private readonly maxRecords = DEFAULT_MAX_RECORDS,
  ) {
    this.#zone = nameKey(zone);
    this.qtype = ixfrFromSerial === undefined ? 'AXFR' : 'IXFR';
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  /** Takes the next message; returns true once the transfer is complete. */
  message(msg: Message): boolean {
    if (this.#state === 'done') throw new TransferError('a message after the end of the transfer');
    const first = this.#messages++ === 0;
    this.#checkHeader(msg, first);
    const answers = msg.answers;
    for (let i = 0; i < answers.length; i++) {
      if (this.done) throw new TransferError('records after the closing SOA');
      this.#record(answers[i]);
    }
    // A lone SOA no newer than ours, alone in the first message, is the "you are current" answer.
    if (
      this.#state === 'second' &&
      first &&
      answers.length === 1 &&
      this.ixfrFromSerial !== undefined &&
      compareSerials((this.#soa as SoaRecord).data.serial, this.ixfrFromSerial) <= 0
    ) {
      this.#state = 'done';
    }
    return this.#state === 'done';
  }

  /** The outcome; only once `done`. */
  result(): TransferInResult {
    const soa = this.#soa;
    if (this.#state !== 'done' || soa === undefined) throw new TransferError('the transfer did not complete');
    if (this.#records.length > 0) return { kind: 'axfr', soa, records: this.#records };
    if (this.#steps.length > 0) return { kind: 'ixfr', soa, steps: this.#steps };
    return { kind: 'current', soa };
  }

  #checkHeader(msg: Message, first: boolean): void {
    if (msg.id !== this.id) throw new TransferError(`answer ID ${msg.id} does not match query ID ${this.id}`);
    if ((msg.flags & Flag.QR) === 0) throw new TransferError('a query instead of an answer');
    if (getOpcode(msg) !== Opcode.QUERY) throw new TransferError(`answer opcode ${getOpcode(msg)}`);
    const rcode = getRcode(msg);
    if (rcode !== Rcode.NOERROR)
      throw new TransferError(`${this.qtype} of ${this.#zone} refused: rcode ${rcodeToString(rcode)}`, rcode);
    if ((msg.flags & Flag.TC) !== 0) throw new TransferError('truncated answer');
    const qs = msg.questions;
    if (qs.length === 0 && !first) return;
    if (qs.length !== 1) throw new TransferError(`answer has ${qs.length} questions`);
    const q = qs[0];
    if (nameKey(q.name) !== this.#zone || q.type !== this.qtype || q.class !== 'IN')
      throw new TransferError(
        `answer is for ${q.name} ${q.class} ${q.type}, not ${this.#zone} IN ${this.qtype}`,
      );
  }

  #record(rr: ResourceRecord): void {
    if (rr.type === 'OPT') throw new TransferError('an OPT record in the answer section');
    if (rr.class !== 'IN') throw new TransferError(`record ${rr.name} ${rr.type} of class ${rr.class}`);
    if (!isSubdomain(rr.name, this.#zone))
      throw new TransferError(`record ${rr.name} ${rr.type} is outside the zone ${this.#zone}`);
    if (++this.#count > this.maxRecords) throw new TransferError(`more than ${this.maxRecords} records`);
    const soa = rr.type === 'SOA' ? rr : undefined;
    if (soa !== undefined && nameKey(soa.name) !== this.#zone)
      throw new TransferError(`an SOA record for ${soa.name} inside ${this.#zone}`);
    switch (this.#state) {
      case 'start':
        if (soa === undefined) throw new TransferError(`the transfer starts with ${rr.type}, not SOA`);
        this.#soa = soa;
        this.#state = this.qtype === 'IXFR' ? 'second' : 'axfr';
        if (this.#state === 'axfr') this.#records.push(soa);
        return;
      case 'second': {
        const current = this.#soa as SoaRecord;
        if (soa === undefined) {
          // The whole zone in AXFR form (RFC 1995 4).
          this.#records.push(current, rr);
          this.#state = 'axfr';
          return;
        }
        if (soa.data.serial === current.data.serial) {
          // A zone with nothing but its SOA, in AXFR form.
          this.#records.push(current);
          this.#state = 'done';
          return;
        }
        if (soa.data.serial !== this.ixfrFromSerial)
          throw new TransferError(`IXFR starts from serial ${soa.data.serial}, not ${this.ixfrFromSerial}`);
        this.#from = soa;
        this.#state = 'deleting';
        return;
      }
      case 'axfr':
        if (soa === undefined) {
          this.#records.push(rr);
          return;
        }
        if (soa.data.serial !== (this.#soa as SoaRecord).data.serial)
          throw new TransferError(
            `closing SOA serial ${soa.data.serial} differs from ${(this.#soa as SoaRecord).data.serial}`,
          );
        this.#state = 'done';
        return;
      case 'deleting':
        if (soa === undefined) {
          this.#deleted.push(rr);
          return;
        }
        this.#to = soa;
        this.#state = 'adding';
        return;
      case 'adding': {
        if (soa === undefined) {
          this.#added.push(rr);
          return;
        }
        const from = this.#from as SoaRecord;
        const to = this.#to as SoaRecord;
        if (compareSerials(to.data.serial, from.data.serial) <= 0)
          throw new TransferError(
            `IXFR step from serial ${from.data.serial} to ${to.data.serial} does not go forward`,
          );
        this.#steps.push({ from, to, deleted: this.#deleted, added: this.#added });
        this.#deleted = [];
        this.#added = [];
        const newest = (this.#soa as SoaRecord).data.serial;
        if (to.data.serial === newest && soa.data.serial === newest) {
          this.#state = 'done';
          return;
        }
        if (soa.data.serial !== to.data.serial)
          throw new TransferError(
            `IXFR step starts from serial ${soa.data.serial} after a step to ${to.data.serial}`,
          );
        this.#from = soa;
        this.#state = 'deleting';
        return;
      }
      case 'done':
        throw new TransferError('records after the closing SOA');
    }
  }
}

/**
 * Transfers `zone` from `primary` over TCP: AXFR, or IXFR from `ixfrFromSerial` (which the
 * server may answer with the whole zone, or with "current"). Rejects with TransferError
 * for a refusal, a timeout, a closed connection or an answer that breaks the protocol (see
 * TransferReader); callers that asked for IXFR usually retry with AXFR then.
 */
export function transferIn(
  zone: string,
  primary: PeerAddress,
  options: TransferInOptions = {},
): Promise<TransferInResult> {
  const id = randomInt(0, 0x10000);
  const reader = new TransferReader(zone, id, options.ixfrFromSerial, options.maxRecords);
  const query = encodeMessage(transferQuery(zone, id, options.ixfrFromSerial));
  return tcpSession(primary, query, options, (msg) => reader.message(msg)).then(() => reader.result());
}

/**
 * Sends one framed query and feeds each answer to `onMessage` until it returns true.
 * Rejects with TransferError on timeout, early close, an undecodable message, or what
 * `onMessage` throws.
 */
function tcpSession(
  peer: PeerAddress,
  query: Uint8Array,
  options: { timeoutMs?: number; source?: string; signal?: AbortSignal },
  onMessage: (msg: Message) => boolean,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = formatPeer(peer);
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket: Socket = connect({ host: peer.host, port: peer.port, localAddress: options.source });
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve();
      else
        reject(
          error instanceof TransferError
            ? error
            : new TransferError(error.message, undefined, { cause: error }),
        );
    };
    const onAbort = (): void => finish(new TransferError(`transfer from ${where} aborted`));
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () =>
      finish(new TransferError(`no answer from ${where} within ${timeoutMs} ms`)),
    );
    socket.on('error', (e) => finish(new TransferError(`${where}: ${e.message}`, undefined, { cause: e })));
    socket.on('close', () =>
      finish(new TransferError(`${where} closed the connection before the transfer ended`)),
    );
    socket.on('connect', () => socket.write(frameMessage(query)));
    const frames = new FrameDecoder();
    const onFrame = (bytes: Uint8Array): void => {
      // Frames after the last message of the transfer, in the same chunk, are ignored.
      if (settled) return;
      let msg: Message;
      try {
        msg = decodeMessage(bytes);
      } catch (e) {
        throw new TransferError(`undecodable message from ${where}: ${(e as Error).message}`, undefined, {
          cause: e,
        });
      }
      if (onMessage(msg)) finish();
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        frames.push(chunk, onFrame);
      } catch (e) {
        finish(e as Error);
      }
    });
  });
}

function formatPeer(p: PeerAddress): string {
  return p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
}

export interface SoaQueryOptions {
  /** Wait per UDP attempt (and for the TCP retry); default 2000 ms. */
  readonly timeoutMs?: number;
  /** UDP transmissions before giving up; default 3. */
  readonly attempts?: number;
  readonly source?: string;
  readonly signal?: AbortSignal;
}

/**
 * Asks `server` for the SOA of `zone` (what a secondary does before a transfer, and on a
 * NOTIFY): over UDP, retried, and over TCP when the answer is truncated. The answer must be
 * authoritative (AA) and NOERROR with the zone's SOA in the answer section.
 */
export async function querySoa(
  zone: string,
  server: PeerAddress,
  options: SoaQueryOptions = {},
): Promise<SoaRecord> {
  const id = randomInt(0, 0x10000);
  const query: Message = {
    id,
    flags: 0,
    questions: [{ name: zone, type: 'SOA', class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
  };
  const bytes = encodeMessage(query);
  let answer = await udpExchange(server, bytes, id, options);
  if ((answer.flags & Flag.TC) !== 0) {
    let full: Message | undefined;
    await tcpSession(server, bytes, options, (msg) => {
      full = msg;
      return true;
    });
    answer = full as Message;
  }
  return soaFromAnswer(zone, id, answer, formatPeer(server));
}

function soaFromAnswer(zone: string, id: number, msg: Message, where: string): SoaRecord {
  const key = nameKey(zone);
  if (msg.id !== id || (msg.flags & Flag.QR) === 0) throw new TransferError(`bad SOA answer from ${where}`);
  const q = msg.questions[0];
  if (msg.questions.length !== 1 || nameKey(q.name) !== key || q.type !== 'SOA')
    throw new TransferError(`SOA answer from ${where} is for another question`);
  const rcode = getRcode(msg);
  if (rcode !== Rcode.NOERROR)
    throw new TransferError(`SOA query for ${zone} to ${where}: rcode ${rcodeToString(rcode)}`, rcode);
  if ((msg.flags & Flag.AA) === 0) throw new TransferError(`${where} is not authoritative for ${zone}`);
  for (const rr of msg.answers) if (rr.type === 'SOA' && nameKey(rr.name) === key) return rr;
  throw new TransferError(`no SOA for ${zone} in the answer from ${where}`);
}

function udpExchange(
  server: PeerAddress,
  bytes: Uint8Array,
  id: number,
  options: SoaQueryOptions,
): Promise<Message> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const timeoutMs = options.timeoutMs ?? 2000;
  const where = formatPeer(server);
  const v6 = addressBytes(server.host)?.length === 16 || server.host.includes(':');
  return new Promise((resolve, reject) => {
    const socket = createSocket(v6 ? 'udp6' : 'udp4');
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (msg: Message | undefined, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (msg !== undefined) resolve(msg);
      else reject(error);
    };
    const onAbort = (): void => finish(undefined, new TransferError(`SOA query to ${where} aborted`));
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    socket.on('error', (e) =>
      finish(undefined, new TransferError(`${where}: ${e.message}`, undefined, { cause: e })),
    );
    socket.on('message', (buf: Buffer, rinfo: RemoteInfo) => {
      if (rinfo.port !== server.port) return;
      let msg: Message;
      try {
        msg = decodeMessage(buf);
      } catch {
        return;
      }
      if (msg.id === id && (msg.flags & Flag.QR) !== 0) finish(msg);
    });
    const transmit = (): void => {
      if (settled) return;
      if (sent === attempts) {
        finish(
          undefined,
          new TransferError(`no answer from ${where} to the SOA query after ${attempts} attempts`),
        );
        return;
      }
      sent++;
      socket.send(bytes, server.port, server.host);
      timer = setTimeout(transmit, timeoutMs);
    };
    if (options.source !== undefined) socket.bind({ port: 0, address: options.source }, transmit);
    else transmit();
  });
}
