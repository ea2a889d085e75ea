import { describe, expect, it } from 'vitest';
import { LeaseTtls, REFRESH_MS } from './leases.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LeaseTtls', () => {
  it('estimates the remaining time from the last answer and refreshes it when old', async () => {
    let now = 1_000_000;
    const asked: string[] = [];
    let ttl = 60;
    const leases = new LeaseTtls(
      (id) => {
        asked.push(id);
        return Promise.resolve(ttl);
      },
      () => now,
    );
    leases.retain('5');
    expect(leases.remaining('5')).toBe(0); // not known yet
    await tick();
    expect(leases.remaining('5')).toBe(60);
    now += 10_500;
    expect(leases.remaining('5')).toBe(50); // estimate, and a refresh started
    ttl = 60; // a keep-alive renewed it
    await tick();
    expect(leases.remaining('5')).toBe(60);
    expect(asked).toEqual(['5', '5']);
    now += REFRESH_MS - 1;
    leases.remaining('5');
    expect(asked).toHaveLength(2);
  });

  it('counts references and forgets released leases; lease 0 is no lease', async () => {
    const leases = new LeaseTtls(() => Promise.resolve(10));
    leases.retain('0');
    expect(leases.size).toBe(0);
    leases.retain('7');
    leases.retain('7');
    leases.release('7');
    expect(leases.size).toBe(1);
    leases.release('7');
    expect(leases.size).toBe(0);
    expect(leases.remaining('7')).toBe(0);
  });

  it('a failed or expired answer means unknown', async () => {
    const leases = new LeaseTtls((id) =>
      id === '1' ? Promise.reject(new Error('down')) : Promise.resolve(-1),
    );
    leases.retain('1');
    leases.retain('2');
    await tick();
    expect(leases.remaining('1')).toBe(0);
    expect(leases.remaining('2')).toBe(0);
  });
});
