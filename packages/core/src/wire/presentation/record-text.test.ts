import { describe, expect, it } from 'vitest';
import { createOpt } from '../edns.js';
import type { ResourceRecord } from '../types.js';
import { questionToText, recordToText } from './record-text.js';
import { PresentationError } from './token.js';

describe('recordToText', () => {
  it('pads the owner to 20 columns and separates fields with tabs, as kdig does', () => {
    const rr: ResourceRecord = { name: 'example.', type: 'A', class: 'IN', ttl: 3600, data: '192.0.2.1' };
    expect(recordToText(rr)).toBe('example.            \t3600\tIN\tA\t192.0.2.1');
  });

  it('uses a space after owners of 32 characters or more', () => {
    const name = 'a'.repeat(23) + '.example.';
    expect(name.length).toBe(32);
    const rr: ResourceRecord = { name, type: 'NS', class: 'CH', ttl: 0, data: 'ns.' };
    expect(recordToText(rr)).toBe(`${name} 0\tCH\tNS\tns.`);
    expect(recordToText({ ...rr, name: name.slice(1) })).toBe(`${name.slice(1)}\t0\tCH\tNS\tns.`);
  });

  it('names types without typed rdata by mnemonic where one exists', () => {
    const loc: ResourceRecord = { name: 'x.', type: 'TYPE29', class: 'IN', ttl: 1, data: Uint8Array.of(0xab) };
    expect(recordToText(loc)).toBe('x.                  \t1\tIN\tLOC\t\\# 1 AB');
    expect(recordToText({ ...loc, type: 'TYPE65280', class: 'CLASS42' })).toBe(
      'x.                  \t1\tCLASS42\tTYPE65280\t\\# 1 AB',
    );
    expect(() => recordToText({ ...loc, type: 'TYPEx' as `TYPE${number}` })).toThrow(PresentationError);
  });

  it('prints an OPT record in generic form with its wire class and TTL', () => {
    const opt = createOpt({ udpPayloadSize: 1232, dnssecOk: true, options: [{ code: 3, type: 'NSID', data: Uint8Array.of(0x61) }] });
    opt.extendedRcode = 1;
    expect(recordToText(opt)).toBe('.                   \t16809984\tCLASS1232\tOPT\t\\# 5 0003000161');
    opt.options = [{ code: 10, type: 'COOKIE', client: new Uint8Array(3) }];
    expect(() => recordToText(opt)).toThrow(/OPT: cannot print invalid options/);
  });

  it('rejects records with a malformed owner, class or TTL', () => {
    const rr: Extract<ResourceRecord, { type: 'A' }> = { name: 'x.', type: 'A', class: 'IN', ttl: 1, data: '192.0.2.1' };
    expect(() => recordToText({ ...rr, name: '' })).toThrow(/record owner must be a domain name/);
    expect(() => recordToText({ ...rr, ttl: -1 })).toThrow(/A: TTL must be an integer 0-4294967295, got -1/);
    expect(() => recordToText({ ...rr, ttl: 2 ** 32 })).toThrow(PresentationError);
    expect(() => recordToText({ ...rr, class: 1 } as unknown as ResourceRecord)).toThrow(/class must be a mnemonic string/);
  });
});

describe('questionToText', () => {
  it('leaves the TTL column empty', () => {
    expect(questionToText({ name: 'example.', type: 'SOA', class: 'IN' })).toBe('example.            \t\tIN\tSOA');
    expect(questionToText({ name: 'example.', type: 'TYPE65280', class: 'CLASS3' })).toBe(
      'example.            \t\tCLASS3\tTYPE65280',
    );
  });
});
