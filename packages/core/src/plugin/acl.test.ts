import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AclEntryError, AddressAcl, addressBytes, parseAclEntry } from './acl.js';

describe('parseAclEntry', () => {
  it('reads addresses, addresses with ports, networks and *', () => {
    expect(parseAclEntry('*')).toEqual({ kind: 'any', text: '*' });
    expect(parseAclEntry('192.0.2.1')).toMatchObject({
      kind: 'host',
      family: 4,
      host: '192.0.2.1',
      port: undefined,
    });
    expect(parseAclEntry('192.0.2.1:5300')).toMatchObject({ kind: 'host', host: '192.0.2.1', port: 5300 });
    expect(parseAclEntry('2001:db8::1')).toMatchObject({ kind: 'host', family: 6, host: '2001:db8::1' });
    expect(parseAclEntry('[2001:db8::1]:53')).toMatchObject({ kind: 'host', host: '2001:db8::1', port: 53 });
    expect(parseAclEntry('[2001:db8::1]')).toMatchObject({ kind: 'host', port: undefined });
    expect(parseAclEntry('fe80::1%eth0')).toMatchObject({ kind: 'host', host: 'fe80::1%eth0' });
    expect(parseAclEntry('10.1.2.3/8')).toMatchObject({ kind: 'network', family: 4, prefix: 8 });
    expect(parseAclEntry('2001:db8::/32')).toMatchObject({ kind: 'network', family: 6, prefix: 32 });
    // IPv4-mapped forms become the IPv4 address or network they map.
    expect(parseAclEntry('::ffff:192.0.2.1')).toMatchObject({ kind: 'host', family: 4 });
    expect(parseAclEntry('::ffff:10.0.0.0/104')).toMatchObject({ kind: 'network', family: 4, prefix: 8 });
  });

  it.each([
    'example.org',
    'localhost',
    '',
    '192.0.2.256',
    '192.0.2.1:0',
    '192.0.2.1:65536',
    '192.0.2.1:x',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '2001:db8::/129',
    '[192.0.2.1]:53',
    '[2001:db8::1',
    '[2001:db8::1]x',
    '2001:db8::1%eth0/64',
    '::ffff:10.0.0.0/95',
    '**',
  ])('rejects %j with AclEntryError', (text) => {
    expect(() => parseAclEntry(text)).toThrow(AclEntryError);
    expect(() => parseAclEntry(text)).toThrow(`'${text}' is not an IP address, IP:port, CIDR network or *`);
  });

  it('throws nothing but AclEntryError for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdef:./[]%*x'.split('')) }), (text) => {
        try {
          parseAclEntry(text);
        } catch (e) {
          expect(e).toBeInstanceOf(AclEntryError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('AddressAcl.allows', () => {
  it('matches single IPv4 and IPv6 addresses, ignoring ports', () => {
    const acl = AddressAcl.parse(['192.0.2.1:5300', '2001:db8::53']);
    expect(acl.allows('192.0.2.1')).toBe(true);
    expect(acl.allows('192.0.2.2')).toBe(false);
    expect(acl.allows('2001:db8:0:0::53')).toBe(true);
    expect(acl.allows('2001:db8::54')).toBe(false);
  });

  it('treats IPv4-mapped clients as IPv4', () => {
    const acl = AddressAcl.parse(['127.0.0.1']);
    expect(acl.allows('::ffff:127.0.0.1')).toBe(true);
    expect(AddressAcl.parse(['::ffff:127.0.0.1']).allows('127.0.0.1')).toBe(true);
  });

  it('matches CIDR networks of either family, never across families', () => {
    const acl = AddressAcl.parse(['10.0.0.0/8', '2001:db8:1::/48', '192.0.2.128/25']);
    expect(acl.allows('10.255.1.2')).toBe(true);
    expect(acl.allows('11.0.0.1')).toBe(false);
    expect(acl.allows('192.0.2.200')).toBe(true);
    expect(acl.allows('192.0.2.127')).toBe(false);
    expect(acl.allows('2001:db8:1:ffff::1')).toBe(true);
    expect(acl.allows('2001:db8:2::1')).toBe(false);
    expect(AddressAcl.parse(['0.0.0.0/0']).allows('::1')).toBe(false);
    expect(AddressAcl.parse(['::/0']).allows('::1')).toBe(true);
    expect(AddressAcl.parse(['::/0']).allows('127.0.0.1')).toBe(false);
  });

  it('allows everyone with *, nobody when empty, nothing unparsable', () => {
    expect(AddressAcl.parse(['192.0.2.1', '*']).allows('2001:db8::1')).toBe(true);
    expect(AddressAcl.none.allows('127.0.0.1')).toBe(false);
    expect(AddressAcl.parse(['10.0.0.0/8']).allows('not-an-address')).toBe(false);
    expect(AddressAcl.parse(['fe80::1']).allows('fe80::1%lo')).toBe(true);
  });

  it('agrees with a bit-by-bit reference on random IPv4 networks', () => {
    const toInt = (b: Uint8Array): number => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (net, addr, prefix) => {
        const acl = AddressAcl.parse([`${net}/${prefix}`]);
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const a = toInt(addressBytes(addr) as Uint8Array);
        const n = toInt(addressBytes(net) as Uint8Array);
        expect(acl.allows(addr)).toBe((a & mask) >>> 0 === (n & mask) >>> 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('AddressAcl.notifyTargets', () => {
  it('lists each single address once, with port 53 unless one was given', () => {
    const acl = AddressAcl.parse([
      '*',
      '10.0.0.0/8',
      '192.0.2.1',
      '192.0.2.1:53',
      '[::1]:5300',
      '192.0.2.2:5353',
    ]);
    expect(acl.notifyTargets()).toEqual([
      { host: '192.0.2.1', port: 53 },
      { host: '::1', port: 5300 },
      { host: '192.0.2.2', port: 5353 },
    ]);
    expect(AddressAcl.parse(['192.0.2.1']).notifyTargets(1053)).toEqual([{ host: '192.0.2.1', port: 1053 }]);
  });
});
