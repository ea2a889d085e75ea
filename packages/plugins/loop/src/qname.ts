import { randomBytes } from 'node:crypto';

const MASK_62 = (1n << 62n) - 1n;

/** A random integer below 2^62 in decimal, from the CSPRNG (as CoreDNS draws its labels). */
function randomLabel(): string {
  return (randomBytes(8).readBigUInt64BE() & MASK_62).toString();
}

/**
 * The probe name `<random>.<random>.ZONE`: unguessable, so that nothing but our own
 * probe, coming back round a loop, is counted. `zone` is absolute and lowercase.
 */
export function probeName(zone: string): string {
  const labels = `${randomLabel()}.${randomLabel()}`;
  return zone === '.' ? `${labels}.` : `${labels}.${zone}`;
}
