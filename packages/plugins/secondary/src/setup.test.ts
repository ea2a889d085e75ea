import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseSecondary, type SecondaryDirective } from './setup.js';

const ROOT = '/srv/dns';

function parse(text: string, zones: string[] = ['example.org.']): SecondaryDirective[] {
  const c = Object.assign(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), {
    zones,
    config: { root: ROOT },
  });
  return parseSecondary(c);
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

describe('parseSecondary', () => {
  it('reads the book example 3-20: masters on several lines, the block zones', () => {
    const [d] = parse('secondary {\n transfer from 10.0.0.1\n transfer from 10.0.1.1\n}', ['foo.example.']);
    expect(d.origins).toEqual(['foo.example.']);
    expect(d.primaries).toEqual([
      { host: '10.0.0.1', port: 53 },
      { host: '10.0.1.1', port: 53 },
    ]);
    expect(d.transferTo).toBeUndefined();
    expect(d.persistDir).toBeUndefined();
  });

  it('reads ZONES, several masters on one line with ports, transfer to, persist and fallthrough', () => {
    const [d] = parse(
      'secondary bar.example Baz.Example {\n transfer from 10.0.0.1 [2001:db8::1]:5300 10.0.0.1\n transfer to *\n persist kept\n fallthrough\n upstream\n}',
    );
    expect(d.origins).toEqual(['bar.example.', 'baz.example.']);
    expect(d.primaries).toEqual([
      { host: '10.0.0.1', port: 53 },
      { host: '2001:db8::1', port: 5300 },
    ]);
    expect(d.transferTo?.entries.map((e) => e.text)).toEqual(['*']);
    expect(d.persistDir).toBe('/srv/dns/kept');
    expect(d.fallthrough.through('www.bar.example.')).toBe(true);
  });

  it.each([
    ['secondary', /secondary zones require a transfer from property/],
    ['secondary {\n transfer to *\n}', /secondary zones require a transfer from property/],
    ['secondary {\n transfer from\n}', /at least one address is needed/],
    ['secondary {\n transfer from *\n}', /'\*' is not an IP address or IP:port/],
    ['secondary {\n transfer from ns1.example.org\n}', /is not an IP address/],
    ['secondary {\n transfer via 10.0.0.1\n}', /expected 'from' or 'to', found 'via'/],
    ['secondary {\n transfer from 10.0.0.1\n persist\n}', /Wrong argument count/],
    ['secondary {\n transfer from 10.0.0.1\n persist a b\n}', /Wrong argument count/],
    ['secondary {\n transfer from 10.0.0.1\n fallthrough bad..zone\n}', /fallthrough: invalid zone/],
    ['secondary {\n transfer from 10.0.0.1\n catalog\n}', /unknown property 'catalog'/],
    ['secondary bad..zone {\n transfer from 10.0.0.1\n}', /invalid zone/],
  ])('rejects %j', (text, message) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/Corefile:\d/);
  });
});
