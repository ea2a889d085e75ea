/**
 * The SkyDNS message stored as each key's value (CoreDNS's msg.Service), decoded and checked
 * once when it arrives from etcd, with everything a query needs precomputed: what the host
 * is (an IPv4 or IPv6 address, or a name), the address in its normal form, the targets
 * after `targetstrip`, the TXT strings.
 *
 * Decoding follows Go's encoding/json as CoreDNS uses it: field names match without regard
 * to letter case, unknown fields are ignored, a null leaves a field unset, and a value of
 * the wrong JSON type makes the whole message invalid. Numbers must also fit the DNS field
 * they end up in (CoreDNS would silently truncate them).
 */
import { NameError, parseIPv4, parseIPv6, parseName, formatIPv4, formatIPv6 } from '@tsdns/core';
import { domainOfKey } from './path.js';

/** Priority given to a service that sets none (CoreDNS's defaultPriority). */
export const DEFAULT_PRIORITY = 10;

/** What the host field holds, as CoreDNS's HostType classifies it. */
export type HostType = 'A' | 'AAAA' | 'CNAME' | 'TXT';

/** One decoded SkyDNS message and where it lives. */
export interface Service {
  /** The etcd key (latin1: one char per byte). */
  readonly key: string;
  /** Number of '/' in the key: its depth, for `group`. */
  readonly depth: number;
  readonly host: string;
  readonly hostType: HostType;
  /** A/AAAA hosts: the address in normal text form; '' otherwise. */
  readonly address: string;
  /**
   * Name hosts: the host as an absolute name (CNAME/PTR target); undefined when the host is
   * empty or not a valid name (`targetError` says why).
   */
  readonly target: string | undefined;
  /** `target` after `targetstrip` (SRV, MX and NS targets). */
  readonly strippedTarget: string | undefined;
  /** The name the key stands for, then stripped: the SRV/MX/NS target of an address host. */
  readonly keyDomain: string | undefined;
  readonly strippedKeyDomain: string | undefined;
  readonly targetError: string | undefined;
  /** -1 means "no port": no SRV record (the kubernetes plugin's convention). */
  readonly port: number;
  /** The priority, DEFAULT_PRIORITY when unset. */
  readonly priority: number;
  /** 0 means unset (counts as 100 when weights are shared). */
  readonly weight: number;
  readonly text: string;
  /** `text` as TXT character-strings of at most 255 bytes. */
  readonly txt: readonly Uint8Array[];
  readonly mail: boolean;
  /** 0 means unset. */
  readonly ttl: number;
  readonly targetStrip: number;
  readonly group: string;
  /** The etcd lease the key is attached to, '0' for none (decimal text: lease IDs are 64-bit). */
  readonly lease: string;
}

/** A value that is not a valid SkyDNS message. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
}

type FieldKind = 'string' | 'int' | 'uint32' | 'bool';
interface RawService {
  host: string;
  port: number;
  priority: number;
  weight: number;
  text: string;
  mail: boolean;
  ttl: number;
  targetstrip: number;
  group: string;
}
const FIELDS: ReadonlyMap<string, FieldKind> = new Map<keyof RawService, FieldKind>([
  ['host', 'string'],
  ['port', 'int'],
  ['priority', 'int'],
  ['weight', 'int'],
  ['text', 'string'],
  ['mail', 'bool'],
  ['ttl', 'uint32'],
  ['targetstrip', 'int'],
  ['group', 'string'],
]);

const UINT32_MAX = 0xffffffff;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });
const scratch = new Uint8Array(16);

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Reads the JSON object into typed fields the way Go's json.Unmarshal fills msg.Service. */
function readFields(json: unknown): RawService {
  const raw: RawService = {
    host: '',
    port: 0,
    priority: 0,
    weight: 0,
    text: '',
    mail: false,
    ttl: 0,
    targetstrip: 0,
    group: '',
  };
  // Go unmarshals a JSON null into a struct as "no change": an empty service.
  if (json === null) return raw;
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw new ServiceError(`cannot unmarshal ${jsonType(json)} into a SkyDNS message`);
  }
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const field = name.toLowerCase() as keyof RawService;
    const kind = FIELDS.get(field);
    if (kind === undefined || value === null) continue;
    switch (kind) {
      case 'string':
        if (typeof value !== 'string')
          throw new ServiceError(`${field}: want a string, got ${jsonType(value)}`);
        (raw[field] as string) = value;
        break;
      case 'bool':
        if (typeof value !== 'boolean')
          throw new ServiceError(`${field}: want true or false, got ${jsonType(value)}`);
        raw.mail = value;
        break;
      case 'int':
      case 'uint32':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
          throw new ServiceError(`${field}: want an integer, got ${JSON.stringify(value)}`);
        }
        if (kind === 'uint32' && (value < 0 || value > UINT32_MAX)) {
          throw new ServiceError(`${field}: ${value} is outside 0..${UINT32_MAX}`);
        }
        (raw[field] as number) = value;
        break;
    }
  }
  return raw;
}

function checkRange(field: string, value: number, min: number, max: number): void {
  if (value < min || value > max) throw new ServiceError(`${field}: ${value} is outside ${min}..${max}`);
}

/** The address in its normal text form and its type, or undefined when `host` is no address. */
function classifyAddress(host: string): { type: 'A' | 'AAAA'; address: string } | undefined {
  if (parseIPv4(host, scratch, 0)) return { type: 'A', address: formatIPv4(scratch, 0) };
  if (!parseIPv6(host, scratch, 0)) return undefined;
  // Go's To4(): an IPv4-mapped IPv6 address is an IPv4 address.
  let mapped = scratch[10] === 0xff && scratch[11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) mapped = scratch[i] === 0;
  return mapped
    ? { type: 'A', address: formatIPv4(scratch, 12) }
    : { type: 'AAAA', address: formatIPv6(scratch, 0) };
}

/** Removes the first `count` labels of an absolute name; the name itself when it has too few. */
export function stripLabels(name: string, count: number): string {
  if (count <= 0) return name;
  let i = 0;
  for (let n = 0; n < count; n++) {
    // Find the end of this label, skipping escapes.
    while (i < name.length && name.charCodeAt(i) !== 0x2e) i += name.charCodeAt(i) === 0x5c ? 2 : 1;
    i++;
    if (i >= name.length) return name; // overshot: CoreDNS keeps the original name
  }
  return name.slice(i);
}

/** Splits text into TXT character-strings of at most 255 bytes each. */
function txtStrings(text: string): Uint8Array[] {
  const bytes = textEncoder.encode(text);
  if (bytes.length <= 255) return [bytes];
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, Math.min(i + 255, bytes.length)));
  return out;
}

function countSlashes(key: string): number {
  let n = 0;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 0x2f) n++;
  return n;
}

/**
 * Decodes the value stored at `key` (under `prefix`, the normalised configured path).
 * Throws ServiceError for a value that is not a valid SkyDNS message.
 */
export function parseService(key: string, value: Uint8Array, prefix: string, lease = '0'): Service {
  let json: unknown;
  try {
    json = JSON.parse(textDecoder.decode(value));
  } catch (e) {
    throw new ServiceError(`not JSON: ${(e as Error).message}`);
  }
  const raw = readFields(json);
  if (raw.port !== -1) checkRange('port', raw.port, 0, 0xffff);
  checkRange('priority', raw.priority, 0, 0xffff);
  checkRange('weight', raw.weight, 0, 0xffff);

  let hostType: HostType;
  let address = '';
  let target: string | undefined;
  let targetError: string | undefined;
  const ip = classifyAddress(raw.host);
  if (ip !== undefined) {
    hostType = ip.type;
    address = ip.address;
  } else {
    hostType = raw.text === '' ? 'CNAME' : 'TXT';
    if (raw.host === '') targetError = 'the host is empty';
    else {
      try {
        target = parseName(raw.host);
      } catch (e) {
        if (!(e instanceof NameError)) throw e;
        targetError = `host ${JSON.stringify(raw.host)} is neither an address nor a domain name: ${e.message}`;
      }
    }
  }
  const keyDomain = domainOfKey(key, prefix);
  return {
    key,
    depth: countSlashes(key),
    host: raw.host,
    hostType,
    address,
    target,
    strippedTarget: target === undefined ? undefined : stripLabels(target, raw.targetstrip),
    keyDomain,
    strippedKeyDomain: keyDomain === undefined ? undefined : stripLabels(keyDomain, raw.targetstrip),
    targetError,
    port: raw.port,
    priority: raw.priority === 0 ? DEFAULT_PRIORITY : raw.priority,
    weight: raw.weight,
    text: raw.text,
    txt: raw.text === '' ? [] : txtStrings(raw.text),
    mail: raw.mail,
    ttl: raw.ttl,
    targetStrip: raw.targetstrip,
    group: raw.group,
    lease,
  };
}
