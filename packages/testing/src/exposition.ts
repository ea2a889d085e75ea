/**
 * A parser of Prometheus's text exposition format (version 0.0.4), for tests that scrape
 * a /metrics endpoint and check names, labels and values. It is strict: anything the
 * format does not allow, and a series that appears twice, is an ExpositionParseError
 * naming the line, so a test also proves the endpoint's output is well-formed.
 */

export interface ExpositionSample {
  /** The sample's name as written (`x_bucket`, `x_sum` for a histogram `x`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  readonly timestamp?: number;
}

export interface ExpositionFamily {
  readonly name: string;
  help?: string;
  type?: string;
  readonly samples: ExpositionSample[];
}

export class ExpositionParseError extends Error {
  override readonly name = 'ExpositionParseError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
const SUMMARY_SUFFIXES = ['_sum', '_count'];

/** A parsed scrape: its families by name, and look-ups over their samples. */
export class Exposition {
  readonly families = new Map<string, ExpositionFamily>();

  /** Every sample, in the order of the text. */
  get samples(): ExpositionSample[] {
    return [...this.families.values()].flatMap((f) => f.samples);
  }

  /** The samples named `name` whose labels include every pair of `match`. */
  find(name: string, match: Readonly<Record<string, string>> = {}): ExpositionSample[] {
    return this.samples.filter(
      (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
    );
  }

  /**
   * The value of the one sample named `name` whose labels include `match`; undefined when
   * there is none. Throws when several samples match (the test's labels are too loose).
   */
  value(name: string, match: Readonly<Record<string, string>> = {}): number | undefined {
    const found = this.find(name, match);
    if (found.length > 1)
      throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}; name more labels`);
    return found[0]?.value;
  }

  /** The sum of the values of every sample named `name` whose labels include `match` (0 if none). */
  sum(name: string, match: Readonly<Record<string, string>> = {}): number {
    return this.find(name, match).reduce((a, s) => a + s.value, 0);
  }
}

/** Parses a scrape. Throws ExpositionParseError for malformed text or a repeated series. */
export function parseExposition(text: string): Exposition {
  const out = new Exposition();
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      parseComment(out, line, lineNo);
      continue;
    }
    const sample = parseSample(line, lineNo);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    if (seen.has(key)) throw new ExpositionParseError(lineNo, `series ${sample.name} appears twice`);
    seen.add(key);
    familyFor(out, sample.name).samples.push(sample);
  }
  return out;
}

function parseComment(out: Exposition, line: string, lineNo: number): void {
  const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (m === null) return; // any other comment
  const [, kind, name, rest = ''] = m;
  if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)?.[0] !== name)
    throw new ExpositionParseError(lineNo, `invalid metric name "${name}"`);
  const family = out.families.get(name) ?? newFamily(out, name);
  if (kind === 'HELP') {
    if (family.help !== undefined) throw new ExpositionParseError(lineNo, `second HELP for ${name}`);
    family.help = unescape(rest, false, lineNo);
    return;
  }
  const type = rest.trim();
  if (!TYPES.has(type)) throw new ExpositionParseError(lineNo, `unknown type "${type}" for ${name}`);
  if (family.type !== undefined) throw new ExpositionParseError(lineNo, `second TYPE for ${name}`);
  if (family.samples.length > 0) throw new ExpositionParseError(lineNo, `TYPE for ${name} after its samples`);
  family.type = type;
}

function newFamily(out: Exposition, name: string): ExpositionFamily {
  const family: ExpositionFamily = { name, samples: [] };
  out.families.set(name, family);
  return family;
}

/** The family a sample belongs to: its own name, or a histogram's or summary's base name. */
function familyFor(out: Exposition, sampleName: string): ExpositionFamily {
  const own = out.families.get(sampleName);
  if (own !== undefined) return own;
  for (const [suffixes, type] of [
    [HISTOGRAM_SUFFIXES, 'histogram'],
    [SUMMARY_SUFFIXES, 'summary'],
  ] as const) {
    for (const suffix of suffixes) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = out.families.get(sampleName.slice(0, -suffix.length));
      if (base?.type === type) return base;
    }
  }
  return newFamily(out, sampleName);
}

function parseSample(line: string, lineNo: number): ExpositionSample {
  const nameMatch = METRIC_NAME.exec(line);
  if (nameMatch === null) throw new ExpositionParseError(lineNo, `not a sample: ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      pos = skipSpaces(line, pos);
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const labelMatch = LABEL_NAME.exec(line.slice(pos));
      if (labelMatch === null) throw new ExpositionParseError(lineNo, `bad label name at column ${pos + 1}`);
      const label = labelMatch[0];
      pos = skipSpaces(line, pos + label.length);
      if (line[pos] !== '=') throw new ExpositionParseError(lineNo, `expected = after label ${label}`);
      pos = skipSpaces(line, pos + 1);
      if (line[pos] !== '"')
        throw new ExpositionParseError(lineNo, `expected a quoted value for label ${label}`);
      const end = closingQuote(line, pos + 1);
      if (end < 0) throw new ExpositionParseError(lineNo, `unterminated value for label ${label}`);
      if (Object.hasOwn(labels, label)) throw new ExpositionParseError(lineNo, `label ${label} repeated`);
      labels[label] = unescape(line.slice(pos + 1, end), true, lineNo);
      pos = skipSpaces(line, end + 1);
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}')
        throw new ExpositionParseError(lineNo, `expected , or } after label ${label}`);
    }
  }
  const rest = line.slice(pos);
  const fields = rest.trim().split(/\s+/);
  if (!/^\s/.test(rest) || fields.length < 1 || fields.length > 2 || fields[0] === '')
    throw new ExpositionParseError(lineNo, `expected a value after ${name}`);
  const value = parseValue(fields[0], lineNo);
  if (fields.length === 2) {
    if (!/^-?\d+$/.test(fields[1])) throw new ExpositionParseError(lineNo, `bad timestamp "${fields[1]}"`);
    return { name, labels, value, timestamp: Number(fields[1]) };
  }
  return { name, labels, value };
}

function skipSpaces(line: string, pos: number): number {
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  return pos;
}

/** The index of the quote that ends a label value starting at `from`, or -1. */
function closingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i;
  }
  return -1;
}

function unescape(s: string, quoted: boolean, lineNo: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === '\\') out += '\\';
    else if (e === 'n') out += '\n';
    else if (e === '"' && quoted) out += '"';
    else if (!quoted)
      out += `\\${e ?? ''}`; // HELP text keeps other backslashes as written
    else throw new ExpositionParseError(lineNo, `bad escape \\${e ?? ''} in a label value`);
  }
  return out;
}

function parseValue(text: string, lineNo: number): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN' || text === 'Nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new ExpositionParseError(lineNo, `bad value "${text}"`);
  return Number(text);
}
