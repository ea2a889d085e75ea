/**
 * A ResponseWriter for calling a plugin's handler directly in a unit test: it keeps what
 * the handler writes instead of sending it.
 */
import { encodeMessage, type Message, type ResponseWriter, type Transport } from '@tsdns/core';

/** Where the query came from and arrived, as a server's writer would report it. */
export interface CaptureWriterOptions {
  /** default 'udp' */
  transport?: Transport;
  /** default 127.0.0.1 */
  remoteAddress?: string;
  /** default 40212 */
  remotePort?: number;
  /** default 127.0.0.1 */
  localAddress?: string;
  /** default 53 */
  localPort?: number;
}

export class CaptureWriter implements ResponseWriter {
  /** Every message written, in order. */
  readonly written: Message[] = [];
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;

  constructor(opts: CaptureWriterOptions = {}) {
    this.transport = opts.transport ?? 'udp';
    this.remoteAddress = opts.remoteAddress ?? '127.0.0.1';
    this.remotePort = opts.remotePort ?? 40212;
    this.localAddress = opts.localAddress ?? '127.0.0.1';
    this.localPort = opts.localPort ?? 53;
  }

  /**
   * Keeps the message and returns its encoded size, as the server's writers do (plugins
   * that record sizes, like log, see a real number). Encoding also proves the message
   * could have been sent: a handler that writes an unencodable response fails the test.
   */
  write(msg: Message): number {
    this.written.push(msg);
    return encodeMessage(msg).length;
  }
}

/**
 * A CaptureWriter that also takes responses in wire form (ResponseWriter.writeBytes), as the
 * server's writers do: for plugins that answer from bytes (cache hits, zone memos) and the
 * writers that pass bytes on.
 */
export class BytesCaptureWriter extends CaptureWriter {
  /** Every response written as bytes, in order. */
  readonly bytes: Uint8Array[] = [];

  writeBytes(bytes: Uint8Array): number {
    this.bytes.push(bytes);
    return bytes.length;
  }
}
