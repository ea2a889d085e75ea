import { createSocket, type RemoteInfo } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { pluginLogger, type Logger } from '../log.js';
import { Flag, Opcode, Rcode, rcodeToString } from '../wire/constants.js';
import { decodeMessage } from '../wire/decode.js';
import { encodeMessage } from '../wire/encode.js';
import { getOpcode, getRcode } from '../wire/header.js';
import { nameKey } from '../wire/name.js';
import type { Message } from '../wire/types.js';
import { addressBytes, type NotifyTarget } from './acl.js';
import type { SoaRecord } from './transfer-history.js';

export interface NotifyOptions {
  /** Transmissions of one NOTIFY before giving up; default 5. */
  readonly attempts?: number;
  /** Wait for an answer after the first transmission, doubled after each; default 1000 ms. */
  readonly timeoutMs?: number;
  /** Ceiling of the doubling wait; default 8000 ms. */
  readonly maxTimeoutMs?: number;
  /** Local address to send from (CoreDNS's `source`); default any. */
  readonly source?: string;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_MAX_TIMEOUT_MS = 8000;

/** What became of one NOTIFY to one target. */
export type NotifyResult =
  | { readonly target: NotifyTarget; readonly ok: true; readonly attempts: number }
  | {
      readonly target: NotifyTarget;
      readonly ok: false;
      readonly attempts: number;
      /** Why: "rcode REFUSED", "no answer after 5 attempts", a socket error, "superseded". */
      readonly reason: string;
      /** The answer's rcode, when an answer refused it. */
      readonly rcode?: number;
    };

/** The NOTIFY message of RFC 1996 3.3: opcode NOTIFY, AA, the zone's SOA as question. */
export function notifyMessage(zone: string, id: number, soa?: SoaRecord): Message {
  return {
    id,
    flags: (Opcode.NOTIFY << 11) | Flag.AA,
    questions: [{ name: zone, type: 'SOA', class: 'IN' }],
    // RFC 1996 3.7: the new SOA may ride along, so a secondary can skip a needless refresh.
    answers: soa === undefined ? [] : [soa],
    authorities: [],
    additionals: [],
  };
}

function sameAddress(a: string, b: string): boolean {
  const x = addressBytes(a);
  const y = addressBytes(b);
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Whether `msg` answers the NOTIFY `id` for `zone` (RFC 1996 4.7: same ID, opcode, question). */
function isNotifyAnswer(msg: Message, id: number, zone: string): boolean {
  if (msg.id !== id || (msg.flags & Flag.QR) === 0 || getOpcode(msg) !== Opcode.NOTIFY) return false;
  // The question is echoed by every secondary we know of; one that differs is not ours.
  const q = msg.questions[0];
  return q === undefined || (nameKey(q.name) === nameKey(zone) && q.type === 'SOA');
}

/**
 * Sends one NOTIFY for `zone` to `target` over UDP (RFC 1996): retransmitted with a
 * doubling wait until an answer comes or the attempts run out. Any answer ends it; an
 * rcode other than NOERROR counts as a refusal. Never rejects: the result says what
 * happened. An abort signal ends it early ("superseded" or the signal's reason).
 */
export function sendNotify(
  zone: string,
  target: NotifyTarget,
  options: NotifyOptions & { soa?: SoaRecord; signal?: AbortSignal } = {},
): Promise<NotifyResult> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const firstWait = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxWait = options.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS;
  const id = randomInt(0, 0x10000);
  const bytes = encodeMessage(notifyMessage(zone, id, options.soa));
  const signal = options.signal;

  return new Promise((resolve) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const udp = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
    const finish = (result: NotifyResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      udp.close();
      resolve(result);
    };
    const fail = (reason: string, rcode?: number): void =>
      finish(
        rcode === undefined
          ? { target, ok: false, attempts: sent, reason }
          : { target, ok: false, attempts: sent, reason, rcode },
      );
    const onAbort = (): void => fail(typeof signal?.reason === 'string' ? signal.reason : 'aborted');
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort);

    udp.on('error', (e) => fail(e.message));
    udp.on('message', (buf: Buffer, rinfo: RemoteInfo) => {
      if (rinfo.port !== target.port || !sameAddress(rinfo.address, target.host)) return;
      let msg: Message;
      try {
        msg = decodeMessage(buf);
      } catch {
        return; // garbage is not an answer; keep waiting
      }
      if (!isNotifyAnswer(msg, id, zone)) return;
      const rcode = getRcode(msg);
      if (rcode === Rcode.NOERROR) finish({ target, ok: true, attempts: sent });
      else fail(`rcode was ${rcodeToString(rcode)}`, rcode);
    });

    const transmit = (): void => {
      if (done) return;
      if (sent === attempts) {
        fail(`no answer after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
        return;
      }
      sent++;
      udp.send(bytes, target.port, target.host, (e) => {
        if (e) fail(e.message);
      });
      timer = setTimeout(transmit, Math.min(firstWait * 2 ** (sent - 1), maxWait));
    };
    if (options.source !== undefined) udp.bind({ port: 0, address: options.source }, transmit);
    else transmit();
  });
}

/**
 * Sends NOTIFY messages for zones to a fixed set of secondaries (the single addresses of a
 * `transfer to` list), in parallel, logging each failure in CoreDNS's words. A newer
 * notify for a zone cancels the retries of an older one: only the latest version matters.
 */
export class Notifier {
  readonly #log: Logger;
  readonly #pending = new Map<string, AbortController>();
  #closed = false;

  constructor(
    readonly targets: readonly NotifyTarget[],
    private readonly options: NotifyOptions & { plugin?: string } = {},
  ) {
    this.#log = pluginLogger(options.plugin ?? 'transfer');
  }

  /**
   * Notifies every target that `zone` (absolute) changed; `soa`, when given, travels in the
   * answer section. Resolves with one result per target once all are settled.
   */
  async notify(zone: string, soa?: SoaRecord): Promise<NotifyResult[]> {
    if (this.#closed || this.targets.length === 0) return [];
    const key = nameKey(zone);
    this.#pending.get(key)?.abort('superseded');
    const controller = new AbortController();
    this.#pending.set(key, controller);
    const results = await Promise.all(
      this.targets.map((target) =>
        sendNotify(zone, target, { ...this.options, soa, signal: controller.signal }),
      ),
    );
    if (this.#pending.get(key) === controller) this.#pending.delete(key);
    for (const r of results) {
      if (r.ok || controller.signal.aborted) continue;
      this.#log.error(
        `notify for zone ${JSON.stringify(zone)} was not accepted by ${JSON.stringify(formatTarget(r.target))}: ${r.reason}`,
      );
    }
    this.#log.debug(
      `Sent notifies for zone ${JSON.stringify(zone)} to [${this.targets.map(formatTarget).join(' ')}]`,
    );
    return results;
  }

  /** Stops every pending retry; later notify calls do nothing. */
  close(): void {
    this.#closed = true;
    for (const c of this.#pending.values()) c.abort('closed');
    this.#pending.clear();
  }
}

/** host:port as Go prints it ([v6]:port). */
export function formatTarget(t: NotifyTarget): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}
