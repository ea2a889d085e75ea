// The shipped example (examples/Corefile and its zone) served by the built tsdns.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Flag, Rcode, getRcode, hasFlag } from '@tsdns/core';
import { dig, hasTool, query } from '@tsdns/testing';
import { pluginTable } from '../src/generated/plugins.js';
import { runTsdns, startTsdns } from './support/tsdns-process.js';

const example = (name: string): string =>
  readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
/** The example Corefile moved from port 1053 to a free one. */
const corefile = (ports: readonly number[]): string =>
  example('Corefile').replaceAll(':1053', `:${ports[0]}`);
const compiledIn = (d: string): boolean => pluginTable.some((p) => p.directive === d);
const missing = ['bind', 'file', 'log', 'errors', 'whoami'].filter((d) => !compiledIn(d));

describe('examples/', () => {
  it('uses port 1053 on 127.0.0.1 in every server block', () => {
    const keys = [...example('Corefile').matchAll(/^(\S+) \{$/gm)].map((m) => m[1]);
    expect(keys).toEqual(['example.org:1053', '.:1053']);
    expect(example('Corefile').match(/^\s+bind 127\.0\.0\.1$/gm)).toHaveLength(2);
  });

  it.skipIf(missing.length === 0)('names the plugins that are not compiled in yet at startup', async () => {
    const r = await runTsdns({ corefile, files: { 'db.example.org': example('db.example.org') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^Corefile:\\d+ - Error during parsing: Unknown directive '(${missing.join('|')})'`),
    );
  });

  it.skipIf(missing.length > 0)(
    'answers example.org SOA from the zone, and whoami for other names',
    async () => {
      const p = await startTsdns({ corefile, files: { 'db.example.org': example('db.example.org') } });
      const target = { port: p.ports[0] };
      const soa = await query(target, 'example.org', 'SOA');
      expect(getRcode(soa)).toBe(Rcode.NOERROR);
      expect(hasFlag(soa, Flag.AA)).toBe(true);
      expect(soa.answers[0]).toMatchObject({
        name: 'example.org.',
        type: 'SOA',
        data: { serial: 2024010101 },
      });
      const other = await query(target, 'example.com', 'A');
      expect(other.additionals[0]).toMatchObject({ name: 'example.com.', type: 'A', data: '127.0.0.1' });
      if (hasTool('dig')) {
        const r = await dig(['example.org', 'SOA'], { target });
        expect(r.status).toBe('NOERROR');
        expect(r.answer[0]?.rdata).toContain('2024010101');
      }
    },
  );
});
