import { Flag } from '../wire/constants.js';
import { encodeMessage } from '../wire/encode.js';
import type { Message, ResourceRecord } from '../wire/types.js';
import type { Request } from './request.js';
import type { ResponseWriter } from './writer.js';

/** Largest message of a transfer by default: near TCP's 65535, with room for a TSIG record. */
export const DEFAULT_TRANSFER_MESSAGE_SIZE = 64_000;

/** Records tried in the first message; later messages size themselves on what fitted. */
const FIRST_GUESS = 256;
/** Each guess overshoots what should fit by this much, so messages come out nearly full. */
const OVERSHOOT = 1.1;
/**
 * What a guess may aim to encode at most: the encoder fits a message by encoding every
 * candidate record first, and no message, even one being cut down, may pass 65535 octets.
 */
const CANDIDATE_CEILING = 65_000;

/**
 * How long a transfer waits for a client that stopped reading before it gives up, so a
 * stalled client does not pin a zone version in memory forever.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

export interface TransferStreamOptions {
  /** Largest message in octets; default DEFAULT_TRANSFER_MESSAGE_SIZE. */
  readonly messageSize?: number;
  /** Longest wait for the connection to drain; default DEFAULT_STALL_TIMEOUT_MS. */
  readonly stallTimeoutMs?: number;
}

/** A record that cannot fit in a message even alone, or a message the codec refuses. */
export class TransferStreamError extends Error {
  override readonly name = 'TransferStreamError';
}

/**
 * Sends a zone transfer's records as a stream of answers (RFC 5936 2.2): every message
 * carries the query's ID and question, AA set, and as many records as fit in
 * `messageSize` octets with name compression. Records are held until a message is full,
 * so the last ones are sent by `end`. Waits for the connection to drain between
 * messages; once the connection is gone, `push` and `end` return false.
 */
export class TransferStream {
  /** Messages written so far. */
  messages = 0;
  /** Records written so far. */
  records = 0;
  #pending: ResourceRecord[] = [];
  /** Index of the first held record in #pending (sent ones before it are dropped lazily). */
  #start = 0;
  #guess = FIRST_GUESS;
  #gone = false;

  /** Set when the client stopped reading for longer than the stall timeout. */
  stalled = false;
  readonly #messageSize: number;
  readonly #stallTimeoutMs: number;

  constructor(
    private readonly req: Request,
    private readonly w: ResponseWriter,
    options: TransferStreamOptions = {},
  ) {
    this.#messageSize = options.messageSize ?? DEFAULT_TRANSFER_MESSAGE_SIZE;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }

  /**
   * Adds records. Returns true (or a Promise of true) when the stream may go on, false
   * when the client is gone. Throws TransferStreamError for a record too large to send.
   */
  push(records: readonly ResourceRecord[]): boolean | Promise<boolean> {
    if (this.#gone) return false;
    const pending = this.#pending;
    for (let i = 0; i < records.length; i++) pending.push(records[i]);
    if (pending.length - this.#start < this.#guess) return true;
    return this.#drain(false);
  }

  /** Sends everything still held. Same results as `push`. */
  end(): boolean | Promise<boolean> {
    if (this.#gone) return false;
    return this.#drain(true);
  }

  /**
   * Ends the stream with an error message (RFC 5936 2.2: a transfer stops at a message
   * whose RCODE is not NOERROR), dropping what was held.
   */
  fail(rcode: number): void {
    this.#pending = [];
    this.#start = 0;
    if (this.#gone) return;
    this.w.write(this.req.reply(rcode));
  }

  /** Sends full messages while enough records are held (all of them when `all`). */
  #drain(all: boolean): boolean | Promise<boolean> {
    while (this.#pending.length - this.#start >= (all ? 1 : this.#guess)) {
      this.#sendOne();
      const writable = this.w.whenWritable?.() ?? true;
      if (writable === true) continue;
      if (writable === false) return this.#stop();
      return this.#waitDrained(writable).then((ok) => (ok ? this.#drain(all) : this.#stop()));
    }
    return true;
  }

  #waitDrained(writable: Promise<boolean>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const stall = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.stalled = true;
        resolve(false);
      }, this.#stallTimeoutMs);
    });
    return Promise.race([writable, stall]).finally(() => clearTimeout(timer));
  }

  #stop(): false {
    this.#gone = true;
    this.#pending = [];
    this.#start = 0;
    return false;
  }

  /** One message: the longest prefix of the held records that fits. */
  #sendOne(): void {
    const pending = this.#pending;
    const start = this.#start;
    let take = Math.min(pending.length - start, this.#guess);
    let msg: Message;
    let bytes: Uint8Array;
    for (;;) {
      msg = this.#message(pending.slice(start, start + take));
      try {
        bytes = encodeMessage(msg, { maxSize: this.#messageSize });
        break;
      } catch (e) {
        // Too many candidates for the encoder: try fewer. One record that still fails is broken.
        if (take === 1) {
          throw new TransferStreamError(`cannot encode a transfer message: ${(e as Error).message}`, {
            cause: e,
          });
        }
        take = Math.floor(take * 0.8);
      }
    }
    const fitted = (bytes[6] << 8) | bytes[7];
    if (fitted === 0) {
      const rr = pending[start];
      throw new TransferStreamError(
        `record ${rr.name} ${rr.type} does not fit in a ${this.#messageSize}-octet message`,
      );
    }
    if (fitted < msg.answers.length) msg.answers.length = fitted;
    this.w.write(msg);
    this.messages++;
    this.records += fitted;
    this.#start = start + fitted;
    if (this.#start === pending.length) {
      this.#pending = [];
      this.#start = 0;
    } else if (this.#start > 4096 && this.#start * 2 > pending.length) {
      // Drop what was sent once it is most of the array, so a huge batch is not copied per message.
      this.#pending = pending.slice(this.#start);
      this.#start = 0;
    }
    // Aim the next message at what this one's records suggest will fill it.
    const perRecord = bytes.length / fitted;
    const aim = Math.min(this.#messageSize * OVERSHOOT, CANDIDATE_CEILING);
    this.#guess = Math.max(1, Math.floor(aim / perRecord));
  }

  #message(answers: ResourceRecord[]): Message {
    const msg = this.req.reply();
    msg.flags |= Flag.AA;
    msg.answers = answers;
    return msg;
  }
}
