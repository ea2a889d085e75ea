import { describe, expect, it } from 'vitest';
import { CorefileError, Dispenser, tokenize } from '@tsdns/core';
import { parseLoadBalance, type LoadBalanceConfig } from './setup.js';

function parse(text: string, root = '/srv/dns'): LoadBalanceConfig {
  return parseLoadBalance(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), root);
}

function fails(text: string): string {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof CorefileError) return e.message;
    throw e;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseLoadBalance', () => {
  it('defaults to round_robin', () => {
    expect(parse('loadbalance')).toEqual({
      policy: 'round_robin',
      weightFile: undefined,
      reloadMs: 0,
      prefer: [],
    });
    expect(parse('loadbalance round_robin').policy).toBe('round_robin');
  });

  it('reads prefer subnets in order', () => {
    const c = parse(
      'loadbalance round_robin {\n prefer 10.9.20.0/24 192.168.1.0/24\n prefer 2001:db8::/32\n}',
    );
    expect(c.prefer.map((s) => s.text)).toEqual(['10.9.20.0/24', '192.168.1.0/24', '2001:db8::/32']);
    expect(parse('loadbalance {\n prefer 10.0.0.0/8\n}').prefer).toHaveLength(1);
  });

  it('reads weighted WEIGHTFILE with reload, relative to the root', () => {
    expect(parse('loadbalance weighted db.weights')).toEqual({
      policy: 'weighted',
      weightFile: '/srv/dns/db.weights',
      reloadMs: 30_000,
      prefer: [],
    });
    expect(parse('loadbalance weighted /etc/w {\n reload 10s\n}')).toMatchObject({
      weightFile: '/etc/w',
      reloadMs: 10_000,
    });
    expect(parse('loadbalance weighted w {\n reload 0s\n}').reloadMs).toBe(0);
  });

  const errors: Array<[string, RegExp]> = [
    ['loadbalance random', /^Corefile:1 - Error during parsing: unknown policy: random$/],
    ['loadbalance round_robin extra', /unknown property for round_robin/],
    ['loadbalance weighted', /missing weight file argument/],
    ['loadbalance weighted a b', /unexpected argument\(s\)/],
    ['loadbalance weighted w {\n reload\n}', /^Corefile:2 - .*reload duration value is missing/],
    ['loadbalance weighted w {\n reload 1s 2s\n}', /unexpected argument$/],
    ['loadbalance weighted w {\n reload often\n}', /invalid reload duration 'often'/],
    ['loadbalance weighted w {\n reload -1s\n}', /invalid reload duration '-1s'/],
    ['loadbalance weighted w {\n reload 1000h\n}', /longer than the longest supported/],
    ['loadbalance weighted w {\n prefer 10.0.0.0/8\n}', /unknown property 'prefer'/],
    ['loadbalance {\n reload 10s\n}', /^Corefile:2 - .*unknown property 'reload'/],
    ['loadbalance {\n prefer 10.0.0.0/33\n}', /invalid CIDR "10.0.0.0\/33"/],
    ['loadbalance {\n prefer\n}', /Wrong argument count/],
    ['loadbalance\nloadbalance', /^Corefile:2 - .*only be used once/],
  ];
  for (const [text, expected] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(fails(text)).toMatch(expected);
    });
  }
});
