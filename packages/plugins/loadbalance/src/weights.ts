import { nameKey } from '@tsdns/core';
import { canonicalIp } from './address.js';

/** Weights by owner name (lowercase, absolute) and then by address (canonical text). */
export type WeightTable = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** A weight file that cannot be used, with the file and line at fault. */
export class WeightFileError extends Error {
  override readonly name = 'WeightFileError';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
  }
}

const WEIGHT = /^\d{1,3}$/;
const FIELDS = /\s+/;

/**
 * Reads a weight file (CoreDNS's format): a domain name on a line of its own, then one
 * `ADDRESS WEIGHT` line per address of that name, WEIGHT in [1, 255]. Blank lines and
 * lines starting with `#` are ignored. Names are matched without regard to letter case;
 * a missing final dot is added. A repeated address keeps its first weight.
 */
export function parseWeights(text: string, file: string): WeightTable {
  const domains = new Map<string, Map<string, number>>();
  let current: Map<string, number> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(FIELDS);
    const fail = (message: string): never => {
      throw new WeightFileError(message, file, i + 1);
    };
    if (fields.length === 1) {
      const name = fields[0];
      if (canonicalIp(name) !== undefined)
        fail(`wrong domain name "${name}" (maybe a missing weight value?)`);
      const key = nameKey(name.endsWith('.') ? name : name + '.');
      current = domains.get(key);
      if (current === undefined) {
        current = new Map();
        domains.set(key, current);
      }
    } else if (fields.length === 2) {
      const [addressText, weightText] = fields;
      const address = canonicalIp(addressText);
      if (address === undefined) fail(`wrong IP address "${addressText}"`);
      const weight = WEIGHT.test(weightText) ? Number(weightText) : 0;
      if (weight < 1 || weight > 255) fail(`wrong weight value "${weightText}" (1 to 255)`);
      if (current === undefined) fail('missing domain name before the first address');
      if (!current!.has(address!)) current!.set(address!, weight);
    } else {
      fail(`could not parse weight line "${line}"`);
    }
  }
  return domains;
}
