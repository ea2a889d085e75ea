import type { Socket } from 'node:net';
import {
  ControlType,
  DNSTAP_CONTENT_TYPE,
  FrameStreamError,
  FrameStreamParser,
  encodeControl,
  type Frame,
} from './framestream.js';

const READY = encodeControl(ControlType.READY, [DNSTAP_CONTENT_TYPE]);
const START = encodeControl(ControlType.START, [DNSTAP_CONTENT_TYPE]);
const STOP = encodeControl(ControlType.STOP);

/**
 * The writer's side of a bidirectional Frame Streams connection, on a socket that is
 * connected (this server dialled the collector, or a collector dialled this server): READY
 * with dnstap's content type, the reader's ACCEPT, START; data frames are the owner's to
 * write once `started` has been called; at the end STOP and the reader's FINISH.
 *
 * Anything else the reader sends, a handshake that takes longer than `timeoutMs`, or bytes
 * that are not Frame Streams destroy the socket with an error, which the socket's owner
 * sees through its 'error' and 'close' events.
 */
export class FrameStreamWriter {
  #state: 'handshake' | 'started' | 'stopping' = 'handshake';
  readonly #parser = new FrameStreamParser();
  readonly #timer: NodeJS.Timeout;
  #onFinish: (() => void) | undefined;

  constructor(
    readonly socket: Socket,
    readonly timeoutMs: number,
    started: () => void,
  ) {
    this.#timer = setTimeout(() => {
      socket.destroy(new FrameStreamError(`no Frame Streams handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    this.#timer.unref();
    socket.on('data', (chunk: Buffer) => this.#received(chunk, started));
    socket.on('close', () => clearTimeout(this.#timer));
    socket.write(READY);
  }

  get started(): boolean {
    return this.#state === 'started';
  }

  #received(chunk: Buffer, started: () => void): void {
    let frames: Frame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (e) {
      this.socket.destroy(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    for (const f of frames) {
      if (f.kind !== 'control') {
        this.socket.destroy(new FrameStreamError('the reader sent a data frame'));
        return;
      }
      if (this.#state === 'handshake') {
        if (f.type !== ControlType.ACCEPT) {
          this.socket.destroy(
            new FrameStreamError(`expected ACCEPT, the reader sent control frame ${f.type}`),
          );
          return;
        }
        // An ACCEPT without content types accepts anything (Frame Streams' "no content type").
        if (f.contentTypes.length > 0 && !f.contentTypes.includes(DNSTAP_CONTENT_TYPE)) {
          this.socket.destroy(new FrameStreamError(`the reader does not accept ${DNSTAP_CONTENT_TYPE}`));
          return;
        }
        clearTimeout(this.#timer);
        this.socket.write(START);
        this.#state = 'started';
        started();
      } else if (this.#state === 'stopping' && f.type === ControlType.FINISH) {
        this.#onFinish?.();
      }
    }
  }

  /**
   * Ends the stream: STOP when it had started, then waits for FINISH (or the socket's end,
   * at most `timeoutMs`) and destroys the socket.
   */
  async stop(): Promise<void> {
    const socket = this.socket;
    if (this.#state !== 'started' || socket.destroyed) {
      socket.destroy();
      return;
    }
    this.#state = 'stopping';
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.timeoutMs);
      timer.unref();
      this.#onFinish = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('close', this.#onFinish);
      socket.write(STOP);
    });
    socket.destroy();
  }
}
