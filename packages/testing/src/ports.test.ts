import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from './ports.js';

describe('freePorts', () => {
  it('returns distinct ports that can then be bound for TCP and UDP', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      const tcp = createServer();
      await new Promise<void>((resolve, reject) =>
        tcp.once('error', reject).listen(port, '127.0.0.1', resolve),
      );
      const udp = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, '127.0.0.1', resolve);
      });
      udp.close();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it('rejects a nonsensical count', async () => {
    await expect(freePorts(-1)).rejects.toThrow(RangeError);
    expect(await freePorts(0)).toEqual([]);
  });
});
