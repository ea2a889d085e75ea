/**
 * fast-check arbitraries for the wire types, in exactly the form the decoder produces
 * (normalised names, RFC 5952 addresses, sorted type lists and SvcParams, CAA's
 * issuerCritical matching its flags), so decode(encode(x)) must deep-equal x. Shared with
 * the presentation-format tests for text round trips.
 */
import fc from 'fast-check';
import { typeToString } from '../constants.js';
import { formatIPv4, formatIPv6 } from '../ip.js';
import { LABEL_BYTE_TEXT, nameWireLength } from '../name.js';
import { codecsByCode } from '../rdata/index.js';
import { svcParamKeyName } from '../rdata/svcb.js';
import type {
  CaaData,
  DnskeyData,
  DsData,
  EdnsOption,
  HinfoData,
  Message,
  MxData,
  NaptrData,
  Nsec3Data,
  Nsec3ParamData,
  NsecData,
  OptRecord,
  Question,
  ResourceRecord,
  RrsigData,
  SoaData,
  SrvData,
  SshfpData,
  SvcbData,
  SvcParam,
  TlsaData,
  TsigData,
  UnknownRecord,
} from '../types.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (maxLength = 40, minLength = 0) => fc.uint8Array({ minLength, maxLength });

function labelText(label: Uint8Array): string {
  let s = '';
  for (const b of label) s += LABEL_BYTE_TEXT[b];
  return s;
}

const LDH = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';

/** Wire bytes of one label: mostly host-name-like, sometimes any octets, sometimes maximal. */
const arbLabelBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(fc.constantFrom(...LDH), { minLength: 1, maxLength: 20 })
      .map((chars) => Uint8Array.from(chars, (c) => c.charCodeAt(0))),
  },
  { weight: 2, arbitrary: bytes(63, 1) },
  { weight: 1, arbitrary: bytes(63, 63) },
);

/** An absolute name in normalised presentation form, at most 255 wire octets. */
export const arbName: fc.Arbitrary<string> = fc.array(arbLabelBytes, { maxLength: 7 }).map((labels) => {
  const kept: Uint8Array[] = [];
  let length = 1;
  for (const l of labels) {
    if (length + l.length + 1 > 255) break;
    kept.push(l);
    length += l.length + 1;
  }
  return kept.length === 0 ? '.' : kept.map(labelText).join('.') + '.';
});

/** A string holding one character per octet, as character-string fields decode to. */
export const arbLatin1 = (maxLength = 40, minLength = 0): fc.Arbitrary<string> =>
  fc.string({ unit: u8.map((c) => String.fromCharCode(c)), minLength, maxLength });

export const arbIPv4: fc.Arbitrary<string> = bytes(4, 4).map((b) => formatIPv4(b, 0));
export const arbIPv6: fc.Arbitrary<string> = fc
  .oneof(
    bytes(16, 16),
    // runs of zeros and the IPv4-mapped form exercise the '::' rules
    fc.tuple(fc.nat(15), fc.nat(16), bytes(16, 16)).map(([at, n, b]) => {
      b.fill(0, at, Math.min(16, at + n));
      return b;
    }),
    bytes(4, 4).map((v4) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4])),
  )
  .map((b) => formatIPv6(b, 0));

/** Type mnemonics as type lists show them, sorted by number without duplicates. */
const arbTypeList: fc.Arbitrary<string[]> = fc
  .uniqueArray(fc.oneof(fc.integer({ min: 1, max: 300 }), u16), { maxLength: 12 })
  .map((codes) => codes.sort((a, b) => a - b).map(typeToString));

export const arbSoa: fc.Arbitrary<SoaData> = fc.record({
  mname: arbName,
  rname: arbName,
  serial: u32,
  refresh: u32,
  retry: u32,
  expire: u32,
  minimum: u32,
});
export const arbMx: fc.Arbitrary<MxData> = fc.record({ preference: u16, exchange: arbName });
export const arbTxt: fc.Arbitrary<Uint8Array[]> = fc.array(bytes(255), { maxLength: 4 });
export const arbSrv: fc.Arbitrary<SrvData> = fc.record({
  priority: u16,
  weight: u16,
  port: u16,
  target: arbName,
});
export const arbNaptr: fc.Arbitrary<NaptrData> = fc.record({
  order: u16,
  preference: u16,
  flags: arbLatin1(3),
  services: arbLatin1(20),
  regexp: arbLatin1(60),
  replacement: arbName,
});
export const arbCaa: fc.Arbitrary<CaaData> = fc
  .record({ flags: u8, tag: arbLatin1(15, 1), value: bytes(60) })
  .map((d) => ({ ...d, issuerCritical: (d.flags & 0x80) !== 0 }));
export const arbHinfo: fc.Arbitrary<HinfoData> = fc.record({ cpu: arbLatin1(20), os: arbLatin1(20) });
export const arbSshfp: fc.Arbitrary<SshfpData> = fc.record({
  algorithm: u8,
  hash: u8,
  fingerprint: bytes(32),
});
export const arbTlsa: fc.Arbitrary<TlsaData> = fc.record({
  usage: u8,
  selector: u8,
  matchingType: u8,
  certificate: bytes(64),
});
export const arbDs: fc.Arbitrary<DsData> = fc.record({
  keyTag: u16,
  algorithm: u8,
  digestType: u8,
  digest: bytes(48),
});
export const arbDnskey: fc.Arbitrary<DnskeyData> = fc.record({
  flags: u16,
  protocol: u8,
  algorithm: u8,
  key: bytes(64),
});
export const arbRrsig: fc.Arbitrary<RrsigData> = fc.record({
  typeCovered: u16.map(typeToString),
  algorithm: u8,
  labels: u8,
  originalTTL: u32,
  expiration: u32,
  inception: u32,
  keyTag: u16,
  signersName: arbName,
  signature: bytes(64),
});
export const arbNsec: fc.Arbitrary<NsecData> = fc.record({ nextDomain: arbName, rrtypes: arbTypeList });
export const arbNsec3: fc.Arbitrary<Nsec3Data> = fc.record({
  algorithm: u8,
  flags: u8,
  iterations: u16,
  salt: bytes(16),
  nextDomain: bytes(32, 1),
  rrtypes: arbTypeList,
});
export const arbNsec3Param: fc.Arbitrary<Nsec3ParamData> = fc.record({
  algorithm: u8,
  flags: u8,
  iterations: u16,
  salt: bytes(16),
});

const arbSvcParamOfKey = (key: number): fc.Arbitrary<SvcParam> => {
  switch (key) {
    case 0:
      return fc
        .uniqueArray(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 4 })
        .map((keys) => ({ key: 'mandatory', value: keys.sort((a, b) => a - b).map(svcParamKeyName) }));
    case 1:
      return fc
        .array(arbLatin1(10, 1), { minLength: 1, maxLength: 3 })
        .map((value) => ({ key: 'alpn', value }));
    case 2:
      return fc.constant({ key: 'no-default-alpn' });
    case 3:
      return u16.map((value) => ({ key: 'port', value }));
    case 4:
      return fc.array(arbIPv4, { minLength: 1, maxLength: 3 }).map((value) => ({ key: 'ipv4hint', value }));
    case 5:
      return bytes(40).map((value) => ({ key: 'ech', value }));
    case 6:
      return fc.array(arbIPv6, { minLength: 1, maxLength: 3 }).map((value) => ({ key: 'ipv6hint', value }));
    default:
      return bytes(20).map((value) => ({ key: svcParamKeyName(key), value }));
  }
};

export const arbSvcb: fc.Arbitrary<SvcbData> = fc
  .record({
    priority: u16,
    target: arbName,
    keys: fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 65534 })), {
      maxLength: 6,
    }),
  })
  .chain(({ priority, target, keys }) =>
    fc
      .tuple(...keys.sort((a, b) => a - b).map(arbSvcParamOfKey))
      .map((params) => ({ priority, target, params })),
  );

export const arbTsig: fc.Arbitrary<TsigData> = fc.record({
  algorithm: arbName,
  timeSigned: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  fudge: u16,
  mac: bytes(64),
  originalId: u16,
  error: u16,
  otherData: bytes(8),
});

/** Rdata arbitraries of every typed type, keyed by type mnemonic. */
export const arbRdataOf = {
  A: arbIPv4,
  AAAA: arbIPv6,
  NS: arbName,
  CNAME: arbName,
  DNAME: arbName,
  PTR: arbName,
  SOA: arbSoa,
  MX: arbMx,
  TXT: arbTxt,
  SPF: arbTxt,
  SRV: arbSrv,
  NAPTR: arbNaptr,
  CAA: arbCaa,
  HINFO: arbHinfo,
  SSHFP: arbSshfp,
  TLSA: arbTlsa,
  DS: arbDs,
  CDS: arbDs,
  DNSKEY: arbDnskey,
  CDNSKEY: arbDnskey,
  RRSIG: arbRrsig,
  NSEC: arbNsec,
  NSEC3: arbNsec3,
  NSEC3PARAM: arbNsec3Param,
  SVCB: arbSvcb,
  HTTPS: arbSvcb,
  TSIG: arbTsig,
} as const satisfies Record<string, fc.Arbitrary<unknown>>;

export type TypedTypeName = keyof typeof arbRdataOf;
export const TYPED_TYPE_NAMES = Object.keys(arbRdataOf) as TypedTypeName[];

/**
 * Classes a typed record may have. NONE and ANY are left to opaque records, because typed
 * records with empty rdata in those classes decode as opaque (RFC 2136 update semantics).
 */
export const arbClass: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('IN') },
  { weight: 1, arbitrary: fc.constantFrom('CH', 'HS') },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 253 }).map((n) => 'CLASS' + n) },
);

/** A record of one typed type. */
export function arbRecordOf(type: TypedTypeName): fc.Arbitrary<ResourceRecord> {
  const data: fc.Arbitrary<unknown> = arbRdataOf[type];
  return fc
    .record({ name: arbName, class: arbClass, ttl: u32, data })
    .map(({ name, class: cls, ttl, data }) => ({ name, type, class: cls, ttl, data }) as ResourceRecord);
}

/** A record of a type without typed rdata here (RFC 3597 opaque), any class. */
export const arbUnknownRecord: fc.Arbitrary<UnknownRecord> = fc.record({
  name: arbName,
  type: u16
    .filter((n) => n !== 41 && codecsByCode[n] === undefined)
    .map((n) => `TYPE${n}` as `TYPE${number}`),
  class: fc.oneof(arbClass, fc.constantFrom('NONE', 'ANY')),
  ttl: u32,
  data: bytes(60),
});

const arbClientSubnet: fc.Arbitrary<EdnsOption> = fc
  .tuple(fc.constantFrom(1, 2), bytes(16, 16), fc.nat(128), fc.nat(128))
  .map(([family, address, source, scope]) => {
    const bits = family === 1 ? 32 : 128;
    const sourcePrefixLength = source % (bits + 1);
    // the decoder pads the truncated address with zeros, so generate it that way
    for (let bit = sourcePrefixLength; bit < 128; bit++) address[bit >> 3] &= ~(0x80 >> (bit & 7));
    return {
      code: 8,
      type: 'CLIENT_SUBNET',
      family,
      sourcePrefixLength,
      scopePrefixLength: scope % (bits + 1),
      ip: family === 1 ? formatIPv4(address, 0) : formatIPv6(address, 0),
    } as EdnsOption;
  });

const TYPED_OPTION_CODES = new Set([3, 8, 10, 11, 12, 15]);

export const arbEdnsOption: fc.Arbitrary<EdnsOption> = fc.oneof(
  bytes(20).map((data) => ({ code: 3, type: 'NSID', data }) as EdnsOption),
  arbClientSubnet,
  fc
    .tuple(bytes(8, 8), fc.option(bytes(32, 8), { nil: undefined }))
    .map(([client, server]) =>
      server === undefined
        ? ({ code: 10, type: 'COOKIE', client } as EdnsOption)
        : ({ code: 10, type: 'COOKIE', client, server } as EdnsOption),
    ),
  fc
    .option(u16, { nil: undefined })
    .map((timeout) =>
      timeout === undefined
        ? ({ code: 11, type: 'TCP_KEEPALIVE' } as EdnsOption)
        : ({ code: 11, type: 'TCP_KEEPALIVE', timeout } as EdnsOption),
    ),
  fc.nat(64).map((length) => ({ code: 12, type: 'PADDING', length }) as EdnsOption),
  fc
    .record({ infoCode: u16, extraText: fc.string({ unit: 'grapheme', maxLength: 10 }) })
    .map(({ infoCode, extraText }) => ({ code: 15, type: 'EDE', infoCode, extraText }) as EdnsOption),
  fc
    .record({ code: u16.filter((c) => !TYPED_OPTION_CODES.has(c)), data: bytes(20) })
    .map((o) => o as EdnsOption),
);

export const arbOpt: fc.Arbitrary<OptRecord> = fc.record({
  name: fc.constant('.' as const),
  type: fc.constant('OPT' as const),
  udpPayloadSize: u16,
  extendedRcode: u8,
  ednsVersion: u8,
  flags: u16,
  options: fc.array(arbEdnsOption, { maxLength: 4 }),
});

/** Any record: typed of every type, opaque, never OPT (messages place OPT themselves). */
export const arbRecord: fc.Arbitrary<ResourceRecord> = fc.oneof(
  ...TYPED_TYPE_NAMES.map((t) => arbRecordOf(t)),
  arbUnknownRecord,
);

export const arbQuestion: fc.Arbitrary<Question> = fc.record({
  name: arbName,
  type: u16.map(typeToString),
  class: fc.oneof(arbClass, fc.constantFrom('NONE', 'ANY')),
});

/**
 * Owner names drawn from a few shared suffixes, so that messages exercise compression
 * (whole-name and partial pointers), with unrelated names mixed in.
 */
function arbOwners(count: number): fc.Arbitrary<string[]> {
  return fc.array(arbName, { minLength: 1, maxLength: 3 }).chain((pool) =>
    fc.array(
      fc.oneof(
        fc.constantFrom(...pool),
        fc.tuple(arbLabelBytes, fc.constantFrom(...pool)).map(([label, suffix]) => {
          const name = suffix === '.' ? labelText(label) + '.' : labelText(label) + '.' + suffix;
          return nameWireLength(name) <= 255 ? name : suffix;
        }),
        arbName,
      ),
      { minLength: count, maxLength: count },
    ),
  );
}

const MAX_OWNERS = 2 + 4 + 3 + 3;

export const arbMessage: fc.Arbitrary<Message> = fc
  .record({
    id: u16,
    flags: u16,
    questions: fc.array(arbQuestion, { maxLength: 2 }),
    answers: fc.array(arbRecord, { maxLength: 4 }),
    authorities: fc.array(arbRecord, { maxLength: 3 }),
    additionals: fc.array(arbRecord, { maxLength: 3 }),
    opt: fc.option(arbOpt, { nil: undefined }),
    owners: arbOwners(MAX_OWNERS),
  })
  .map(({ opt, owners, questions, answers, authorities, additionals, ...rest }) => {
    let next = 0;
    const rename = <T extends { name: string }>(x: T): T => ({ ...x, name: owners[next++] });
    return {
      ...rest,
      questions: questions.map(rename),
      answers: answers.map(rename),
      authorities: authorities.map(rename),
      additionals: opt === undefined ? additionals.map(rename) : [...additionals.map(rename), opt],
    };
  });
