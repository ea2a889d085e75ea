import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchPathError, parseSearchPath, readSearchPath } from './resolv-conf.js';

describe('parseSearchPath', () => {
  it("reads a kubelet-written pod resolv.conf's search line", () => {
    const text = [
      'search default.svc.cluster.local svc.cluster.local cluster.local c.my-project.internal',
      'nameserver 10.96.0.10',
      'options ndots:5',
      '',
    ].join('\n');
    expect(parseSearchPath(text)).toEqual([
      'default.svc.cluster.local.',
      'svc.cluster.local.',
      'cluster.local.',
      'c.my-project.internal.',
    ]);
  });

  it('lowercases, keeps absolute names, and splits on tabs and runs of blanks', () => {
    expect(parseSearchPath('search\tExample.ORG.   corp.example.net\r\n')).toEqual([
      'example.org.',
      'corp.example.net.',
    ]);
  });

  it('lets the last search or domain line win, as the stub resolver does', () => {
    expect(parseSearchPath('search a.example b.example\ndomain c.example d.example\n')).toEqual([
      'c.example.',
    ]);
    expect(parseSearchPath('domain c.example\nsearch a.example\n')).toEqual(['a.example.']);
    expect(parseSearchPath('search a.example\nsearch\n')).toEqual([]);
  });

  it('skips comments, blank lines and other keywords', () => {
    expect(
      parseSearchPath('# search commented.example\n; search also.example\n\nnameserver 127.0.0.1\n'),
    ).toEqual([]);
    expect(parseSearchPath('')).toEqual([]);
  });

  it('rejects a domain that is not a name, citing its line', () => {
    const long = 'a'.repeat(64);
    const err = (() => {
      try {
        parseSearchPath(`nameserver 10.0.0.1\nsearch ok.example ${long}.example\n`);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SearchPathError);
    expect((err as SearchPathError).line).toBe(2);
    expect((err as SearchPathError).message).toContain(long);
    expect(() => parseSearchPath('search a..b\n')).toThrow(SearchPathError);
  });

  it('never fails with anything but SearchPathError, and returns absolute lowercase names', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (junk, prefix) => {
        const text = prefix ? `search ${junk}` : junk;
        try {
          for (const d of parseSearchPath(text)) {
            expect(d.endsWith('.')).toBe(true);
            expect(d).toBe(d.toLowerCase());
          }
        } catch (e) {
          expect(e).toBeInstanceOf(SearchPathError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('readSearchPath', () => {
  it('reads a file and reports a missing one with the file system error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autopath-'));
    writeFileSync(join(dir, 'resolv.conf'), 'search example.net\n');
    expect(readSearchPath(join(dir, 'resolv.conf'))).toEqual(['example.net.']);
    expect(() => readSearchPath(join(dir, 'missing.conf'))).toThrow(/ENOENT/);
  });
});
