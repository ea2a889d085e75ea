import {
  encodeMessage,
  nextOrFailure,
  type ForwarderExchange,
  type Handler,
  type Message,
  type MessageTap,
  type Request,
  type ResponseWriter,
  WrappingWriter,
} from '@tsdns/core';
import { renderExtra, type ExtraTemplate } from './extra.js';
import { DATA_FRAME_HEADER_LENGTH, sealDataFrame } from './framestream.js';
import { clientQuery, clientResponse, forwarderMessages } from './message.js';
import { DNSTAP_TYPE_MESSAGE, encodeDnstap, type DnstapMessage } from './proto.js';

const PLUGIN = 'dnstap';

/** Where encoded frames go: an outgoing connection's queue, or the sinks of a listener. */
export interface FrameSink {
  /**
   * Whether a frame offered now would be kept. When not, the sink counts one dropped
   * message, and the tap skips encoding it: under overload, dropping costs nothing.
   */
  admit(): boolean;
  /** Takes one sealed data frame; must not block. */
  enqueue(frame: Uint8Array): void;
}

export interface DnstapSettings {
  /** Include the wire-format messages (`full`). */
  readonly full: boolean;
  readonly identity: Uint8Array | undefined;
  readonly version: Uint8Array | undefined;
  readonly extra: ExtraTemplate | undefined;
}

/**
 * The dnstap handler (CoreDNS's dnstap.Dnstap): reports each query that reaches it as
 * CLIENT_QUERY before passing it on, and its response as CLIENT_RESPONSE once written;
 * other plugins (forward) report their upstream exchanges through MessageTap. Everything is
 * encoded synchronously into one buffer per message and handed to the sink, which never
 * waits; nothing here makes a Promise.
 */
export class Dnstap implements Handler, MessageTap {
  readonly name = PLUGIN;
  /** The handler after this one; set when the chain is built. */
  next: Handler | undefined = undefined;
  readonly full: boolean;

  constructor(
    readonly settings: DnstapSettings,
    readonly sink: FrameSink,
  ) {
    this.full = settings.full;
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const now = performance.now();
    if (this.sink.admit()) this.tap(req, clientQuery(req, now, this.full ? wireOf(req.msg) : undefined));
    return nextOrFailure(PLUGIN, this.next, req, new TapWriter(w, this, req, now));
  }

  tapForwarder(exchange: ForwarderExchange): void {
    for (const m of forwarderMessages(exchange, this.full)) if (this.sink.admit()) this.tap(exchange.req, m);
  }

  /**
   * Encodes one message with this tap's identity, version and extra, and queues it. Call
   * it after the sink admitted the message.
   */
  tap(req: Request, message: DnstapMessage): void {
    const s = this.settings;
    const frame = encodeDnstap(
      {
        identity: s.identity,
        version: s.version,
        extra: s.extra === undefined ? undefined : renderExtra(s.extra, req),
        type: DNSTAP_TYPE_MESSAGE,
        message,
      },
      DATA_FRAME_HEADER_LENGTH,
    );
    this.sink.enqueue(sealDataFrame(frame));
  }
}

/** A message's wire form for the tap; a message the codec refuses is reported without it. */
function wireOf(msg: Message, maxSize?: number): Uint8Array | undefined {
  try {
    return encodeMessage(msg, maxSize === undefined ? undefined : { maxSize });
  } catch {
    return undefined;
  }
}

/**
 * Passes the response on to the client first, then reports it (CoreDNS's dnstap
 * ResponseWriter). With `full` the response is encoded as the server encodes it for this
 * client, truncated to the client's UDP size; a response sent as bytes is those bytes.
 */
class TapWriter extends WrappingWriter {
  constructor(
    inner: ResponseWriter,
    readonly tap: Dnstap,
    readonly req: Request,
    readonly queryTime: number,
  ) {
    super(inner, inner.transport, true);
  }

  write(msg: Message): number | void {
    const sent = this.inner.write(msg);
    const tap = this.tap;
    if (tap.sink.admit()) {
      const req = this.req;
      const wire = tap.full ? wireOf(msg, req.size) : undefined;
      tap.tap(req, clientResponse(req, this.queryTime, performance.now(), wire));
    }
    return sent;
  }

  protected override forwardBytes(bytes: Uint8Array): number {
    const sent = this.inner.writeBytes!(bytes);
    const tap = this.tap;
    if (tap.sink.admit()) {
      const req = this.req;
      tap.tap(req, clientResponse(req, this.queryTime, performance.now(), tap.full ? bytes : undefined));
    }
    return sent;
  }
}
