// Graceful reload of the built `tsdns` on SIGUSR1 and SIGHUP, under load and with mistakes.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import { query, TcpClient } from '@tsdns/testing';
import { countLines, startTsdns } from './support/tsdns-process.js';

const whoamiFor = (zone: string) => (p: readonly number[]) => `${zone}:${p[0]} {\n    whoami\n}\n`;

describe('reload', () => {
  it('SIGUSR1 and SIGHUP load the edited Corefile', async () => {
    const p = await startTsdns({ corefile: whoamiFor('example.org') });
    const port = p.ports[0];
    expect(getRcode(await query({ port }, 'example.net', 'A'))).toBe(Rcode.REFUSED);

    p.writeFile('Corefile', whoamiFor('example.net')(p.ports));
    p.signal('SIGUSR1');
    await p.waitForLines('Reloading complete', 1);
    expect(p.stdout()).toContain('[INFO] SIGUSR1: Reloading');
    expect(getRcode(await query({ port }, 'example.net', 'A'))).toBe(Rcode.NOERROR);
    expect(getRcode(await query({ port }, 'example.org', 'A'))).toBe(Rcode.REFUSED);

    p.writeFile('Corefile', whoamiFor('example.com')(p.ports));
    p.signal('SIGHUP');
    await p.waitForLines('Reloading complete', 2);
    expect(p.stdout()).toContain('[INFO] SIGHUP: Reloading');
    expect(getRcode(await query({ port }, 'example.com', 'A', { transport: 'tcp' }))).toBe(Rcode.NOERROR);
    expect(getRcode(await query({ port }, 'example.net', 'A'))).toBe(Rcode.REFUSED);
  });

  it('loses no query while reloading under a query loop', async () => {
    const p = await startTsdns({ corefile: whoamiFor('.') });
    const port = p.ports[0];
    let stop = false;
    const failures: string[] = [];
    let answered = 0;
    // Four UDP loops and one TCP loop, each query waiting for its answer before the next.
    const loop = async (worker: number, transport: 'udp' | 'tcp'): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const name = `w${worker}-${i}.loop.example.`;
        try {
          const m = await query({ port }, name, 'A', { transport, timeout: 2000 });
          if (getRcode(m) !== Rcode.NOERROR || m.additionals[0]?.type !== 'A')
            failures.push(`${name}: rcode ${getRcode(m)}`);
          else answered++;
        } catch (err) {
          failures.push(`${name} (${transport}): ${(err as Error).message}`);
        }
      }
    };
    const loops = [loop(0, 'udp'), loop(1, 'udp'), loop(2, 'udp'), loop(3, 'udp'), loop(4, 'tcp')];
    // A TCP connection opened before the reloads keeps being answered through them.
    const held = await TcpClient.connect({ port });
    const heldAnswers: number[] = [];
    const RELOADS = 5;
    try {
      for (let r = 1; r <= RELOADS; r++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Alternate between two Corefiles so every reload builds a different chain.
        p.writeFile(
          'Corefile',
          r % 2 === 1 ? `.:${port} {\n    errors\n    whoami\n}\n` : whoamiFor('.')(p.ports),
        );
        p.signal('SIGUSR1');
        await p.waitForLines('Reloading complete', r);
        heldAnswers.push(getRcode(await held.query(`held${r}.example.`, 'A')));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      stop = true;
      await Promise.all(loops);
      held.close();
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(50);
    expect(heldAnswers).toEqual(Array(RELOADS).fill(Rcode.NOERROR));
    expect(countLines(p.stdout(), 'Reloading complete')).toBe(RELOADS);
  });

  it('keeps serving the old Corefile when the new one is broken, and logs why with file:line', async () => {
    const p = await startTsdns({ corefile: whoamiFor('example.org') });
    const port = p.ports[0];
    p.writeFile('Corefile', `example.net:${port} {\n    whoami\n    bogus\n}\n`);
    p.signal('SIGUSR1');
    await p.waitForStdout(/\[ERROR\] .*Corefile:3 - Error during parsing: Unknown directive 'bogus'/);
    expect(getRcode(await query({ port }, 'example.org', 'A'))).toBe(Rcode.NOERROR);
    expect(getRcode(await query({ port }, 'example.net', 'A'))).toBe(Rcode.REFUSED);
    expect(p.child.exitCode).toBeNull();

    // A Corefile that cannot be read at all is no different.
    rmSync(join(p.dir, 'Corefile'));
    p.signal('SIGHUP');
    await p.waitForLines('[ERROR] SIGHUP: open Corefile: no such file or directory', 1);
    expect(getRcode(await query({ port }, 'example.org', 'A'))).toBe(Rcode.NOERROR);
    // Fixing the file and signalling again takes effect.
    p.writeFile('Corefile', whoamiFor('example.net')(p.ports));
    p.signal('SIGUSR1');
    await p.waitForLines('Reloading complete', 1);
    expect(getRcode(await query({ port }, 'example.net', 'A'))).toBe(Rcode.NOERROR);

    p.signal('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });
});
