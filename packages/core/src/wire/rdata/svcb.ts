import { WireError } from '../errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../ip.js';
import type { Reader } from '../reader.js';
import type { SvcbData, SvcParam } from '../types.js';
import type { Writer } from '../writer.js';
import { expectObject, type RdataCodec } from './codec.js';

/** SvcParamKeys with typed values (RFC 9460 14.3.2); any other key is 'keyNNNNN' with raw bytes. */
const KEY_NAMES = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint'];
const MANDATORY = 0;
const ALPN = 1;
const NO_DEFAULT_ALPN = 2;
const PORT = 3;
const IPV4HINT = 4;
const ECH = 5;
const IPV6HINT = 6;
/** RFC 9460 14.3.2: 65535 is reserved ("Invalid key"). */
const INVALID_KEY = 65535;

export function svcParamKeyName(key: number): string {
  return key < KEY_NAMES.length ? KEY_NAMES[key] : 'key' + key;
}

/** 'alpn' -> 1, 'key1' -> 1, 'key65280' -> 65280; -1 when not a key. */
export function svcParamKeyNumber(name: string): number {
  if (typeof name !== 'string') return -1;
  const known = KEY_NAMES.indexOf(name);
  if (known >= 0) return known;
  if (!name.startsWith('key') || name.length < 4 || name.length > 8) return -1;
  let value = 0;
  for (let i = 3; i < name.length; i++) {
    const d = name.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  // leading zeros would give two spellings of one key
  if (name.length > 4 && name.charCodeAt(3) === 48) return -1;
  return value < INVALID_KEY ? value : -1;
}

function decodeValue(r: Reader, key: number, end: number): SvcParam {
  const at = r.pos;
  const length = end - at;
  switch (key) {
    case MANDATORY: {
      if (length === 0 || length % 2 !== 0) throw new WireError('SVCB mandatory: bad length', at);
      const keys: string[] = [];
      let last = -1;
      while (r.pos < end) {
        const k = r.u16();
        if (k <= last || k === MANDATORY)
          throw new WireError('SVCB mandatory: keys not ascending', r.pos - 2);
        last = k;
        keys.push(svcParamKeyName(k));
      }
      return { key: 'mandatory', value: keys };
    }
    case ALPN: {
      if (length === 0) throw new WireError('SVCB alpn: empty', at);
      const ids: string[] = [];
      while (r.pos < end) {
        const id = r.characterString();
        if (id.length === 0) throw new WireError('SVCB alpn: empty protocol id', r.pos - 1);
        ids.push(id);
      }
      return { key: 'alpn', value: ids };
    }
    case NO_DEFAULT_ALPN:
      if (length !== 0) throw new WireError('SVCB no-default-alpn: must be empty', at);
      return { key: 'no-default-alpn' };
    case PORT:
      if (length !== 2) throw new WireError('SVCB port: length must be 2', at);
      return { key: 'port', value: r.u16() };
    case IPV4HINT: {
      if (length === 0 || length % 4 !== 0) throw new WireError('SVCB ipv4hint: bad length', at);
      const addresses: string[] = [];
      for (; r.pos < end; r.pos += 4) addresses.push(formatIPv4(r.buf, r.pos));
      return { key: 'ipv4hint', value: addresses };
    }
    case ECH:
      return { key: 'ech', value: r.bytes(length) };
    case IPV6HINT: {
      if (length === 0 || length % 16 !== 0) throw new WireError('SVCB ipv6hint: bad length', at);
      const addresses: string[] = [];
      for (; r.pos < end; r.pos += 16) addresses.push(formatIPv6(r.buf, r.pos));
      return { key: 'ipv6hint', value: addresses };
    }
    default:
      return { key: svcParamKeyName(key), value: r.bytes(length) };
  }
}

function encodeValue(w: Writer, key: number, param: SvcParam): void {
  const value: unknown = param.value;
  if (value instanceof Uint8Array && key !== ECH) {
    w.bytes(value);
    return;
  }
  switch (key) {
    case MANDATORY: {
      const keys = stringList(value, w, 'mandatory').map((name) => {
        const k = svcParamKeyNumber(name);
        if (k < 0 || k === MANDATORY) throw new WireError(`SVCB mandatory: bad key ${name}`, w.offset);
        return k;
      });
      keys.sort((x, y) => x - y);
      for (let i = 0; i < keys.length; i++) {
        if (i > 0 && keys[i] === keys[i - 1]) throw new WireError('SVCB mandatory: duplicate key', w.offset);
        w.u16(keys[i]);
      }
      if (keys.length === 0) throw new WireError('SVCB mandatory: empty', w.offset);
      return;
    }
    case ALPN: {
      const ids = stringList(value, w, 'alpn');
      if (ids.length === 0) throw new WireError('SVCB alpn: empty', w.offset);
      for (const id of ids) {
        if (id.length === 0) throw new WireError('SVCB alpn: empty protocol id', w.offset);
        w.characterString(id, 'SVCB alpn');
      }
      return;
    }
    case NO_DEFAULT_ALPN:
      if (value !== undefined) throw new WireError('SVCB no-default-alpn takes no value', w.offset);
      return;
    case PORT:
      if (typeof value !== 'number') throw new WireError('SVCB port: expected a number', w.offset);
      w.u16(value);
      return;
    case IPV4HINT:
    case IPV6HINT: {
      const v6 = key === IPV6HINT;
      const addresses = stringList(value, w, param.key);
      if (addresses.length === 0) throw new WireError(`SVCB ${param.key}: empty`, w.offset);
      for (const a of addresses) {
        w.ensure(v6 ? 16 : 4);
        if (!(v6 ? parseIPv6(a, w.buf, w.pos) : parseIPv4(a, w.buf, w.pos))) {
          throw new WireError(`SVCB ${param.key}: bad address ${a}`, w.offset);
        }
        w.pos += v6 ? 16 : 4;
      }
      return;
    }
    case ECH:
      w.bytes(value as Uint8Array);
      return;
    default:
      throw new WireError(`SVCB ${param.key}: value must be a Uint8Array`, w.offset);
  }
}

function stringList(value: unknown, w: Writer, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new WireError(`SVCB ${what}: expected an array of strings`, w.offset);
  }
  return value as string[];
}

function svcbLike(type: string, code: number): RdataCodec<SvcbData> {
  return {
    type,
    code,
    canonicalLower: false,
    decode(r) {
      const priority = r.u16();
      const target = r.name();
      const params: SvcParam[] = [];
      let last = -1;
      while (r.pos < r.limit) {
        const at = r.pos;
        const key = r.u16();
        const length = r.u16();
        if (key <= last) throw new WireError(`${type} SvcParamKeys not strictly ascending`, at);
        if (key === INVALID_KEY) throw new WireError(`${type} SvcParamKey 65535 is invalid`, at);
        last = key;
        r.need(length);
        const end = r.pos + length;
        const outer = r.limit;
        r.limit = end;
        params.push(decodeValue(r, key, end));
        if (r.pos !== end) throw new WireError(`${type} ${svcParamKeyName(key)}: trailing bytes`, r.pos);
        r.limit = outer;
      }
      return { priority, target, params };
    },
    encode(w, d) {
      expectObject(d, type, w);
      w.u16(d.priority);
      w.name(d.target, false);
      if (!Array.isArray(d.params)) throw new WireError(`${type} params must be an array`, w.offset);
      // Keys go out in ascending order whatever order the caller listed them in.
      const keyed = d.params.map((param) => {
        const key = svcParamKeyNumber(param?.key);
        if (key < 0) throw new WireError(`${type}: unknown SvcParamKey ${String(param?.key)}`, w.offset);
        return { key, param };
      });
      keyed.sort((x, y) => x.key - y.key);
      for (let i = 0; i < keyed.length; i++) {
        const { key, param } = keyed[i];
        if (i > 0 && keyed[i - 1].key === key)
          throw new WireError(`${type}: duplicate key ${param.key}`, w.offset);
        w.u16(key);
        const lengthAt = w.pos;
        w.u16(0);
        encodeValue(w, key, param);
        const length = w.pos - lengthAt - 2;
        if (length > 0xffff) throw new WireError(`${type} ${param.key}: value too long`, lengthAt);
        w.patch16(lengthAt, length);
      }
    },
  };
}

export const SVCB = svcbLike('SVCB', 64);
export const HTTPS = svcbLike('HTTPS', 65);
