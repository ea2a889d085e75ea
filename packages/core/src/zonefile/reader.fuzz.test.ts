/**
 * Fuzzing the reader: random zone-like text and mutations of the real fixtures must either
 * read or fail with ZoneFileError — never another error, never a hang. Reading stops after
 * a bounded number of records, since a mutated `$GENERATE` range may legitimately be huge.
 */
import fc from 'fast-check';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ZoneFileError } from './errors.js';
import { parseZone, readZone } from './reader.js';

const FIXTURES = fileURLToPath(new URL('./test-fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tsdns-zonefuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(join(FIXTURES, 'included.db'), join(dir, 'included.db'));
const SEEDS = ['rich.db', 'bind-only.db'].map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

const MAX_RECORDS = 5000;

/** Reads `text` as a zone file; resolves to the record count or the ZoneFileError. */
async function readBounded(text: string, file: string): Promise<number | ZoneFileError> {
  const path = join(dir, file);
  writeFileSync(path, text);
  let n = 0;
  try {
    for await (const _rr of readZone(path, { origin: 'example.org.' })) if (++n >= MAX_RECORDS) break;
    return n;
  } catch (err) {
    if (err instanceof ZoneFileError) return err;
    throw err;
  }
}

const PIECES = [
  ' ',
  ' ',
  '\t',
  '\n',
  '\n',
  '\r\n',
  '(',
  ')',
  '"',
  '\\',
  ';',
  '@',
  '.',
  '$',
  '#',
  '\\#',
  '\\0',
  '\\.',
  '{',
  '}',
  ',',
  '-',
  '/',
  '$ORIGIN',
  '$TTL',
  '$INCLUDE',
  '$GENERATE',
  '$DATE',
  'included.db',
  'fuzz.db',
  'IN',
  'CH',
  'CLASS1',
  'TYPE65280',
  'A',
  'AAAA',
  'NS',
  'SOA',
  'MX',
  'TXT',
  'SRV',
  'RRSIG',
  'NSEC3',
  'SVCB',
  'CAA',
  '1',
  '10',
  '3600',
  '1h30m',
  '2147483648',
  '192.0.2.1',
  '::1',
  'www',
  'example.org.',
  'x',
  'alpn=h2',
  '${1,3,n}',
  '1-3',
  '0-100000/7',
  '\u00e9',
  '\u0000',
  '\u00ff',
];
const arbPieceText = fc.array(fc.constantFrom(...PIECES), { maxLength: 200 }).map((p) => p.join(''));

const arbMutation = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 12 }),
  insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })),
});
const arbMutated = fc
  .tuple(fc.nat({ max: SEEDS.length - 1 }), fc.array(arbMutation, { minLength: 1, maxLength: 6 }))
  .map(([seed, mutations]) => {
    let text = SEEDS[seed];
    for (const m of mutations) {
      const at = m.at % (text.length + 1);
      text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
    }
    return text;
  });

describe('reader fuzzing', () => {
  it('the seeds read cleanly', async () => {
    for (const seed of SEEDS) expect(await readBounded(seed, 'seed.db')).toBeGreaterThan(20);
  });

  it('mutated fixtures give records or ZoneFileError', async () => {
    await fc.assert(
      fc.asyncProperty(arbMutated, async (text) => {
        await readBounded(text, 'fuzz.db');
      }),
      { numRuns: 400 },
    );
  });

  it('random zone-like text gives records or ZoneFileError', async () => {
    await fc.assert(
      fc.asyncProperty(arbPieceText, async (text) => {
        await readBounded(text, 'fuzz.db');
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary strings give records or ZoneFileError (in memory)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        // No $GENERATE can survive: '$' is removed so the in-memory reader stays bounded.
        try {
          parseZone(text.replaceAll('$', ''), { origin: 'example.org.' });
        } catch (err) {
          expect(err).toBeInstanceOf(ZoneFileError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
