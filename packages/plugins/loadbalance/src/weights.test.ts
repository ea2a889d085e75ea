import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WeightFileError, parseWeights } from './weights.js';

describe('parseWeights', () => {
  it('reads names and address weights, skipping comments and blank lines', () => {
    const table = parseWeights(
      '# weights\n\nwww.Example.com\n100.64.1.1 3\n100.64.1.2 1\n  100.64.1.3\t2  \nv6.example.com.\n2001:DB8::1 255\n100.64.1.1 9\nwww.example.com.\n100.64.1.1 7\n100.64.1.4 4\r\n',
      'db.weights',
    );
    expect([...table.keys()]).toEqual(['www.example.com.', 'v6.example.com.']);
    expect([...(table.get('www.example.com.') ?? [])]).toEqual([
      ['100.64.1.1', 3],
      ['100.64.1.2', 1],
      ['100.64.1.3', 2],
      ['100.64.1.4', 4],
    ]);
    expect([...(table.get('v6.example.com.') ?? [])]).toEqual([
      ['2001:db8::1', 255],
      ['100.64.1.1', 9],
    ]);
  });

  const errors: Array<[string, string]> = [
    ['100.64.1.1\n', 'db:1: wrong domain name "100.64.1.1" (maybe a missing weight value?)'],
    ['www.example.com\nnot-an-ip 3\n', 'db:2: wrong IP address "not-an-ip"'],
    ['www.example.com\n100.64.1.1 0\n', 'db:2: wrong weight value "0" (1 to 255)'],
    ['www.example.com\n100.64.1.1 256\n', 'db:2: wrong weight value "256" (1 to 255)'],
    ['www.example.com\n100.64.1.1 -1\n', 'db:2: wrong weight value "-1" (1 to 255)'],
    ['www.example.com\n100.64.1.1 1.5\n', 'db:2: wrong weight value "1.5" (1 to 255)'],
    ['\n\n100.64.1.1 3\n', 'db:3: missing domain name before the first address'],
    ['www.example.com\n100.64.1.1 3 # three\n', 'db:2: could not parse weight line "100.64.1.1 3 # three"'],
  ];
  for (const [text, message] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseWeights(text, 'db')).toThrow(WeightFileError);
      expect(() => parseWeights(text, 'db')).toThrow(message);
    });
  }

  it('throws nothing but WeightFileError for any text', () => {
    const token = fc.oneof(
      fc.constantFrom(
        'www.example.com',
        '192.0.2.1',
        '2001:db8::1',
        '3',
        '0',
        '255',
        '#',
        '#x',
        ' ',
        '\t',
        '\n',
        '\r\n',
        '.',
      ),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
        const text = parts.join(' ');
        try {
          const table = parseWeights(text, 'f');
          for (const weights of table.values()) {
            for (const w of weights.values()) expect(w >= 1 && w <= 255).toBe(true);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(WeightFileError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
