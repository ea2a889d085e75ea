/**
 * A DNS-over-TCP connection that keeps several queries in flight at once (RFC 7766
 * pipelining): answers are matched to queries by message id, in whatever order they come.
 */
import { connect, type Socket } from 'node:net';
import { decodeMessage, encodeMessage, type Message } from '@tsdns/core';
import { FrameReader, frameMessage } from './frame.js';
import {
  ConnectionClosedError,
  DEFAULT_HOST,
  DEFAULT_TIMEOUT,
  QueryTimeoutError,
  buildQuery,
  type QueryOptions,
  type Target,
} from './query-message.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class TcpClient {
  private readonly reader = new FrameReader();
  /** exchanges waiting for the answer with their id */
  private readonly byId = new Map<number, Waiter<Message>>();
  /** raw sends waiting for "the next frame that no exchange claims", oldest first */
  private readonly rawQueue: Waiter<Uint8Array | undefined>[] = [];
  private closed = false;
  /** Frames that arrived with nobody waiting for them. */
  readonly unclaimed: Uint8Array[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly target: Target,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      for (const frame of this.reader.push(chunk)) this.dispatch(frame);
    });
    socket.on('close', () => this.shutdown());
    // An error is followed by 'close', which settles every waiter.
    socket.on('error', () => {});
  }

  /** Opens the connection. Rejects with QueryTimeoutError, or the socket error (ECONNREFUSED). */
  static connect(target: Target, opts: { timeout?: number } = {}): Promise<TcpClient> {
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host ?? DEFAULT_HOST, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new QueryTimeoutError(target, 'tcp', timeout));
      }, timeout);
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new TcpClient(socket, target));
      });
    });
  }

  /** True once the connection is closed, by either side. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a query built from the options and resolves with its answer. */
  query(name: string, type: string, opts: Omit<QueryOptions, 'transport'> = {}): Promise<Message> {
    return this.exchange(buildQuery(name, type, opts), opts);
  }

  /**
   * Sends a message and resolves with the answer carrying its id. Several exchanges may be
   * in flight; each id may be outstanding only once.
   */
  exchange(msg: Message, opts: { timeout?: number } = {}): Promise<Message> {
    if (this.closed) return Promise.reject(new ConnectionClosedError('the connection is closed'));
    if (this.byId.has(msg.id))
      return Promise.reject(new Error(`id ${msg.id} is already in flight on this connection`));
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    const bytes = frameMessage(encodeMessage(msg));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.byId.delete(msg.id);
        reject(new QueryTimeoutError(this.target, 'tcp', timeout));
      }, timeout);
      this.byId.set(msg.id, { resolve, reject, timer });
      this.socket.write(bytes);
    });
  }

  /**
   * Sends bytes as one frame (the length prefix is added) and resolves with the next frame
   * no exchange claims, or undefined on timeout or when the server closes the connection.
   */
  sendRaw(bytes: Uint8Array, opts: { timeout?: number } = {}): Promise<Uint8Array | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return this.waitRaw(frameMessage(bytes), opts.timeout ?? DEFAULT_TIMEOUT);
  }

  /**
   * Writes bytes to the stream exactly as given (no length prefix added), for tests of
   * framing itself: split frames, a short length, garbage. Resolves like sendRaw.
   */
  writeStream(bytes: Uint8Array, opts: { timeout?: number } = {}): Promise<Uint8Array | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return this.waitRaw(bytes, opts.timeout ?? DEFAULT_TIMEOUT);
  }

  /** Closes the connection; outstanding exchanges reject with ConnectionClosedError. */
  close(): void {
    this.socket.destroy();
    this.shutdown();
  }

  private waitRaw(bytes: Uint8Array, timeout: number): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<Uint8Array | undefined> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.rawQueue.indexOf(waiter);
          if (i !== -1) this.rawQueue.splice(i, 1);
          resolve(undefined);
        }, timeout),
      };
      this.rawQueue.push(waiter);
      this.socket.write(bytes);
    });
  }

  private dispatch(frame: Uint8Array): void {
    const id = frame.length >= 2 ? (frame[0] << 8) | frame[1] : -1;
    const waiter = this.byId.get(id);
    if (waiter !== undefined) {
      this.byId.delete(id);
      clearTimeout(waiter.timer);
      try {
        waiter.resolve(decodeMessage(frame));
      } catch (err) {
        waiter.reject(err as Error);
      }
      return;
    }
    const raw = this.rawQueue.shift();
    if (raw !== undefined) {
      clearTimeout(raw.timer);
      raw.resolve(frame);
      return;
    }
    this.unclaimed.push(frame);
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.byId.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new ConnectionClosedError('the server closed the connection before answering'));
    }
    this.byId.clear();
    for (const raw of this.rawQueue.splice(0)) {
      clearTimeout(raw.timer);
      raw.resolve(undefined);
    }
  }
}
