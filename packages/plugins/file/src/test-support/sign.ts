import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Signs `zoneFile` as `origin` with a fresh ECDSA P-256 KSK and ZSK made by BIND's
 * dnssec-keygen, writing `out` in `dir` (NSEC, or NSEC3 with opt-out when `nsec3` is set).
 * Returns the signed file's path.
 */
export function signZone(dir: string, zoneFile: string, origin: string, out: string, nsec3 = false): string {
  const keygen = (ksk: boolean) =>
    execFileSync('dnssec-keygen', [
      '-q',
      '-K',
      dir,
      '-a',
      'ECDSAP256SHA256',
      ...(ksk ? ['-f', 'KSK'] : []),
      '-n',
      'ZONE',
      origin,
    ]);
  keygen(false);
  keygen(true);
  const path = join(dir, out);
  execFileSync('dnssec-signzone', [
    '-q',
    '-K',
    dir,
    // dsset files go to the temporary directory too, not the working directory.
    '-d',
    dir,
    '-S',
    ...(nsec3 ? ['-3', 'abcd', '-H', '2', '-A'] : []),
    '-e',
    '+2592000',
    '-o',
    origin,
    '-f',
    path,
    zoneFile,
  ]);
  return path;
}
