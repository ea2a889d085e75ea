import type { Socket } from 'node:dgram';
import { ServerWriter } from './writer.js';

/** Sends one response datagram back to the client the query came from. */
export class UdpWriter extends ServerWriter {
  readonly transport = 'udp' as const;

  constructor(
    private readonly socket: Socket,
    remoteAddress: string,
    remotePort: number,
    localAddress: string,
    localPort: number,
  ) {
    super(remoteAddress, remotePort, localAddress, localPort);
  }

  protected send(bytes: Uint8Array): void {
    try {
      this.socket.send(bytes, this.remotePort, this.remoteAddress);
    } catch {
      // The socket closed while the answer was being computed (shutdown): nothing to send on.
    }
  }
}
