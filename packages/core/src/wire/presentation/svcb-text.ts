import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../ip.js';
import { svcParamKeyName, svcParamKeyNumber } from '../rdata/svcb.js';
import type { SvcbData, SvcParam } from '../types.js';
import { decodeBase64, encodeBase64 } from './binary-text.js';
import { bytesToLatin1, decodeCharString, escapeByte, escapeBytes, latin1ToBytes } from './charstring.js';
import type { TokenReader } from './token-reader.js';
import { parseDecimal } from './token-reader.js';

/**
 * SVCB/HTTPS SvcParams (RFC 9460 section 2.1 and appendix A) in presentation form.
 *
 * Reading follows BIND: `key=value` or a bare `key`, the value optionally quoted; known
 * keys by name (case-insensitive) or as keyNNNNN; value lists comma-separated, with alpn
 * taking a second escape level so `\\,` puts a comma inside one protocol id; params sorted
 * by key; duplicates, a mandatory list naming itself or an absent key, and
 * no-default-alpn without alpn are errors.
 *
 * Writing follows kdig: values bare except keyNNNNN values, which are always quoted.
 */

/** Names BIND accepts for keys registered after RFC 9460; their values stay raw bytes. */
const LATER_KEY_NAMES: ReadonlyMap<string, number> = new Map([
  ['dohpath', 7],
  ['ohttp', 8],
]);

/** The number of a key as written in a zone file: case-insensitive, later names included; -1 if none. */
function svcKeyNumber(text: string): number {
  const name = text.toLowerCase();
  return LATER_KEY_NAMES.get(name) ?? svcParamKeyNumber(name);
}

/** keys 0-6 have typed values; svcParamKeyName gives 'keyNNN' from here on */
const FIRST_RAW_KEY = 7;

type ParamResult = SvcParam | string;

/** Reads the SvcParams that remain in `r` (possibly none) and returns them sorted by key. */
export function readSvcParams(r: TokenReader): SvcParam[] {
  const params: Array<{ key: number; param: SvcParam; index: number }> = [];
  while (!r.atEnd) {
    const index = r.pos;
    const token = r.next('SvcParam');
    if (token.quoted) r.fail(`expected SvcParam key=value, found quoted string "${token.text}"`);
    const eq = token.text.indexOf('=');
    const keyText = eq < 0 ? token.text : token.text.slice(0, eq);
    let value: string | undefined;
    if (eq >= 0) {
      value = token.text.slice(eq + 1);
      const following = r.tokens[r.pos];
      if (value === '' && following !== undefined && following.quoted) {
        // key="value" split by the lexer into `key=` and the quoted string
        value = following.text;
        r.pos++;
      } else if (value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22) {
        // key="value" kept whole by the lexer, quotes included
        value = value.slice(1, -1);
      }
    }
    const key = svcKeyNumber(keyText);
    if (key < 0) r.failAt(index, `unknown SvcParam key ${JSON.stringify(keyText)} (expected a name such as alpn, or keyNNNNN)`);
    let raw: Uint8Array | undefined;
    if (value !== undefined) {
      const decoded = decodeCharString(value);
      if (typeof decoded === 'string') r.failAt(index, `bad value of ${keyText}: ${decoded}`);
      raw = decoded;
    }
    const param = parseParamValue(key, raw);
    if (typeof param === 'string') r.failAt(index, `bad value of ${keyText}: ${param}`);
    params.push({ key, param, index });
  }
  params.sort((a, b) => a.key - b.key);
  for (let i = 1; i < params.length; i++) {
    if (params[i].key === params[i - 1].key) {
      r.failAt(Math.max(params[i].index, params[i - 1].index), `duplicate SvcParam ${svcParamKeyName(params[i].key)}`);
    }
  }
  const result = params.map((p) => p.param);
  const problem = svcParamsProblem(result);
  if (problem !== null) r.failAt(params.length > 0 ? params[0].index : undefined, problem);
  return result;
}

function splitCommas(text: string): string[] {
  return text.length === 0 ? [] : text.split(',');
}

/** A typed SvcParam from the level-1 decoded value bytes (undefined when no `=` was given). */
function parseParamValue(key: number, raw: Uint8Array | undefined): ParamResult {
  const name = svcParamKeyName(key);
  switch (key) {
    case 2:
      if (raw !== undefined && raw.length > 0) return 'no-default-alpn takes no value';
      return { key: 'no-default-alpn' };
    case 5:
      if (raw === undefined || raw.length === 0) return { key: 'ech', value: new Uint8Array(0) };
      {
        const bytes = decodeBase64(bytesToLatin1(raw));
        return bytes === null ? 'not valid base64' : { key: 'ech', value: bytes };
      }
  }
  if (key >= FIRST_RAW_KEY) return { key: name, value: raw ?? new Uint8Array(0) };
  if (raw === undefined || raw.length === 0) return `${name} needs a value`;
  const text = bytesToLatin1(raw);
  switch (key) {
    case 0: {
      const keys: number[] = [];
      for (const item of splitCommas(text)) {
        const k = svcKeyNumber(item);
        if (k < 0) return `unknown key ${JSON.stringify(item)} in mandatory list`;
        keys.push(k);
      }
      keys.sort((a, b) => a - b);
      for (let i = 1; i < keys.length; i++) {
        if (keys[i] === keys[i - 1]) return `key ${svcParamKeyName(keys[i])} listed twice`;
      }
      return { key: 'mandatory', value: keys.map(svcParamKeyName) };
    }
    case 1: {
      const ids = splitAlpn(raw);
      return typeof ids === 'string' ? ids : { key: 'alpn', value: ids };
    }
    case 3: {
      const port = parseDecimal(text, 0xffff);
      return port < 0 ? `expected a port number (0-65535), found ${JSON.stringify(text)}` : { key: 'port', value: port };
    }
    case 4:
    case 6: {
      const v4 = key === 4;
      const scratch = new Uint8Array(16);
      const addresses: string[] = [];
      for (const item of splitCommas(text)) {
        if (v4 ? !parseIPv4(item, scratch, 0) : !parseIPv6(item, scratch, 0)) {
          return `invalid IPv${v4 ? 4 : 6} address ${JSON.stringify(item)}`;
        }
        addresses.push(v4 ? formatIPv4(scratch, 0) : formatIPv6(scratch, 0));
      }
      return v4 ? { key: 'ipv4hint', value: addresses } : { key: 'ipv6hint', value: addresses };
    }
  }
  return `unsupported key ${name}`;
}

/**
 * The second escape level of alpn (RFC 9460 appendix A.1): `\` quotes the next byte, a bare
 * comma separates protocol ids, which may not be empty.
 */
function splitAlpn(raw: Uint8Array): string[] | string {
  const ids: string[] = [];
  let current = '';
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    let b = raw[i];
    if (b === 0x2c /* , */) {
      if (length === 0) return 'empty protocol id in alpn list';
      ids.push(current);
      current = '';
      length = 0;
      continue;
    }
    if (b === 0x5c /* \ */) {
      if (++i >= raw.length) return 'dangling backslash in alpn list';
      b = raw[i];
    }
    current += String.fromCharCode(b);
    if (++length > 255) return 'protocol id longer than 255 bytes';
  }
  if (length === 0) return 'empty protocol id in alpn list';
  ids.push(current);
  return ids;
}

/**
 * Why a (sorted) parameter list is not acceptable in presentation form, or null. Shared by
 * the reader and by the writer, which falls back to generic rdata for such lists.
 */
export function svcParamsProblem(params: readonly SvcParam[]): string | null {
  let previous = -1;
  let mandatory: readonly string[] = [];
  let hasAlpn = false;
  const present = new Set<number>();
  for (const p of params) {
    const key = svcKeyNumber(p.key);
    if (key < 0) return `unknown SvcParam key ${JSON.stringify(p.key)}`;
    if (key <= previous) return 'SvcParams must be in strictly increasing key order';
    previous = key;
    present.add(key);
    if (key === 0) mandatory = p.value as string[];
    if (key === 1) hasAlpn = true;
  }
  for (const name of mandatory) {
    const key = svcKeyNumber(name);
    if (key === 0) return 'mandatory may not list itself';
    if (!present.has(key)) return `mandatory key ${name} is missing from the SvcParams`;
  }
  if (present.has(2) && !hasAlpn) return 'no-default-alpn requires alpn';
  return null;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Key numbers of a mandatory list in ascending order (the wire encoder sorts them too). */
function sortedKeys(names: readonly string[]): number[] {
  return names.map(svcKeyNumber).sort((a, b) => a - b);
}

/**
 * Whether a SvcParam's value can be written in presentation form and read back unchanged
 * (lists non-empty, alpn ids of 1-255 latin1 characters, mandatory keys known and unique).
 */
function paramWritable(p: SvcParam): boolean {
  switch (p.key) {
    case 'mandatory': {
      if (!isStringList(p.value)) return false;
      const keys = sortedKeys(p.value);
      if (keys.length === 0) return false;
      for (let i = 0; i < keys.length; i++) if (keys[i] < 0 || (i > 0 && keys[i] === keys[i - 1])) return false;
      return true;
    }
    case 'alpn':
      return (
        isStringList(p.value) &&
        p.value.length > 0 &&
        p.value.every((id) => id.length > 0 && id.length <= 255 && latin1ToBytes(id) !== null)
      );
    case 'ipv4hint':
    case 'ipv6hint':
      return isStringList(p.value) && p.value.length > 0;
    case 'no-default-alpn':
      return true;
    case 'port':
      return Number.isInteger(p.value) && (p.value as number) >= 0 && (p.value as number) <= 0xffff;
    default:
      return p.value instanceof Uint8Array;
  }
}

/**
 * The params in key order (the wire encoder sorts them too), or null when they have no
 * presentation form that reads back to the same data.
 */
export function writableSvcParams(data: SvcbData): SvcParam[] | null {
  // Malformed params are left to the wire encoder, which says what is wrong with them.
  if (!data.params.every((p) => typeof p === 'object' && p !== null && typeof p.key === 'string' && paramWritable(p))) {
    return null;
  }
  const sorted = [...data.params].sort((a, b) => svcKeyNumber(a.key) - svcKeyNumber(b.key));
  return svcParamsProblem(sorted) === null ? sorted : null;
}

/** alpn ids with kdig's escaping: `\\,` for a comma and `\\\\` for a backslash inside an id. */
function formatAlpn(ids: readonly string[]): string {
  let out = '';
  let quote = false;
  for (let n = 0; n < ids.length; n++) {
    if (n > 0) out += ',';
    const id = ids[n];
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c === 0x2c) out += '\\\\,';
      else if (c === 0x5c) out += '\\\\\\\\';
      else {
        if (c === 0x20 || c === 0x3b || c === 0x28 || c === 0x29) quote = true;
        out += escapeByte(c);
      }
    }
  }
  // A space, ';' or a parenthesis would end the token or start a comment in a zone file.
  // kdig quotes only an id holding a space, which no parser reads back; quote the value.
  return quote ? `"${out}"` : out;
}

function formatParam(p: SvcParam, scratch: Uint8Array): string {
  switch (p.key) {
    case 'mandatory':
      return 'mandatory=' + sortedKeys(p.value as string[]).map(svcParamKeyName).join(',');
    case 'alpn':
      return 'alpn=' + formatAlpn(p.value as string[]);
    case 'no-default-alpn':
      return 'no-default-alpn';
    case 'port':
      return 'port=' + String(p.value);
    case 'ipv4hint':
    case 'ipv6hint': {
      // Re-render so hand-made data prints in the canonical form.
      const v4 = p.key === 'ipv4hint';
      const out: string[] = [];
      for (const a of p.value as string[]) {
        const ok = v4 ? parseIPv4(a, scratch, 0) : parseIPv6(a, scratch, 0);
        out.push(ok ? (v4 ? formatIPv4(scratch, 0) : formatIPv6(scratch, 0)) : a);
      }
      return p.key + '=' + out.join(',');
    }
    case 'ech': {
      const bytes = p.value as Uint8Array;
      return bytes.length === 0 ? 'ech' : 'ech=' + encodeBase64(bytes);
    }
    default: {
      const bytes = p.value as Uint8Array;
      return bytes.length === 0 ? p.key : `${p.key}="${escapeBytes(bytes)}"`;
    }
  }
}

/** The SvcParams as kdig prints them, space-separated, with a leading space when non-empty. */
export function formatSvcParams(params: readonly SvcParam[]): string {
  const scratch = new Uint8Array(16);
  let out = '';
  for (const p of params) out += ' ' + formatParam(p, scratch);
  return out;
}
