import { describe, expect, it } from 'vitest';
import { Dispenser, Request, tokenize, type Handler, type MetadataProvider } from '@tsdns/core';
import { CaptureWriter } from '@tsdns/testing';
import { MetadataCollector } from './metadata.js';
import { parseMetadata } from './setup.js';

const writer = new CaptureWriter();

function request(name: string): Request {
  return new Request(
    {
      id: 1,
      flags: 0,
      questions: [{ name, type: 'A', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    writer,
  );
}

function parse(text: string, zones = ['example.org.']): string[] {
  return parseMetadata(new Dispenser(tokenize(text, 'Corefile'), 'Corefile'), zones);
}

describe('parseMetadata', () => {
  it('defaults to the server block zones', () => {
    expect(parse('metadata', ['example.org.', 'example.net.'])).toEqual(['example.org.', 'example.net.']);
  });

  it('takes zones, CIDRs as their reverse zones', () => {
    expect(parse('metadata Example.COM 10.0.0.0/8')).toEqual(['example.com.', '10.in-addr.arpa.']);
  });

  it.each([
    ['metadata {\n  x\n}', /Wrong argument count/],
    ['metadata\nmetadata', /Corefile:2 - Error during parsing: Wrong argument count/],
    ['metadata 10.0.0.0/99', /invalid zone '10.0.0.0\/99'/],
  ])('rejects %j', (text, error) => {
    expect(() => parse(text)).toThrow(error);
  });
});

describe('MetadataCollector', () => {
  const seen: string[] = [];
  const provider: Handler & MetadataProvider = {
    name: 'p',
    metadata(req) {
      seen.push(req.name);
      req.setMetadata('p/name', () => req.name.toUpperCase());
    },
    serveDNS: () => 0,
  };
  const consumer: Handler = {
    name: 'c',
    serveDNS(req) {
      return req.metadata('p/name') === undefined ? 1 : 0;
    },
  };

  it("calls the chain's providers for queries under its zones, before the rest of the chain", () => {
    const m = new MetadataCollector(['example.org.'], consumer);
    m.collectProviders([m, provider, consumer]);
    expect(m.providers).toEqual([provider]);
    seen.length = 0;
    expect(m.serveDNS(request('www.example.org.'), writer)).toBe(0);
    expect(seen).toEqual(['www.example.org.']);
    expect(m.serveDNS(request('www.example.net.'), writer)).toBe(1);
    expect(seen).toEqual(['www.example.org.']);
  });

  it('passes queries on untouched without providers', () => {
    const m = new MetadataCollector(['.'], consumer);
    m.collectProviders([m, consumer]);
    const req = request('a.');
    expect(m.serveDNS(req, writer)).toBe(1);
    expect(req.metadataKeys()).toEqual([]);
  });
});
