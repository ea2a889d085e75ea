import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseAutopath, type AutopathConfig } from './setup.js';

const dir = mkdtempSync(join(tmpdir(), 'autopath-setup-'));
writeFileSync(
  join(dir, 'resolv.conf'),
  'nameserver 10.0.0.1\nsearch ns.svc.cluster.local svc.cluster.local\n',
);
writeFileSync(join(dir, 'bad.conf'), 'search ok.example bad..example\n');

function parse(text: string, zones: string[] = ['.']): AutopathConfig {
  const d = new Dispenser(tokenize(text, 'Corefile'), 'Corefile');
  return parseAutopath(Object.assign(d, { zones, config: { root: dir } }));
}

function errorOf(text: string): CorefileError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof CorefileError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseAutopath', () => {
  it('takes the search path of a resolv.conf (relative to root) and the block zones', () => {
    expect(parse('autopath resolv.conf', ['cluster.local.'])).toEqual({
      zones: ['cluster.local.'],
      search: ['ns.svc.cluster.local.', 'svc.cluster.local.', ''],
      source: undefined,
    });
    expect(parse(`autopath ${join(dir, 'resolv.conf')}`).search).toHaveLength(3);
  });

  it('takes @plugin as the per-query source and ZONES before it', () => {
    expect(parse('autopath Cluster.Local 10.0.0.0/24 @kubernetes')).toEqual({
      zones: ['cluster.local.', '0.0.10.in-addr.arpa.'],
      search: [],
      source: 'kubernetes',
    });
  });

  it('lets the last directive of a block win, as CoreDNS does', () => {
    expect(parse('autopath resolv.conf\nautopath @kubernetes').source).toBe('kubernetes');
  });

  it('reports what is wrong with the line it is on', () => {
    expect(errorOf('autopath').message).toMatch(
      /Corefile:1 - Error during parsing: no resolv-conf specified/,
    );
    expect(errorOf('\nautopath @').message).toMatch(/Corefile:2 .*no plugin named after '@'/);
    expect(errorOf('autopath missing.conf').message).toMatch(/failed to parse "missing.conf": .*ENOENT/);
    expect(errorOf('autopath bad.conf').message).toMatch(
      /failed to parse "bad.conf": line 1: invalid search domain/,
    );
    expect(errorOf('autopath exa..mple @kubernetes').message).toMatch(/invalid zone "exa..mple"/);
    expect(errorOf('autopath @kubernetes {\n  ndots 5\n}').message).toMatch(
      /Corefile:2 .*unknown property "ndots"/,
    );
  });
});
