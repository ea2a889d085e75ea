import { EDNS_DO, EdnsCode } from './constants.js';
import { WireError } from './errors.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';
import type { Reader } from './reader.js';
import type { EdnsOption, Message, OptRecord } from './types.js';
import type { Writer } from './writer.js';

/**
 * EDNS(0) (RFC 6891): the OPT pseudo-record and the option codecs. Malformed known options
 * (a cookie of the wrong size, a client subnet with bits past its prefix) are WireErrors:
 * their RFCs say to answer FORMERR.
 */

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** The OPT record of a message, if it has one (the first, if it has several). */
export function getOpt(msg: Message): OptRecord | undefined {
  const additionals = msg.additionals;
  for (let i = 0; i < additionals.length; i++) {
    const rr = additionals[i];
    if (rr.type === 'OPT') return rr as OptRecord;
  }
  return undefined;
}

export interface OptInit {
  /** default 1232, the DNS flag day 2020 recommendation */
  udpPayloadSize?: number;
  dnssecOk?: boolean;
  options?: EdnsOption[];
  extendedRcode?: number;
  ednsVersion?: number;
}

export function createOpt(init: OptInit = {}): OptRecord {
  return {
    name: '.',
    type: 'OPT',
    udpPayloadSize: init.udpPayloadSize ?? 1232,
    extendedRcode: init.extendedRcode ?? 0,
    ednsVersion: init.ednsVersion ?? 0,
    flags: init.dnssecOk ? EDNS_DO : 0,
    options: init.options ?? [],
  };
}

/** The DO bit of the message's OPT record (false without OPT). */
export function isDnssecOk(msg: Message): boolean {
  const opt = getOpt(msg);
  return opt !== undefined && (opt.flags & EDNS_DO) !== 0;
}

export function setDnssecOk(opt: OptRecord, on: boolean): void {
  opt.flags = on ? opt.flags | EDNS_DO : opt.flags & ~EDNS_DO & 0xffff;
}

/** The first option with this code, if any. */
export function findOption<C extends number>(
  opt: OptRecord,
  code: C,
): Extract<EdnsOption, { code: C }> | undefined {
  for (const o of opt.options) if (o.code === code) return o as Extract<EdnsOption, { code: C }>;
  return undefined;
}

const OPT_TYPE = 41;
const CODE_OF_TYPE: ReadonlyMap<string, number> = new Map(Object.entries(EdnsCode));
const FAMILY_IPV4 = 1;
const FAMILY_IPV6 = 2;
const COOKIE_CLIENT_LENGTH = 8;

function decodeClientSubnet(r: Reader, length: number): EdnsOption {
  const at = r.pos;
  if (length < 4) throw new WireError('CLIENT_SUBNET option too short', at);
  const b = r.buf;
  const family = (b[at] << 8) | b[at + 1];
  if (family !== FAMILY_IPV4 && family !== FAMILY_IPV6) {
    return { code: EdnsCode.CLIENT_SUBNET, data: r.bytes(length) };
  }
  const sourcePrefixLength = b[at + 2];
  const scopePrefixLength = b[at + 3];
  const size = family === FAMILY_IPV4 ? 4 : 16;
  if (sourcePrefixLength > size * 8 || scopePrefixLength > size * 8) {
    throw new WireError('CLIENT_SUBNET prefix length too long for the family', at + 2);
  }
  const addressLength = length - 4;
  // RFC 7871 6: exactly the octets the source prefix needs, with no bits set beyond it.
  if (addressLength !== (sourcePrefixLength + 7) >> 3) {
    throw new WireError('CLIENT_SUBNET address length does not match the source prefix', at + 4);
  }
  const address = new Uint8Array(size);
  address.set(b.subarray(at + 4, at + 4 + addressLength));
  if (addressLength > 0 && sourcePrefixLength % 8 !== 0) {
    const mask = 0xff >> sourcePrefixLength % 8;
    if (address[addressLength - 1] & mask) {
      throw new WireError(
        'CLIENT_SUBNET address has bits set beyond the source prefix',
        at + 3 + addressLength,
      );
    }
  }
  r.pos = at + length;
  return {
    code: EdnsCode.CLIENT_SUBNET,
    type: 'CLIENT_SUBNET',
    family,
    sourcePrefixLength,
    scopePrefixLength,
    ip: family === FAMILY_IPV4 ? formatIPv4(address, 0) : formatIPv6(address, 0),
  };
}

/** Decodes the option list (the OPT rdata) up to the reader's limit. */
export function decodeEdnsOptions(r: Reader): EdnsOption[] {
  const options: EdnsOption[] = [];
  while (r.pos < r.limit) {
    const code = r.u16();
    const length = r.u16();
    const at = r.pos;
    r.need(length);
    switch (code) {
      case EdnsCode.NSID:
        options.push({ code, type: 'NSID', data: r.bytes(length) });
        break;
      case EdnsCode.CLIENT_SUBNET:
        options.push(decodeClientSubnet(r, length));
        break;
      case EdnsCode.COOKIE: {
        // RFC 7873 4: an 8-octet client cookie, optionally an 8-32 octet server cookie.
        if (length !== COOKIE_CLIENT_LENGTH && (length < 16 || length > 40)) {
          throw new WireError(`COOKIE option of bad length ${length}`, at);
        }
        const client = r.bytes(COOKIE_CLIENT_LENGTH);
        options.push(
          length === COOKIE_CLIENT_LENGTH
            ? { code, type: 'COOKIE', client }
            : { code, type: 'COOKIE', client, server: r.bytes(length - COOKIE_CLIENT_LENGTH) },
        );
        break;
      }
      case EdnsCode.TCP_KEEPALIVE:
        // RFC 7828 3.1: empty in queries, a 16-bit timeout in units of 100 ms in responses.
        if (length === 0) options.push({ code, type: 'TCP_KEEPALIVE' });
        else if (length === 2) options.push({ code, type: 'TCP_KEEPALIVE', timeout: r.u16() });
        else throw new WireError(`TCP_KEEPALIVE option of bad length ${length}`, at);
        break;
      case EdnsCode.PADDING:
        // RFC 7830 4: receivers ignore the padding's content.
        r.pos += length;
        options.push({ code, type: 'PADDING', length });
        break;
      case EdnsCode.EDE: {
        if (length < 2) throw new WireError('EDE option too short', at);
        const infoCode = r.u16();
        const text = r.buf.subarray(r.pos, at + length);
        r.pos = at + length;
        options.push({ code, type: 'EDE', infoCode, extraText: utf8Decoder.decode(text) });
        break;
      }
      default:
        options.push({ code, data: r.bytes(length) });
    }
  }
  return options;
}

function encodeClientSubnet(w: Writer, o: Extract<EdnsOption, { type: 'CLIENT_SUBNET' }>): void {
  const size = o.family === FAMILY_IPV4 ? 4 : o.family === FAMILY_IPV6 ? 16 : 0;
  if (size === 0) throw new WireError(`CLIENT_SUBNET family ${o.family} needs raw data`, w.offset);
  const address = new Uint8Array(16);
  const ok = size === 4 ? parseIPv4(o.ip, address, 0) : parseIPv6(o.ip, address, 0);
  if (!ok) throw new WireError(`CLIENT_SUBNET: bad address ${o.ip}`, w.offset);
  const source = o.sourcePrefixLength;
  if (!(source >= 0 && source <= size * 8)) throw new WireError('CLIENT_SUBNET: bad source prefix', w.offset);
  if (!(o.scopePrefixLength >= 0 && o.scopePrefixLength <= size * 8)) {
    throw new WireError('CLIENT_SUBNET: bad scope prefix', w.offset);
  }
  const octets = (source + 7) >> 3;
  if (source % 8 !== 0) address[octets - 1] &= (0xff << (8 - (source % 8))) & 0xff;
  w.u16(o.family);
  w.u8(source);
  w.u8(o.scopePrefixLength);
  w.bytes(address.subarray(0, octets));
}

function encodeOption(w: Writer, o: EdnsOption): void {
  switch (o.type) {
    case 'NSID':
      w.bytes(o.data);
      return;
    case 'CLIENT_SUBNET':
      encodeClientSubnet(w, o);
      return;
    case 'COOKIE':
      if (!(o.client instanceof Uint8Array) || o.client.length !== COOKIE_CLIENT_LENGTH) {
        throw new WireError('COOKIE client cookie must be 8 octets', w.offset);
      }
      w.bytes(o.client);
      if (o.server !== undefined) {
        if (!(o.server instanceof Uint8Array) || o.server.length < 8 || o.server.length > 32) {
          throw new WireError('COOKIE server cookie must be 8 to 32 octets', w.offset);
        }
        w.bytes(o.server);
      }
      return;
    case 'TCP_KEEPALIVE':
      if (o.timeout !== undefined) w.u16(o.timeout);
      return;
    case 'PADDING':
      if (!(o.length >= 0 && o.length <= 0xffff)) throw new WireError('PADDING: bad length', w.offset);
      w.ensure(o.length);
      w.buf.fill(0, w.pos, w.pos + o.length);
      w.pos += o.length;
      return;
    case 'EDE':
      w.u16(o.infoCode);
      w.bytes(utf8Encoder.encode(o.extraText ?? ''));
      return;
    case undefined:
      w.bytes(o.data);
      return;
    default:
      throw new WireError(`unknown EDNS option type ${String((o as { type: unknown }).type)}`, w.offset);
  }
}

/** Writes the option list as OPT rdata (the caller writes RDLENGTH around it). */
export function encodeEdnsOptions(w: Writer, options: readonly EdnsOption[]): void {
  if (!Array.isArray(options)) throw new WireError('OPT options must be an array', w.offset);
  for (const o of options) {
    if (typeof o !== 'object' || o === null) throw new WireError('EDNS option must be an object', w.offset);
    // A typed option's code follows from its type, so the two cannot disagree on the wire.
    w.u16(o.type === undefined ? o.code : (CODE_OF_TYPE.get(o.type) ?? -1));
    const lengthAt = w.pos;
    w.u16(0);
    encodeOption(w, o);
    w.patch16(lengthAt, w.pos - lengthAt - 2);
  }
}

/**
 * Writes a whole OPT record. Its owner is the root, so its bytes never depend on where they
 * sit in a message (the encoder relies on that when it truncates).
 */
export function encodeOptRecord(w: Writer, opt: OptRecord): void {
  if (opt.name !== '.' && opt.name !== undefined) throw new WireError('OPT owner must be the root', w.offset);
  w.u8(0);
  w.u16(OPT_TYPE);
  w.u16(opt.udpPayloadSize);
  // The TTL field: extended rcode, version, flags (RFC 6891 6.1.3).
  w.u8(opt.extendedRcode);
  w.u8(opt.ednsVersion);
  w.u16(opt.flags);
  const lengthAt = w.pos;
  w.u16(0);
  encodeEdnsOptions(w, opt.options);
  w.patch16(lengthAt, w.pos - lengthAt - 2);
}

/** Reads an OPT record after its owner name and type; `r.limit` must not yet be narrowed. */
export function decodeOptRecord(r: Reader, name: string, at: number): OptRecord {
  if (name !== '.') throw new WireError('OPT owner must be the root', at);
  const udpPayloadSize = r.u16();
  const extendedRcode = r.u8();
  const ednsVersion = r.u8();
  const flags = r.u16();
  const length = r.u16();
  r.need(length);
  const outer = r.limit;
  r.limit = r.pos + length;
  r.inRdata = true;
  const options = decodeEdnsOptions(r);
  r.inRdata = false;
  r.limit = outer;
  return { name: '.', type: 'OPT', udpPayloadSize, extendedRcode, ednsVersion, flags, options };
}
