import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadZoneFile } from '@tsdns/core';
import { hasTool } from '../tools.js';
import { makeTempDir } from './process.js';
import { signZone } from './sign.js';

const ZONE = [
  '$TTL 300',
  '@ SOA ns hostmaster 1 3600 600 86400 60',
  '@ NS ns',
  'ns A 192.0.2.53',
  'www A 192.0.2.80',
  '',
].join('\n');

describe.skipIf(!hasTool('dnssec-keygen') || !hasTool('dnssec-signzone'))('signZone', () => {
  it('signs with NSEC by default and NSEC3 when asked, keys and DS set in the directory', async () => {
    const dir = makeTempDir('sign');
    try {
      const file = join(dir, 'db.example');
      writeFileSync(file, ZONE);
      const nsec = signZone({ dir, zoneFile: file, origin: 'example.test' });
      expect(nsec).toBe(join(dir, 'example.test.signed'));
      const signed = await loadZoneFile(nsec, { origin: 'example.test.' });
      const types = new Set(signed.map((rr) => rr.type));
      for (const t of ['DNSKEY', 'RRSIG', 'NSEC']) expect(types).toContain(t);
      expect(types).not.toContain('NSEC3');
      // A KSK (flags 257) and a ZSK (256).
      const flags = signed.flatMap((rr) => (rr.type === 'DNSKEY' ? [rr.data.flags] : [])).sort();
      expect(flags).toEqual([256, 257]);

      const nsec3 = signZone({
        dir,
        zoneFile: file,
        origin: 'other.test.',
        out: 'other.signed',
        nsec3: true,
      });
      const types3 = new Set((await loadZoneFile(nsec3, { origin: 'other.test.' })).map((rr) => rr.type));
      expect(types3).toContain('NSEC3');
      expect(types3).toContain('NSEC3PARAM');
      expect(types3).not.toContain('NSEC');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
