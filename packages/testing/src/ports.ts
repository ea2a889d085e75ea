/**
 * Free ports for test servers. The OS picks an unused port for a TCP listener on port 0; the
 * same number must also be free for UDP, because a DNS server binds both. The probe sockets
 * are closed before the server binds, so another process can still take a port in between:
 * callers retry on EADDRINUSE.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function listenTcp(): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    // No host: the wildcard address, which is what a server block without `bind` uses.
    server.listen({ port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('a TCP listener on port 0 reported no port'));
        return;
      }
      resolve({ port: address.port, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

function udpFree(port: number): Promise<{ close(): Promise<void> } | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind({ port, exclusive: true }, () => {
      resolve({ close: () => new Promise((done) => socket.close(() => done())) });
    });
  });
}

/** `count` distinct ports that were free for both TCP and UDP a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`port count must be a non-negative integer, got ${count}`);
  const held: { close(): Promise<void> }[] = [];
  const ports: number[] = [];
  try {
    // Hold every probe until all are found, so the OS cannot hand out the same port twice.
    for (let attempts = 0; ports.length < count; attempts++) {
      if (attempts >= count * 20) throw new Error(`could not find ${count} free TCP+UDP ports`);
      const tcp = await listenTcp();
      held.push(tcp);
      const udp = await udpFree(tcp.port);
      if (udp === undefined) continue;
      held.push(udp);
      ports.push(tcp.port);
    }
  } finally {
    await Promise.all(held.map((h) => h.close()));
  }
  return ports;
}
