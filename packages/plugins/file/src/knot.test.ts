/**
 * Differential tests against Knot DNS: the same zone file (and signed copies made here with
 * BIND's dnssec-keygen and dnssec-signzone) served by knotd and by tsdns's file plugin;
 * every query goes to both and the answers must agree on rcode, AA, TC and the RRsets of
 * every section (order within a section aside). The few places where the two differ on
 * purpose are listed in KNOWN_DIFFERENCES with the reason.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasTool,
  kdig,
  query,
  signZone,
  startKnot,
  startTestServer,
  type Knot,
  type TestServer,
} from '@tsdns/testing';
import file from './index.js';
import { comparable, type Comparable } from './test-support/compare.js';

const FIXTURE = new URL('./test-fixtures/db.rich', import.meta.url).pathname;
const haveTools =
  hasTool('knotd') && hasTool('dnssec-keygen') && hasTool('dnssec-signzone') && hasTool('kdig');

/** Substituted under longdn's DNAME, this makes a name over 255 octets. */
const LONG_PREFIX = `${'b'.repeat(63)}.${'b'.repeat(26)}`;

/** Owner names of db.rich, relative. */
const OWNERS = [
  '@',
  'ns1',
  'mail',
  'www',
  'multi',
  'alias',
  'alias2',
  'ext',
  'toext',
  'loop1',
  'loop2',
  'nxc',
  '*.wild',
  'host.wild',
  'sub.host.wild',
  'a.b.c.ent',
  'x.ent2',
  '*.cw',
  '*.cwext',
  'towild',
  '_sip._tcp',
  '_sip._udp',
  '_ldap._tcp',
  'sip',
  'sub',
  'ns.sub',
  'insec',
  'tosub',
  'toinsec',
  'mx3',
  'mx4',
  'dn',
  'dn2',
  'dn3',
  'dn4',
  'longdn',
  'target',
  'x.target',
  '_443._tcp.www',
  'caa',
  'ptr',
  'hinfo',
  'naptr',
  'sshfp',
  'svc',
  'https',
  'upper.case',
];
/** Names that do not exist as owners: ENTs, wildcard matches, NXDOMAINs, names below cuts and DNAMEs. */
const OTHERS = [
  'b.c.ent',
  'c.ent',
  'ent',
  'ent2',
  'wild',
  '_tcp',
  '_udp',
  '_tcp.www',
  'x.wild',
  'a.b.wild',
  'x.host.wild',
  'nope',
  'x.www',
  'zzzz',
  'aaaa',
  '0',
  'x.cw',
  'a.b.cw',
  'q.cwext',
  'x.sub',
  'deep.ns.sub',
  'host.insec',
  'x.dn',
  'a.b.dn',
  'x.dn2',
  'x.dn3',
  'x.dn4',
  'y.dn4',
  'x.b.c.ent',
  '*',
  'x.*.wild',
  'UPPER.case',
  LONG_PREFIX + '.longdn',
];
const TYPES = [
  'A',
  'AAAA',
  'NS',
  'SOA',
  'MX',
  'TXT',
  'CNAME',
  'SRV',
  'DS',
  'DNAME',
  'PTR',
  'CAA',
  'TLSA',
  'SVCB',
  'HTTPS',
  'NAPTR',
  'HINFO',
  'SSHFP',
  'ANY',
];
const SIGNED_TYPES = [...TYPES, 'DNSKEY', 'RRSIG', 'NSEC', 'NSEC3PARAM'];

function names(origin: string): string[] {
  return [...OWNERS, ...OTHERS].map((n) => (n === '@' ? origin : `${n}.${origin}`));
}

/**
 * Where tsdns answers differently from Knot on purpose. Each entry says why; the test
 * checks that tsdns's answer for these is the one described, not merely different.
 */
function knownDifference(name: string, type: string, ours: Comparable, knot: Comparable): string | undefined {
  // ANY: both give one RRset (RFC 8482), the lowest type. Knot counts the RRSIG set as an
  // RRset of its own (type 46), so at a name whose lowest data type is above 46 it answers
  // with the signatures alone; we never answer ANY with only DNSSEC meta records.
  if (type === 'ANY' && knot.answer.length > 0 && knot.answer.every((r) => r.split(' ')[3] === 'RRSIG')) {
    return ours.answer.some((r) => r.split(' ')[3] !== 'RRSIG') ? 'ANY: Knot picks the RRSIG set' : undefined;
  }
  // NSEC asked for at a name a wildcard matches, when the NSEC covering the name is the
  // wildcard's own: both answer with the wildcard's NSEC synthesized at the name, but Knot
  // then leaves the covering NSEC out of authority as if it were already in the message.
  // RFC 4035 3.1.3.3 asks for that proof with every wildcard-synthesized answer; we send it.
  if (
    type === 'NSEC' &&
    JSON.stringify({ ...ours, authority: [] }) === JSON.stringify({ ...knot, authority: [] }) &&
    knot.authority.every((r) => ours.authority.includes(r))
  ) {
    const extra = ours.authority.filter((r) => !knot.authority.includes(r));
    if (extra.length > 0 && extra.every((r) => /^\S+ \d+ IN (NSEC|RRSIG) /.test(r)))
      return 'NSEC: wildcard proof';
  }
  // RFC 6672 2.2: a DNAME substitution that would make a name longer than 255 octets is
  // answered YXDOMAIN (with the DNAME); Knot answers NXDOMAIN with the SOA.
  if (name.startsWith(LONG_PREFIX) && ours.rcode === 'YXDOMAIN' && knot.rcode === 'NXDOMAIN') {
    if (
      JSON.stringify(ours.answer) === JSON.stringify(knot.answer) &&
      ours.answer.some((r) => r.includes(' DNAME '))
    ) {
      return 'DNAME: YXDOMAIN';
    }
  }
  return undefined;
}

interface Setup {
  dir: string;
  knot: Knot;
  tsdns: TestServer;
}

describe.skipIf(!haveTools)('file plugin against Knot', () => {
  let s: Setup;

  // Filled in step by step, so afterAll cleans up whatever beforeAll got to.
  let dir: string | undefined;
  let knot: Knot | undefined;
  let tsdns: TestServer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdns-file-knot-'));
    copyFileSync(FIXTURE, join(dir, 'db.rich'));
    const rich = join(dir, 'db.rich');
    const signed = signZone({ dir, zoneFile: rich, origin: 'signed.example', out: 'db.signed' });
    const nsec3 = signZone({ dir, zoneFile: rich, origin: 'nsec3.example', out: 'db.nsec3', nsec3: true });
    // Knot takes a relative file's origin from the zone's name, as the file plugin does.
    knot = await startKnot({
      zones: [
        { origin: 'example.org.', file: rich },
        { origin: 'signed.example.', file: signed },
        { origin: 'nsec3.example.', file: nsec3 },
      ],
    });
    tsdns = await startTestServer({
      plugins: [file],
      corefile: (ports) => `.:${ports[0]} {
  file ${join(dir as string, 'db.rich')} example.org
  file ${signed} signed.example
  file ${nsec3} nsec3.example
}`,
      captureLogs: true,
    });
    s = { dir, knot, tsdns };
  }, 60_000);

  afterAll(async () => {
    await knot?.stop();
    await tsdns?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The differences knownDifference excused, to check they are exactly the expected ones. */
  const excused: string[] = [];

  async function compareAll(origin: string, types: readonly string[], dnssec: boolean): Promise<string[]> {
    const problems: string[] = [];
    const jobs: Array<[string, string]> = [];
    for (const n of names(origin)) for (const t of types) jobs.push([n, t]);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const [name, type] = jobs[next++];
        const opts = { do: dnssec, bufsize: 4096, rd: false };
        const [ours, theirs] = await Promise.all([
          query(s.tsdns.target, name, type, opts),
          query({ port: s.knot.port }, name, type, opts),
        ]);
        const a = comparable(ours);
        const b = comparable(theirs);
        if (JSON.stringify(a) === JSON.stringify(b)) continue;
        const known = knownDifference(name, type, a, b);
        if (known !== undefined) {
          excused.push(`${name} ${type}${dnssec ? ' +dnssec' : ''}: ${known}`);
          continue;
        }
        problems.push(
          `${name} ${type}${dnssec ? ' +dnssec' : ''}\n  tsdns: ${JSON.stringify(a)}\n  knot:  ${JSON.stringify(b)}`,
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return problems;
  }

  it('answers the unsigned zone as Knot does', async () => {
    expect(await compareAll('example.org.', TYPES, false)).toEqual([]);
  });

  it('answers the NSEC-signed zone as Knot does, without DO', async () => {
    expect(await compareAll('signed.example.', SIGNED_TYPES, false)).toEqual([]);
  });

  it('answers the NSEC-signed zone as Knot does, with DO', async () => {
    expect(await compareAll('signed.example.', SIGNED_TYPES, true)).toEqual([]);
  });

  it('answers the NSEC3-signed zone as Knot does, with and without DO', async () => {
    expect(await compareAll('nsec3.example.', SIGNED_TYPES, true)).toEqual([]);
    expect(await compareAll('nsec3.example.', SIGNED_TYPES, false)).toEqual([]);
  });

  it('sets TC like Knot when a signed answer does not fit the client buffer', async () => {
    const cases: Array<[string, string]> = [
      ['signed.example.', 'DNSKEY'],
      ['signed.example.', 'MX'],
      ['nope.signed.example.', 'A'],
      ['x.wild.signed.example.', 'MX'],
      ['x.sub.signed.example.', 'A'],
      ['www.signed.example.', 'A'],
      ['nope.nsec3.example.', 'A'],
    ];
    let truncated = 0;
    for (const [name, type] of cases) {
      for (const bufsize of [512, 1232]) {
        const opts = { do: true, bufsize, rd: false };
        const [ours, theirs] = await Promise.all([
          query(s.tsdns.target, name, type, opts),
          query({ port: s.knot.port }, name, type, opts),
        ]);
        const pick = (c: Comparable) => ({ rcode: c.rcode, aa: c.aa, tc: c.tc });
        expect(pick(comparable(ours)), `${name} ${type} bufsize ${bufsize}`).toEqual(
          pick(comparable(theirs)),
        );
        if (comparable(ours).tc) truncated++;
      }
    }
    // The cases are chosen so that some, not all, need TC.
    expect(truncated).toBeGreaterThan(0);
    expect(truncated).toBeLessThan(cases.length * 2);
  });

  it('gives kdig the same answers as Knot', async () => {
    const cases: string[][] = [
      ['www.example.org', 'A'],
      ['alias2.example.org', 'A'],
      ['x.sub.example.org', 'A'],
      ['nope.signed.example', 'A', '+dnssec'],
      ['x.wild.signed.example', 'MX', '+dnssec'],
      ['x.dn.nsec3.example', 'A', '+dnssec'],
      ['signed.example', 'DNSKEY', '+dnssec', '+tcp'],
    ];
    for (const args of cases) {
      const [ours, theirs] = await Promise.all([
        kdig(['+norec', ...args], { target: s.tsdns.target }),
        kdig(['+norec', ...args], { target: { port: s.knot.port } }),
      ]);
      const view = (r: typeof ours) => ({
        status: r.status,
        flags: r.flags.filter((f) => f !== 'ra').sort(),
        answer: r.answer.map((x) => `${x.name.toLowerCase()} ${x.ttl} ${x.type} ${x.rdata}`).sort(),
        authority: r.authority.map((x) => `${x.name.toLowerCase()} ${x.ttl} ${x.type} ${x.rdata}`).sort(),
        additional: r.additional.map((x) => `${x.name.toLowerCase()} ${x.ttl} ${x.type} ${x.rdata}`).sort(),
      });
      expect(ours.status, args.join(' ')).toBeDefined();
      expect(view(ours), args.join(' ')).toEqual(view(theirs));
    }
  });

  it('differs from Knot only where expected', () => {
    const expected: string[] = [];
    for (const origin of ['signed.example.', 'nsec3.example.']) {
      for (const n of ['_443._tcp.www', 'caa', 'svc', 'https']) {
        expected.push(
          `${n}.${origin} ANY: ANY: Knot picks the RRSIG set`,
          `${n}.${origin} ANY +dnssec: ANY: Knot picks the RRSIG set`,
        );
      }
    }
    for (const n of ['a.b.wild', 'x.cw', 'a.b.cw', 'q.cwext'])
      expected.push(`${n}.signed.example. NSEC +dnssec: NSEC: wildcard proof`);
    const longQueries = (origin: string, types: readonly string[], variants: string[]) =>
      types.flatMap((t) => variants.map((v) => `${LONG_PREFIX}.longdn.${origin} ${t}${v}: DNAME: YXDOMAIN`));
    expected.push(...longQueries('example.org.', TYPES, ['']));
    for (const origin of ['signed.example.', 'nsec3.example.']) {
      expected.push(...longQueries(origin, SIGNED_TYPES, ['', ' +dnssec']));
    }
    expect(excused.sort()).toEqual(expected.sort());
  });
});
