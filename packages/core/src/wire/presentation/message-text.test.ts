import { describe, expect, it } from 'vitest';
import { Flag } from '../constants.js';
import { createOpt } from '../edns.js';
import type { EdnsOption, Message, ResourceRecord } from '../types.js';
import { messageToText } from './message-text.js';

const SOA: ResourceRecord = {
  name: 'example.',
  type: 'SOA',
  class: 'IN',
  ttl: 3600,
  data: {
    mname: 'ns1.example.',
    rname: 'hostmaster.example.',
    serial: 2024010101,
    refresh: 7200,
    retry: 3600,
    expire: 1209600,
    minimum: 300,
  },
};

function message(init: Partial<Message>): Message {
  return { id: 1, flags: 0, questions: [], answers: [], authorities: [], additionals: [], ...init };
}

describe('messageToText', () => {
  it('prints header, EDNS, question and answer exactly as kdig does', () => {
    const msg = message({
      id: 21039,
      flags: Flag.QR | Flag.AA | Flag.RD,
      questions: [{ name: 'example.', type: 'SOA', class: 'IN' }],
      answers: [SOA],
      additionals: [createOpt({ dnssecOk: true, options: [{ code: 3, type: 'NSID', data: Uint8Array.of(0x76, 0x6d) }] })],
    });
    // captured from kdig 3.2 (tabs written out)
    expect(messageToText(msg)).toBe(
      ';; ->>HEADER<<- opcode: QUERY; status: NOERROR; id: 21039\n' +
        ';; Flags: qr aa rd; QUERY: 1; ANSWER: 1; AUTHORITY: 0; ADDITIONAL: 1\n' +
        '\n;; EDNS PSEUDOSECTION:\n' +
        ';; Version: 0; flags: do; UDP size: 1232 B; ext-rcode: NOERROR\n' +
        ';; NSID: 766D "vm"\n' +
        '\n;; QUESTION SECTION:\n' +
        ';; example.            \t\tIN\tSOA\n' +
        '\n;; ANSWER SECTION:\n' +
        'example.            \t3600\tIN\tSOA\tns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300\n',
    );
  });

  it('prints an empty flag list, the authority section and no EDNS section without OPT', () => {
    const msg = message({
      id: 30745,
      flags: 3,
      questions: [{ name: 'nothere.example.', type: 'A', class: 'IN' }],
      authorities: [{ ...SOA, ttl: 300 }],
    });
    expect(messageToText(msg)).toBe(
      ';; ->>HEADER<<- opcode: QUERY; status: NXDOMAIN; id: 30745\n' +
        ';; Flags: ; QUERY: 1; ANSWER: 0; AUTHORITY: 1; ADDITIONAL: 0\n' +
        '\n;; QUESTION SECTION:\n' +
        ';; nothere.example.    \t\tIN\tA\n' +
        '\n;; AUTHORITY SECTION:\n' +
        'example.            \t300\tIN\tSOA\tns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300\n',
    );
  });

  it('omits the additional section when it holds only the OPT record, and never shows OPT in it', () => {
    const a: ResourceRecord = { name: 'ns1.example.', type: 'A', class: 'IN', ttl: 1, data: '192.0.2.1' };
    const onlyOpt = messageToText(message({ additionals: [createOpt()] }));
    expect(onlyOpt).not.toContain('ADDITIONAL SECTION');
    const withA = messageToText(message({ additionals: [a, createOpt()] }));
    expect(withA).toContain('ADDITIONAL: 2\n');
    expect(withA.endsWith('\n;; ADDITIONAL SECTION:\nns1.example.        \t1\tIN\tA\t192.0.2.1\n')).toBe(true);
    expect(messageToText(message({ additionals: [a] }))).toContain(';; ADDITIONAL SECTION:\nns1.example.');
  });

  it('combines the extended rcode and names it as kdig does', () => {
    const opt = createOpt({ udpPayloadSize: 4096 });
    opt.extendedRcode = 1; // 23 = BADCOOKIE: 1 << 4 | 7
    const text = messageToText(message({ flags: 7, additionals: [opt] }));
    expect(text).toContain('status: BADCOOKIE;');
    expect(text).toContain(';; Version: 0; flags: ; UDP size: 4096 B; ext-rcode: BADCOOKIE\n');
    // with no extended bits kdig shows NOERROR here, whatever the header says
    expect(messageToText(message({ flags: 3, additionals: [createOpt()] }))).toContain('ext-rcode: NOERROR');
    opt.extendedRcode = 0xff;
    expect(messageToText(message({ additionals: [opt] }))).toContain('status: RCODE 4080;');
  });

  it("uses kdig's spellings of rcodes and opcodes", () => {
    expect(messageToText(message({ flags: 4 }))).toContain('status: NOTIMPL;');
    expect(messageToText(message({ flags: 12 }))).toContain('status: RCODE 12;');
    expect(messageToText(message({ flags: 5 << 11 }))).toContain('opcode: UPDATE;');
    expect(messageToText(message({ flags: 7 << 11 }))).toContain('opcode: OPCODE 7;');
    expect(messageToText(message({ flags: 0xffff & ~0xf }))).toContain(';; Flags: qr aa tc rd ra z ad cd;');
  });

  it('prints every EDNS option kdig knows, and raw hex for the rest', () => {
    const options: EdnsOption[] = [
      { code: 3, type: 'NSID', data: Uint8Array.of(0x01, 0x41) },
      { code: 3, type: 'NSID', data: new Uint8Array(0) },
      { code: 8, type: 'CLIENT_SUBNET', family: 1, sourcePrefixLength: 24, scopePrefixLength: 0, ip: '192.0.2.0' },
      { code: 8, type: 'CLIENT_SUBNET', family: 2, sourcePrefixLength: 56, scopePrefixLength: 48, ip: '2001:db8::' },
      { code: 8, data: Uint8Array.of(0, 3, 0, 0) },
      { code: 10, type: 'COOKIE', client: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
      { code: 10, type: 'COOKIE', client: new Uint8Array(8), server: Uint8Array.of(0xaa, 0xbb, 0, 0, 0, 0, 0, 0xff) },
      { code: 11, type: 'TCP_KEEPALIVE', timeout: 100 },
      { code: 11, type: 'TCP_KEEPALIVE' },
      { code: 12, type: 'PADDING', length: 17 },
      { code: 15, type: 'EDE', infoCode: 18, extraText: 'no thanks' },
      { code: 15, type: 'EDE', infoCode: 6, extraText: '' },
      { code: 15, type: 'EDE', infoCode: 1000, extraText: '' },
      { code: 9, data: Uint8Array.of(0, 0x09, 0x3a, 0x81) },
      { code: 9, data: new Uint8Array(0) },
      { code: 9, data: Uint8Array.of(1) },
      { code: 9, data: new Uint8Array(4) },
      { code: 65001, data: Uint8Array.of(0xab, 0xcd) },
    ];
    const opt = createOpt({ options });
    opt.flags = 0x8000 | 0x4000 | 0x0001;
    const text = messageToText(message({ additionals: [opt] }));
    expect(text).toContain(
      '\n;; EDNS PSEUDOSECTION:\n' +
        ';; Version: 0; flags: do bit2 bit16; UDP size: 1232 B; ext-rcode: NOERROR\n' +
        ';; NSID: 0141\n' +
        ';; NSID: \n' +
        ';; CLIENT-SUBNET: 192.0.2.0/24/0\n' +
        ';; CLIENT-SUBNET: 2001:db8::/56/48\n' +
        ';; CLIENT-SUBNET: \n' +
        ';; COOKIE: 0102030405060708\n' +
        ';; COOKIE: 0000000000000000AABB0000000000FF\n' +
        ';; Option (11): 0064\n' +
        ';; Option (11): \n' +
        ';; PADDING: 17 B\n' +
        ";; EDE: 18 (Prohibited): 'no thanks'\n" +
        ';; EDE: 6 (DNSSEC Bogus)\n' +
        ';; EDE: 1000 (Unknown code)\n' +
        ';; EXPIRE: 604801 (1 week 1 second)\n' +
        ';; EXPIRE: (empty)\n' +
        ';; EXPIRE: (malformed)\n' +
        ';; EXPIRE: 0\n' +
        ';; Option (65001): ABCD\n',
    );
  });

  it('shows a TSIG record in its own pseudo-section and a TSIG failure as the status', () => {
    const tsig: ResourceRecord = {
      name: 'key.',
      type: 'TSIG',
      class: 'ANY',
      ttl: 0,
      data: {
        algorithm: 'hmac-sha256.',
        timeSigned: 1700000000,
        fudge: 300,
        mac: new Uint8Array(0),
        originalId: 7,
        error: 16,
        otherData: new Uint8Array(0),
      },
    };
    const text = messageToText(message({ flags: Flag.QR | 9, additionals: [tsig] }));
    expect(text).toContain('status: BADSIG;');
    expect(text).toContain('ADDITIONAL: 1\n');
    expect(text).not.toContain('ADDITIONAL SECTION');
    expect(text.endsWith('\n;; TSIG PSEUDOSECTION:\nkey.                \t0\tANY\tTSIG\thmac-sha256. 1700000000 300 0 7 BADSIG 0\n')).toBe(true);
    // an error-free TSIG leaves the rcode alone
    const ok = { ...tsig, data: { ...(tsig.data as object), error: 0 } } as ResourceRecord;
    expect(messageToText(message({ flags: 9, additionals: [ok] }))).toContain('status: NOTAUTH;');
  });

  it('prints every question', () => {
    const text = messageToText(
      message({
        questions: [
          { name: 'a.', type: 'A', class: 'IN' },
          { name: 'b.', type: 'AAAA', class: 'CH' },
        ],
      }),
    );
    expect(text).toContain('\n;; QUESTION SECTION:\n;; a.                  \t\tIN\tA\n;; b.                  \t\tCH\tAAAA\n');
  });
});
