import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { DEFAULT_RELOAD_MS, parseAuto, type AutoDirective } from './setup.js';

const ROOT = '/srv/zones';

function parse(text: string, zones: string[] = ['example.org.']): AutoDirective[] {
  const c = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root: ROOT },
  });
  return parseAuto(c);
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

describe('parseAuto', () => {
  it('takes the block zones, the root as directory, db\\.(.*) and a minute by default', () => {
    const [d] = parse('auto', ['example.org.', 'example.net.']);
    expect(d.origins).toEqual(['example.org.', 'example.net.']);
    expect(d.directory).toBe(ROOT);
    expect(d.pattern.regexp).toBe('db\\.(.*)');
    expect(d.pattern.template).toBe('{1}');
    expect(d.reloadMs).toBe(DEFAULT_RELOAD_MS);
    expect(d.transferTo).toBeUndefined();
  });

  it('reads the book example 4-8 and 4-9 forms', () => {
    const [a] = parse('auto example {\n directory /etc/coredns/zones\n}');
    expect(a.origins).toEqual(['example.']);
    expect(a.directory).toBe('/etc/coredns/zones');
    const [b] = parse('auto example {\n directory zones (.*)\\.zone {1}\n}');
    expect(b.directory).toBe('/srv/zones/zones');
    expect(b.pattern.origin('foo.example.zone')).toBe('foo.example.');
  });

  it('reads transfer to (several lines add up), reload and upstream', () => {
    const [d] = parse(
      'auto org {\n directory /z\n transfer to *\n transfer to 10.240.1.1 192.0.2.1:5300\n reload 30s\n upstream 8.8.8.8\n}',
    );
    expect(d.transferTo?.entries.map((e) => e.text)).toEqual(['*', '10.240.1.1', '192.0.2.1:5300']);
    expect(d.transferTo?.notifyTargets()).toEqual([
      { host: '10.240.1.1', port: 53 },
      { host: '192.0.2.1', port: 5300 },
    ]);
    expect(d.reloadMs).toBe(30_000);
  });

  it("takes old CoreDNS's TIMEOUT (seconds) when reload is not given", () => {
    expect(parse('auto {\n directory /z www\\.db\\.(.*) {1} 45\n}')[0].reloadMs).toBe(45_000);
    expect(parse('auto {\n directory /z www\\.db\\.(.*) {1} 45\n reload 5s\n}')[0].reloadMs).toBe(5_000);
    expect(parse('auto {\n reload 0\n}')[0].reloadMs).toBe(0);
  });

  it('keeps several auto directives apart', () => {
    const ds = parse('auto a.example {\n directory /a\n}\nauto b.example {\n directory /b\n}');
    expect(ds.map((d) => [d.origins, d.directory])).toEqual([
      [['a.example.'], '/a'],
      [['b.example.'], '/b'],
    ]);
  });

  it.each([
    ['auto {\n directory\n}', /Wrong argument count/],
    ['auto {\n directory /z (.*)\n}', /Wrong argument count/],
    ['auto {\n directory /z db\\..* {1}\n}', /needs at least one sub expression/],
    ['auto {\n directory /z db\\.(.* {1}\n}', /invalid REGEXP/],
    ['auto {\n directory /z db\\.(.*) {3}\n}', /refers to \{3\}/],
    ['auto {\n directory /z db\\.(.*) {1} soon\n}', /TIMEOUT 'soon'/],
    ['auto {\n reload\n}', /reload duration value is expected/],
    ['auto {\n reload fast\n}', /reload:/],
    ['auto {\n reload -1s\n}', /negative duration/],
    ['auto {\n transfer\n}', /Wrong argument count/],
    ['auto {\n transfer from 10.0.0.1\n}', /transfer from: auto serves primary zones only/],
    ['auto {\n transfer to\n}', /at least one address/],
    ['auto {\n transfer to example.com\n}', /'example.com' is not an IP address/],
    ['auto {\n nonsense\n}', /unknown property 'nonsense'/],
    ['auto bad..zone', /invalid zone/],
  ])('rejects %j', (text, message) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/Corefile:\d/);
  });
});
