import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { DEFAULT_HOSTS_FILE, DEFAULT_RELOAD_MS, DEFAULT_TTL, parseHosts, type HostsConfig } from './setup.js';
import { HostsTable } from './table.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdns-hosts-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(text: string, zones: string[] = ['example.org.'], root = dir): HostsConfig {
  const c = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root },
  });
  return parseHosts(c);
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

describe('parseHosts', () => {
  it('defaults: /etc/hosts, the block zones, TTL 3600, PTR on, reload 5s, no fallthrough', () => {
    const c = parse('hosts', ['example.org.', 'example.net.']);
    expect(c).toMatchObject({
      path: DEFAULT_HOSTS_FILE,
      origins: ['example.org.', 'example.net.'],
      ttl: DEFAULT_TTL,
      autoReverse: true,
      reloadMs: DEFAULT_RELOAD_MS,
      fallthroughUnsupported: false,
      inline: undefined,
    });
    expect(DEFAULT_TTL).toBe(3600);
    expect(DEFAULT_RELOAD_MS).toBe(5000);
    expect(c.fallthrough.through('a.example.org.')).toBe(false);
  });

  it('resolves a relative FILE against root and keeps an absolute one', () => {
    expect(parse('hosts example.hosts').path).toBe(join(dir, 'example.hosts'));
    expect(parse('hosts /etc/hosts.other').path).toBe('/etc/hosts.other');
  });

  it('takes ZONES after FILE, normalised, reverse CIDRs expanded', () => {
    const c = parse('hosts example.hosts Example.ORG example.net. 10.0.0.0/24');
    expect(c.origins).toEqual(['example.org.', 'example.net.', '0.0.10.in-addr.arpa.']);
    expect(errorOf('hosts example.hosts bad..zone').message).toBe(
      "Corefile:1 - Error during parsing: invalid zone 'bad..zone'",
    );
  });

  it('reads ttl as whole seconds from 1 to 65535', () => {
    expect(parse('hosts {\n ttl 60\n}').ttl).toBe(60);
    expect(parse('hosts {\n ttl 65535\n}').ttl).toBe(65535);
    expect(errorOf('hosts {\n ttl\n}').message).toBe(
      'Corefile:2 - Error during parsing: ttl needs a time in second',
    );
    expect(errorOf('hosts {\n ttl 60s\n}').detail).toBe('ttl needs a number of second');
    expect(errorOf('hosts {\n ttl 0\n}').detail).toMatch(/^ttl provided is invalid/);
    expect(errorOf('hosts {\n ttl 65536\n}').detail).toMatch(/^ttl provided is invalid/);
    expect(errorOf('hosts {\n ttl -5\n}').detail).toMatch(/^ttl provided is invalid/);
    expect(errorOf('hosts {\n ttl 60 120\n}').line).toBe(2);
  });

  it('reads reload as a scaled Go duration; 0 disables it', () => {
    expect(parse('hosts {\n reload 30s\n}').reloadMs).toBe(30_000);
    expect(parse('hosts {\n reload 500000000ns\n}').reloadMs).toBe(500);
    expect(parse('hosts {\n reload 1.5h\n}').reloadMs).toBe(5_400_000);
    expect(parse('hosts {\n reload 2h45m\n}').reloadMs).toBe(9_900_000);
    expect(parse('hosts {\n reload 300ms\n}').reloadMs).toBe(300);
    expect(parse('hosts {\n reload 0\n}').reloadMs).toBe(0);
    expect(errorOf('hosts {\n reload\n}').detail).toBe('reload needs a duration (zero seconds to disable)');
    expect(errorOf('hosts {\n reload 5 s\n}').detail).toBe(
      'reload needs a duration (zero seconds to disable)',
    );
    expect(errorOf('hosts {\n reload 5\n}').detail).toBe("invalid duration for reload '5'");
    expect(errorOf('hosts {\n reload -1s\n}').detail).toBe("invalid negative duration for reload '-1s'");
  });

  it('reads no_reverse without arguments', () => {
    expect(parse('hosts {\n no_reverse\n}').autoReverse).toBe(false);
    expect(errorOf('hosts {\n no_reverse yes\n}').line).toBe(2);
  });

  it('reads fallthrough with and without zones', () => {
    expect(parse('hosts {\n fallthrough\n}').fallthrough.through('anything.')).toBe(true);
    const f = parse('hosts {\n fallthrough example.org 10.0.0.0/8\n}').fallthrough;
    expect(f.through('a.example.org.')).toBe(true);
    expect(f.through('1.2.3.10.in-addr.arpa.')).toBe(true);
    expect(f.through('a.example.net.')).toBe(false);
    expect(errorOf('hosts {\n fallthrough bad..zone\n}').line).toBe(2);
  });

  it('reads fallthrough_unsupported, which needs fallthrough', () => {
    expect(parse('hosts {\n fallthrough\n fallthrough_unsupported\n}').fallthroughUnsupported).toBe(true);
    expect(parse('hosts {\n fallthrough_unsupported\n fallthrough\n}').fallthroughUnsupported).toBe(true);
    expect(errorOf('hosts {\n fallthrough_unsupported\n}').detail).toBe(
      'fallthrough_unsupported requires fallthrough',
    );
    expect(errorOf('hosts {\n fallthrough\n fallthrough_unsupported x\n}').line).toBe(3);
  });

  it('reads inline entries (example 4-13) with the final origins and no_reverse', () => {
    const c = parse(
      'hosts {\n 10.0.0.1 host1.foo.example\n 10.0.1.1 host2.foo.example alias.bar.example\n no_reverse\n}',
      ['foo.example.'],
    );
    const table = HostsTable.build(undefined, c.inline);
    expect(table.lookup('host1.foo.example.')?.a).toEqual(['10.0.0.1']);
    expect(table.lookup('host2.foo.example.')?.a).toEqual(['10.0.1.1']);
    expect(table.lookup('alias.bar.example.')).toBeUndefined(); // outside the zones
    expect(table.lookupAddress('10.0.0.1')).toBeUndefined(); // no_reverse came later but applies
  });

  it('rejects inline lines that are not hosts entries, at their line', () => {
    const misspelt = errorOf('hosts {\n 10.0.0.1 a.example.org\n no-reverse\n}');
    expect(misspelt.message).toBe("Corefile:3 - Error during parsing: unknown property 'no-reverse'");
    expect(errorOf('hosts {\n 10.0.0.1\n}').detail).toBe("no host name after address '10.0.0.1'");
    expect(errorOf('hosts {\n 10.0.0.1 ok.example.org bad..example.org\n}').detail).toMatch(
      /^invalid host name: empty label/,
    );
  });

  it('rejects entries after fallthrough, as CoreDNS does', () => {
    const e = errorOf('hosts {\n fallthrough\n 10.0.0.1 a.example.org\n}');
    expect(e.message).toBe("Corefile:3 - Error during parsing: unknown property '10.0.0.1'");
  });

  it('accepts a FILE that does not exist yet but rejects one that cannot be examined', () => {
    expect(parse('hosts missing.hosts').path).toBe(join(dir, 'missing.hosts'));
    // A symbolic link to itself fails stat with ELOOP, for any user.
    symlinkSync('loop', join(dir, 'loop'));
    expect(errorOf('hosts loop').detail).toMatch(/^unable to access hosts file '.*\/loop': ELOOP/);
  });
});
