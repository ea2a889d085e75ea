/**
 * Our reader against BIND's and Knot's: the fixtures must be accepted by named-checkzone
 * (and kzonecheck, where Knot supports the syntax), and our reader must yield exactly the
 * record set that `named-compilezone -s full` prints. Both sides are normalised by printing
 * them with our writer and sorting; BIND's output is a plain master file (full names,
 * explicit TTLs, BIND's rdata spelling), so reading it also checks that we accept BIND's
 * presentation of every type. A zone signed by dnssec-signzone (NSEC and NSEC3) is read
 * exactly as that tool writes it: multi-line RRSIGs and DNSKEYs with comments.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadZoneFile, parseZone, type ZoneRecord } from './reader.js';
import { writeZone } from './writer.js';

const FIXTURES = fileURLToPath(new URL('./test-fixtures/', import.meta.url));

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, command)));
}

const haveBind = ['named-checkzone', 'named-compilezone'].every(onPath);
const haveKnot = onPath('kzonecheck');
const haveSigner = haveBind && ['dnssec-keygen', 'dnssec-signzone'].every(onPath);

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The zone as BIND loads it, printed one record a line. Names checks are off: the fixtures use odd owners on purpose. */
function bindRecords(origin: string, file: string, cwd: string): ZoneRecord[] {
  const text = run(
    'named-compilezone',
    [
      '-q',
      '-k',
      'ignore',
      '-n',
      'ignore',
      '-i',
      'none',
      '-f',
      'text',
      '-F',
      'text',
      '-s',
      'full',
      '-o',
      '-',
      origin,
      file,
    ],
    cwd,
  );
  return parseZone(text, { origin });
}

function normalised(records: ZoneRecord[]): string[] {
  return writeZone(records)
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

describe.skipIf(!haveBind)('zone files as BIND reads them', () => {
  it('rich.db: every typed type, $INCLUDE, escapes, parentheses, TTL forms', async () => {
    run('named-checkzone', ['-q', 'example.org', 'rich.db'], FIXTURES);
    const ours = await loadZoneFile(join(FIXTURES, 'rich.db'), { origin: 'example.org.' });
    const theirs = bindRecords('example.org', 'rich.db', FIXTURES);
    expect(new Set(ours.map((r) => r.type))).toEqual(
      new Set([
        'SOA',
        'NS',
        'MX',
        'TXT',
        'SPF',
        'CAA',
        'CDS',
        'CDNSKEY',
        'DNSKEY',
        'NSEC3PARAM',
        'HTTPS',
        'A',
        'AAAA',
        'CNAME',
        'DNAME',
        'HINFO',
        'SSHFP',
        'TLSA',
        'SRV',
        'NAPTR',
        'SVCB',
        'DS',
        'RRSIG',
        'NSEC',
        'NSEC3',
        'TYPE65280',
      ]),
    );
    expect(normalised(ours)).toEqual(normalised(theirs));
  });

  it.skipIf(!haveKnot)('rich.db is accepted by kzonecheck too', () => {
    run('kzonecheck', ['-o', 'example.org', 'rich.db'], FIXTURES);
  });

  it('bind-only.db: $GENERATE, quoted owners, nested parentheses, RFC 1035 TTLs', async () => {
    run('named-checkzone', ['-q', '-k', 'ignore', '-n', 'ignore', 'example.com', 'bind-only.db'], FIXTURES);
    const ours = await loadZoneFile(join(FIXTURES, 'bind-only.db'), { origin: 'example.com.' });
    const theirs = bindRecords('example.com', 'bind-only.db', FIXTURES);
    expect(ours.length).toBeGreaterThan(20);
    expect(normalised(ours)).toEqual(normalised(theirs));
  });
});

describe.skipIf(!haveSigner)('zones signed by dnssec-signzone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdns-signed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'zone.db'),
    [
      '$TTL 3600',
      '@ IN SOA ns1 hostmaster ( 2024010101 7200 3600 1209600 300 )',
      '  NS ns1',
      '  MX 10 mail',
      '  TXT "v=spf1 -all"',
      'ns1 A 192.0.2.1',
      '  AAAA 2001:db8::1',
      'mail A 192.0.2.2',
      'www CNAME ns1',
      'sub NS ns.sub',
      'ns.sub A 192.0.2.3',
      '_443._tcp.www TLSA 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6',
      '',
    ].join('\n'),
  );

  it.each([
    ['NSEC', []],
    ['NSEC3', ['-3', 'AABBCCDD', '-H', '0']],
  ])('%s-signed zone reads as BIND reads it', async (kind, extra) => {
    const keys = join(dir, kind);
    run('mkdir', ['-p', keys], dir);
    run('dnssec-keygen', ['-q', '-a', 'ECDSAP256SHA256', '-K', keys, 'example.org'], dir);
    run('dnssec-keygen', ['-q', '-a', 'ECDSAP256SHA256', '-f', 'KSK', '-K', keys, 'example.org'], dir);
    const signed = `signed-${kind}.db`;
    run(
      'dnssec-signzone',
      ['-q', '-S', '-K', keys, ...extra, '-o', 'example.org', '-f', signed, 'zone.db'],
      dir,
    );
    run('named-checkzone', ['-q', 'example.org', signed], dir);
    if (haveKnot) run('kzonecheck', ['-o', 'example.org', '-d', 'on', signed], dir);

    const ours = await loadZoneFile(join(dir, signed), { origin: 'example.org.' });
    const theirs = bindRecords('example.org', signed, dir);
    const types = new Set(ours.map((r) => r.type));
    for (const t of ['RRSIG', 'DNSKEY', kind, 'TLSA']) expect(types).toContain(t);
    expect(normalised(ours)).toEqual(normalised(theirs));
  });
});
