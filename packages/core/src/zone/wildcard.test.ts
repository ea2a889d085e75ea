import { describe, expect, it } from 'vitest';
import { parseZone } from '../zonefile/reader.js';
import { rdataToText } from '../wire/presentation/rdata-text.js';
import { Rcode, typeToNumber } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/types.js';
import { Zone } from './zone.js';

/** The example zone of RFC 4592 section 2.2.1 (the SOA and SRV rdata filled in). */
const RFC4592 = `$ORIGIN example.
example.                 3600 IN  SOA   ns.example.com. hostmaster.example.com. 1 3600 900 604800 300
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   "this is a wildcard"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   "this is not a wildcard"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
`;

const zone = Zone.from('example.', parseZone(RFC4592, { origin: 'example.' }));

function line(rr: ResourceRecord): string {
  if (rr.type === 'OPT') throw new Error('OPT in a zone answer');
  return `${rr.name} ${rr.type} ${rdataToText(rr)}`;
}

const SOA = 'example. SOA ns.example.com. hostmaster.example.com. 1 3600 900 604800 300';
const SUBDEL = ['subdel.example. NS ns.example.com.', 'subdel.example. NS ns.example.net.'];

// [qname, qtype, rcode, AA, answer, authority, additional] — RFC 4592 2.2.1's walk-through,
// plus the empty non-terminals and wildcard-owner cases its text discusses.
const TABLE: Array<[string, string, number, boolean, string[], string[], string[]]> = [
  [
    'host3.example.',
    'MX',
    Rcode.NOERROR,
    true,
    ['host3.example. MX 10 host1.example.'],
    [],
    ['host1.example. A 192.0.2.1'],
  ],
  ['host3.example.', 'A', Rcode.NOERROR, true, [], [SOA], []],
  ['foo.bar.example.', 'TXT', Rcode.NOERROR, true, ['foo.bar.example. TXT "this is a wildcard"'], [], []],
  ['host1.example.', 'MX', Rcode.NOERROR, true, [], [SOA], []],
  ['sub.*.example.', 'MX', Rcode.NOERROR, true, [], [SOA], []],
  ['_telnet._tcp.host1.example.', 'SRV', Rcode.NXDOMAIN, true, [], [SOA], []],
  ['host.subdel.example.', 'A', Rcode.NOERROR, false, [], SUBDEL, []],
  ['ghost.*.example.', 'MX', Rcode.NXDOMAIN, true, [], [SOA], []],
  // _tcp.host1.example. is an empty non-terminal: it exists, so the wildcard does not apply.
  ['_tcp.host1.example.', 'TXT', Rcode.NOERROR, true, [], [SOA], []],
  ['_tcp.host2.example.', 'MX', Rcode.NOERROR, true, [], [SOA], []],
  // host2.example. exists only as an empty non-terminal too.
  ['host2.example.', 'TXT', Rcode.NOERROR, true, [], [SOA], []],
  // The wildcard owner answers as itself, and the existing sub.*.example. for TXT.
  ['*.example.', 'TXT', Rcode.NOERROR, true, ['*.example. TXT "this is a wildcard"'], [], []],
  ['sub.*.example.', 'TXT', Rcode.NOERROR, true, ['sub.*.example. TXT "this is not a wildcard"'], [], []],
  // A name below a non-existent name under the apex is matched (wildcards cover many labels).
  ['a.b.c.example.', 'TXT', Rcode.NOERROR, true, ['a.b.c.example. TXT "this is a wildcard"'], [], []],
  // Below an existing name (host1) there is no wildcard: NXDOMAIN.
  ['x.host1.example.', 'MX', Rcode.NXDOMAIN, true, [], [SOA], []],
  ['subdel.example.', 'MX', Rcode.NOERROR, false, [], SUBDEL, []],
];

describe('RFC 4592 section 2.2.1 examples', () => {
  it.each(TABLE)('%s %s', (qname, qtype, rcode, aa, answer, authority, additional) => {
    const r = zone.lookup(qname, typeToNumber(qtype));
    expect(r.rcode).toBe(rcode);
    expect(r.aa).toBe(aa);
    expect(r.answer.map(line)).toEqual(answer);
    expect(r.authority.map(line).sort()).toEqual([...authority].sort());
    expect(r.additional.map(line).sort()).toEqual([...additional].sort());
  });

  it('names the source of synthesis', () => {
    expect(zone.lookup('host3.example.', 15).wildcard).toBe('*.example.');
    expect(zone.lookup('host1.example.', 1).wildcard).toBeUndefined();
  });
});

describe('wildcards and empty non-terminals', () => {
  it('treats a wildcard owner that is only an empty non-terminal as NODATA', () => {
    const z = Zone.from(
      'example.',
      parseZone(
        RFC4592.replace('*.example.               3600     TXT   "this is a wildcard"\n', '').replace(
          '*.example.               3600     MX    10 host1.example.\n',
          '',
        ),
        { origin: 'example.' },
      ),
    );
    // *.example. now exists only because sub.*.example. does.
    const r = z.lookup('host3.example.', 15);
    expect(r.rcode).toBe(Rcode.NOERROR);
    expect(r.answer).toEqual([]);
    expect(r.authority.map(line)).toEqual([SOA]);
    expect(r.wildcard).toBe('*.example.');
  });

  it('never synthesizes below a cut', () => {
    const z = Zone.from(
      'example.',
      parseZone(RFC4592 + '*.subdel.example. 3600 A 192.0.2.7\n', { origin: 'example.' }),
    );
    const r = z.lookup('x.subdel.example.', 1);
    expect(r.aa).toBe(false);
    expect(r.answer).toEqual([]);
    expect(r.authority.map(line).sort()).toEqual(SUBDEL);
  });
});
