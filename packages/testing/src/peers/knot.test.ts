import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import { query } from '../client.js';
import { hasTool } from '../tools.js';
import { waitFor } from '../wait.js';
import { startKnot, type Knot } from './knot.js';

const zone = (serial: number, address: string): string =>
  [
    '$ORIGIN example.test.',
    '$TTL 300',
    `@ SOA ns hostmaster ${serial} 3600 600 86400 60`,
    '@ NS ns',
    'ns A 192.0.2.53',
    `www A ${address}`,
    '',
  ].join('\n');

const running: Knot[] = [];
afterEach(async () => {
  for (const k of running.splice(0).reverse()) await k.stop();
});

describe.skipIf(!hasTool('knotd') || !hasTool('knotc'))('startKnot', () => {
  it('serves a zone from text, reloads new text, and removes its directory at stop', async () => {
    const knot = await startKnot({ zones: [{ origin: 'example.test', text: zone(1, '192.0.2.1') }] });
    running.push(knot);
    expect(knot.addr).toBe(`127.0.0.1:${knot.port}`);
    const www = await query(knot.target, 'www.example.test.', 'A', { rd: false });
    expect(www.answers.map((rr) => (rr.type === 'A' ? rr.data : rr.type))).toEqual(['192.0.2.1']);
    expect(getRcode(await query(knot.target, 'nope.example.test.', 'A'))).toBe(Rcode.NXDOMAIN);
    expect(await knot.serial('example.test.')).toBe(1);
    expect(await knot.serial('other.test.')).toBeUndefined();

    await knot.reload('example.test', zone(2, '192.0.2.2'));
    await waitFor(async () => (await knot.serial('example.test')) === 2, {
      what: 'serial 2',
      detail: knot.output,
    });
    const again = await query(knot.target, 'www.example.test.', 'A', { rd: false });
    expect(again.answers.map((rr) => (rr.type === 'A' ? rr.data : rr.type))).toEqual(['192.0.2.2']);

    await knot.stop();
    expect(knot.running).toBe(false);
    expect(existsSync(knot.dir)).toBe(false);
  });

  it('as a secondary: transfers from its primary, follows its NOTIFY by IXFR from the journal', async () => {
    const primary = await startKnot({
      zones: [{ origin: 'example.test.', text: zone(10, '192.0.2.10') }],
      journal: true,
    });
    running.push(primary);
    const secondary = await startKnot({
      zones: [{ origin: 'example.test.', primary: primary.target }],
      journal: true,
      logLevel: 'info',
    });
    running.push(secondary);
    await waitFor(async () => (await secondary.serial('example.test.')) === 10, {
      what: 'the first transfer',
      detail: secondary.output,
    });
    // The primary learns of the secondary only now; a reload makes it NOTIFY.
    await primary.stop();
    const notifying = await startKnot({
      zones: [{ origin: 'example.test.', text: zone(10, '192.0.2.10'), notify: [secondary.target] }],
      journal: true,
      port: primary.port,
    });
    running.push(notifying);
    await notifying.reload('example.test.', zone(11, '192.0.2.11'));
    await waitFor(async () => (await secondary.serial('example.test.')) === 11, {
      what: 'the change after NOTIFY',
      detail: secondary.output,
    });
    expect(secondary.output()).toMatch(/IXFR, incoming/);
  });

  it("fails with knotd's own words when the zone does not load", async () => {
    await expect(
      startKnot({ zones: [{ origin: 'broken.test.', text: '@ SOA garbage\n' }], timeout: 1500 }),
    ).rejects.toThrow(/knotd did not serve within 1500 ms:\n.*broken\.test/s);
  });
});
