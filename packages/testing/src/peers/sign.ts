/** DNSSEC-signed zone files for tests, made with BIND's dnssec-keygen and dnssec-signzone. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface SignZoneOptions {
  /** Where the keys, the DS set and the signed file go. */
  dir: string;
  /** The unsigned zone file. */
  zoneFile: string;
  /** The zone's name. */
  origin: string;
  /** The signed file's name in `dir`; default '<origin>signed'. */
  out?: string;
  /** NSEC3 with opt-out (salt abcd, 2 iterations) instead of NSEC. */
  nsec3?: boolean;
}

/**
 * Signs the zone with a fresh ECDSA P-256 KSK and ZSK, valid for 30 days, and returns the
 * signed file's path.
 */
export function signZone(opts: SignZoneOptions): string {
  const { dir, origin } = opts;
  for (const ksk of [false, true]) {
    execFileSync(
      'dnssec-keygen',
      ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', ...(ksk ? ['-f', 'KSK'] : []), '-n', 'ZONE', origin],
      { stdio: 'pipe' },
    );
  }
  const path = join(dir, opts.out ?? `${origin.endsWith('.') ? origin : `${origin}.`}signed`);
  execFileSync(
    'dnssec-signzone',
    [
      '-q',
      '-K',
      dir,
      // The dsset file goes to `dir` too, not the working directory.
      '-d',
      dir,
      '-S',
      ...(opts.nsec3 ? ['-3', 'abcd', '-H', '2', '-A'] : []),
      '-e',
      '+2592000',
      '-o',
      origin,
      '-f',
      path,
      opts.zoneFile,
    ],
    { stdio: 'pipe' },
  );
  return path;
}
