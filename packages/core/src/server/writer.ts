import type { Message, OptRecord } from '../wire/types.js';
import { EDNS_DO, Rcode } from '../wire/constants.js';
import { encodeMessage, encodeResponse } from '../wire/encode.js';
import type { ResponseWriter, Transport } from '../plugin/writer.js';
import { MIN_UDP_SIZE, type Request } from '../plugin/request.js';
import { createOpt } from '../wire/edns.js';
import { log } from '../log.js';

/**
 * The ResponseWriter the server hands to a chain: makes the response's EDNS agree with the
 * query (RFC 6891: an OPT record exactly when the query had one; DO mirrored, RFC 3225),
 * encodes it to fit the client's limit (truncating with TC set, RFC 2181 section 9) and
 * sends it through the transport. One response per query, later writes ignored, except
 * for AXFR and IXFR over a stream transport, where every write sends the next message of
 * the transfer (RFC 5936 2.2).
 */
export abstract class ServerWriter implements ResponseWriter {
  abstract readonly transport: Transport;
  /** Set by the dispatcher once the query decodes; until then only raw writes happen. */
  req: Request | undefined = undefined;
  written = false;

  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly localAddress: string,
    readonly localPort: number,
  ) {}

  /** Hands finished bytes to the transport. */
  protected abstract send(bytes: Uint8Array): void;

  write(msg: Message): number {
    if (this.written && !this.#transferStream()) {
      log.debug(`second response to query ${msg.id} ignored`);
      return 0;
    }
    this.written = true;
    const req = this.req;
    const maxSize = this.#maxSize(req);
    let bytes: Uint8Array;
    try {
      bytes =
        req === undefined
          ? encodeMessage(msg, { maxSize })
          : encodeResponse(fitEdns(msg, req.edns !== undefined, req.do), maxSize, req);
    } catch (e) {
      // A plugin built a message the codec refuses: the client still gets an answer.
      log.error(
        `Could not encode the response to ${describe(req, msg)}: ${e instanceof Error ? e.message : String(e)}`,
      );
      if (req === undefined) return 0;
      bytes = encodeMessage(req.reply(Rcode.SERVFAIL), { maxSize });
    }
    this.send(bytes);
    return bytes.length;
  }

  /**
   * The size a response is truncated to. Over UDP: the client's limit, and never more than
   * a datagram can carry, so an answer of any size goes out truncated with TC (the client
   * then asks over TCP). Over a stream nothing is cut: an answer too large for one message
   * is an error, answered SERVFAIL.
   */
  #maxSize(req: Request | undefined): number | undefined {
    if (req === undefined) return MIN_UDP_SIZE;
    if (this.transport !== 'udp') return undefined;
    return Math.min(req.size, MAX_UDP_PAYLOAD);
  }

  /** Whether this query's answer may be several messages: a zone transfer over a stream. */
  #transferStream(): boolean {
    if (this.transport === 'udp') return false;
    const qtype = this.req?.qtype;
    return qtype === 'AXFR' || qtype === 'IXFR';
  }

  /** See ResponseWriter.writeBytes: bytes made to measure, sent as they are. */
  writeBytes(bytes: Uint8Array): number {
    if (this.written) {
      log.debug(`second response to query ${this.req?.id ?? '?'} ignored`);
      return 0;
    }
    this.written = true;
    this.send(bytes);
    return bytes.length;
  }

  /** Datagram transports never make a writer wait; stream transports override this. */
  whenWritable(): boolean | Promise<boolean> {
    return true;
  }

  /** Sends a response built before the query could be decoded (FORMERR for garbage). */
  writeRaw(msg: Message): void {
    if (this.written) return;
    this.written = true;
    this.send(encodeMessage(msg, { maxSize: MIN_UDP_SIZE }));
  }
}

/**
 * The largest UDP payload over IPv4 (65535 less the IP and UDP headers); a client may
 * advertise up to 65535, but a larger datagram cannot be sent.
 */
const MAX_UDP_PAYLOAD = 65507;

function describe(req: Request | undefined, msg: Message): string {
  return req === undefined ? `query ${msg.id}` : `"${req.qtype} IN ${req.name}" (id ${msg.id})`;
}

/**
 * Returns `msg` itself when its EDNS already agrees with the query, otherwise a shallow
 * copy with a fixed additional section: plugins may keep and reuse their messages
 * (caches), so the writer never changes them.
 */
export function fitEdns(msg: Message, queryHadOpt: boolean, dnssecOk: boolean): Message {
  const additionals = msg.additionals;
  let opt: OptRecord | undefined;
  for (let i = 0; i < additionals.length; i++) {
    const rr = additionals[i];
    if (rr.type === 'OPT') {
      opt = rr as OptRecord;
      break;
    }
  }
  if (!queryHadOpt) {
    if (opt === undefined) return msg;
    return { ...msg, additionals: additionals.filter((rr) => rr.type !== 'OPT') };
  }
  if (opt === undefined) return { ...msg, additionals: [...additionals, createOpt({ dnssecOk })] };
  const doBit = dnssecOk ? EDNS_DO : 0;
  if (opt.ednsVersion === 0 && (opt.flags & EDNS_DO) === doBit) return msg;
  const fixed: OptRecord = { ...opt, ednsVersion: 0, flags: (opt.flags & ~EDNS_DO) | doBit };
  return { ...msg, additionals: additionals.map((rr) => (rr === opt ? fixed : rr)) };
}
