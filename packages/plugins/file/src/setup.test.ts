import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { DEFAULT_RELOAD_MS, parseFile, type FileConfig } from './setup.js';

const ROOT = '/srv/zones';

function parse(text: string, zones: string[] = ['example.org.']): FileConfig {
  const c = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root: ROOT },
  });
  return parseFile(c);
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

describe('parseFile', () => {
  it('takes the server block zones when no ZONES are given, and resolves DBFILE against root', () => {
    expect(parse('file db.example.org', ['example.org.', 'example.net.'])).toEqual({
      directives: [
        {
          path: '/srv/zones/db.example.org',
          origins: ['example.org.', 'example.net.'],
          reloadMs: DEFAULT_RELOAD_MS,
          reloadByMtime: false,
          transferTo: undefined,
        },
      ],
      fallthrough: expect.anything(),
    });
  });

  it('keeps an absolute DBFILE and normalises ZONES (reverse CIDRs too)', () => {
    const d = parse('file /etc/coredns/db.template Example.ORG bar.example. 10.0.0.0/24').directives[0];
    expect(d.path).toBe('/etc/coredns/db.template');
    expect(d.origins).toEqual(['example.org.', 'bar.example.', '0.0.10.in-addr.arpa.']);
  });

  it('reads reload as a Go duration; 0 disables it', () => {
    expect(parse('file db {\n reload 30s\n}').directives[0].reloadMs).toBe(30_000);
    expect(parse('file db {\n reload 1h30m\n}').directives[0].reloadMs).toBe(5_400_000);
    expect(parse('file db {\n reload 0\n}').directives[0].reloadMs).toBe(0);
    expect(parse('file db {\n reload_by_mtime\n}').directives[0].reloadByMtime).toBe(true);
  });

  it('accepts upstream with or without addresses (a no-op, as in CoreDNS)', () => {
    expect(parse('file db {\n upstream\n}').directives).toHaveLength(1);
    expect(parse('file db {\n upstream 8.8.8.8 1.1.1.1\n}').directives).toHaveLength(1);
  });

  it('reads fallthrough with and without zones', () => {
    expect(parse('file db').fallthrough.through('x.example.org.')).toBe(false);
    expect(parse('file db {\n fallthrough\n}').fallthrough.through('x.example.org.')).toBe(true);
    const f = parse('file db {\n fallthrough sub.example.org\n}').fallthrough;
    expect(f.through('a.sub.example.org.')).toBe(true);
    expect(f.through('a.example.org.')).toBe(false);
  });

  it('reads several file directives of one block', () => {
    const c = parse('file db.a a.example\nfile db.b b.example {\n reload 0\n}');
    expect(c.directives.map((d) => [d.path, d.origins, d.reloadMs])).toEqual([
      ['/srv/zones/db.a', ['a.example.'], DEFAULT_RELOAD_MS],
      ['/srv/zones/db.b', ['b.example.'], 0],
    ]);
  });

  it('reads transfer to (the book, examples 3-18 and 4-6): lines add up, single addresses get NOTIFY', () => {
    const d = parse('file db {\n transfer to 10.0.1.53\n transfer to * 192.0.2.1:5300 10.0.0.0/8\n}')
      .directives[0];
    expect(d.transferTo?.entries.map((e) => e.text)).toEqual([
      '10.0.1.53',
      '*',
      '192.0.2.1:5300',
      '10.0.0.0/8',
    ]);
    expect(d.transferTo?.notifyTargets()).toEqual([
      { host: '10.0.1.53', port: 53 },
      { host: '192.0.2.1', port: 5300 },
    ]);
    expect(parse('file db').directives[0].transferTo).toBeUndefined();
  });

  it('rejects transfer lines that are not transfer to ADDRESS...', () => {
    expect(errorOf('file db {\n transfer to 10.0.0.999\n}').detail).toBe(
      "transfer to: '10.0.0.999' is not an IP address, IP:port, CIDR network or *",
    );
    expect(errorOf('file db {\n transfer to 10.0.0.0/33\n}').detail).toContain("'10.0.0.0/33' is not");
    expect(errorOf('file db {\n transfer from 10.0.0.1\n}').detail).toContain(
      'file serves primary zones only',
    );
    expect(errorOf('file db {\n transfer to\n}').detail).toContain('at least one address');
    expect(errorOf('file db {\n transfer\n}').detail).toContain('Wrong argument count');
  });

  it.each([
    ['file', 1, 'Wrong argument count'],
    ['file db {\n reload\n}', 2, 'reload duration value is expected'],
    ['file db {\n reload 1m 2m\n}', 2, 'reload duration value is expected'],
    ['file db {\n reload soon\n}', 2, 'reload: time: invalid duration "soon"'],
    ['file db {\n reload 10\n}', 2, 'reload: time: missing unit in duration "10"'],
    ['file db {\n reload -1s\n}', 2, "reload: negative duration '-1s'"],
    ['file db {\n reload_by_mtime yes\n}', 2, 'Wrong argument count'],
    ['file db {\n frobnicate\n}', 2, "unknown property 'frobnicate'"],
    ['file db {\n fallthrough ..\n}', 2, "fallthrough: invalid zone in '..'"],
    ['file db exa..mple', 1, "invalid zone 'exa..mple'"],
  ])('rejects %j at line %i', (text, line, message) => {
    const err = errorOf(text);
    expect([err.file, err.line]).toEqual(['Corefile', line]);
    expect(err.detail).toContain(message);
  });
});
