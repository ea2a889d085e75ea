import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { DEFAULT_ADDRESS, parsePprof } from './setup.js';

function parse(text: string, warnings: string[] = []): string {
  return parsePprof(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), { warn: (m) => warnings.push(m) })
    .address;
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CorefileError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parsePprof', () => {
  it("listens on CoreDNS's localhost:6053 by default", () => {
    expect(parse('pprof')).toBe(DEFAULT_ADDRESS);
    expect(DEFAULT_ADDRESS).toBe('localhost:6053');
  });

  it('takes an address in host:port form', () => {
    expect(parse('pprof 10.9.8.7:6060')).toBe('10.9.8.7:6060');
    expect(parse('pprof :6060')).toBe(':6060');
    expect(parse('pprof [::1]:6060')).toBe('[::1]:6060');
  });

  it('accepts block [RATE] as CoreDNS checks it, warning that Node has no block profile', () => {
    const warnings: string[] = [];
    expect(parse('pprof :6060 {\n block\n}', warnings)).toBe(':6060');
    expect(parse('pprof {\n block 5\n}', warnings)).toBe(DEFAULT_ADDRESS);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/Node does not have: ignored/);
  });

  it.each([
    ['pprof a:1 b:2', /Wrong argument count/],
    ['pprof 6060', /address 6060: missing port in address/],
    ['pprof ::1:6060', /too many colons/],
    ['pprof localhost:http', /invalid port "http"/],
    ['pprof {\n block 1 2\n}', /Wrong argument count/],
    ['pprof {\n block fast\n}', /property 'block' invalid integer value 'fast'/],
    ['pprof {\n mutex\n}', /unknown property 'mutex'/],
  ])('rejects %j', (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });
});
