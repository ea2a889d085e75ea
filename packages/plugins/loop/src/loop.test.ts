import { describe, expect, it } from 'vitest';
import { Dispenser, Rcode, Request, tokenize, type Handler } from '@tsdns/core';
import { CaptureWriter, buildQuery } from '@tsdns/testing';
import { Loop } from './loop.js';
import { probeTarget } from './probe.js';
import { probeName } from './qname.js';
import { parseLoop } from './setup.js';

function chain(loop: Loop): string[] {
  const passed: string[] = [];
  const next: Handler = {
    name: 'next',
    serveDNS(req: Request) {
      passed.push(`${req.qtype} ${req.name}`);
      return Rcode.NOERROR;
    },
  };
  loop.next = next;
  return passed;
}

function ask(loop: Loop, name: string, type: string): number | Promise<number> {
  const w = new CaptureWriter({ remotePort: 55953, localPort: 1053 });
  return loop.serveDNS(new Request(buildQuery(name, type), w), w);
}

describe('probeName', () => {
  it('is two random decimal labels below 2^62 in front of the zone', () => {
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const n = probeName('.');
      expect(n).toMatch(/^\d{1,19}\.\d{1,19}\.$/);
      for (const label of n.split('.').slice(0, 2)) expect(BigInt(label) < 1n << 62n).toBe(true);
      names.add(n);
    }
    expect(names.size).toBe(50);
    expect(probeName('example.org.')).toMatch(/^\d+\.\d+\.example\.org\.$/);
  });
});

describe('parseLoop', () => {
  const parse = (text: string, keys: string[]) => parseLoop(new Dispenser(tokenize(text, 'Corefile')), keys);

  it('takes no arguments', () => {
    expect(parse('loop', ['.'])).toBe('.');
    expect(() => parse('loop now', ['.'])).toThrow('Corefile:1 - Error during parsing: Wrong argument count');
    expect(() => parse('loop {\n}', ['.'])).toThrow(/Unexpected token '\{'/);
  });

  it("probes the block's first zone, without scheme or port", () => {
    expect(parse('loop', ['Example.ORG:1053', 'example.net'])).toBe('example.org.');
    expect(parse('loop', ['dns://.:53'])).toBe('.');
    expect(parse('loop', ['10.0.0.0/24'])).toBe('0.0.10.in-addr.arpa.');
  });
});

describe('probeTarget', () => {
  it('sends to this host when the server listens on every address', () => {
    expect(probeTarget(undefined)).toBe('127.0.0.1');
    expect(probeTarget('0.0.0.0')).toBe('127.0.0.1');
    expect(probeTarget('::')).toBe('::1');
    expect(probeTarget('127.0.0.53')).toBe('127.0.0.53');
  });
});

describe('Loop', () => {
  it('passes everything on, counting only its own probe name', async () => {
    const fatal: string[] = [];
    const loop = new Loop('.', '1.2.', (m) => fatal.push(m));
    const passed = chain(loop);
    await ask(loop, 'www.example.org', 'A');
    await ask(loop, 'www.example.org', 'HINFO');
    await ask(loop, '1.2', 'A');
    expect(loop.seen).toBe(0);
    await ask(loop, '1.2', 'HINFO');
    await ask(loop, '1.2', 'HINFO');
    expect(loop.seen).toBe(2);
    expect(fatal).toEqual([]);
    expect(passed).toEqual([
      'A www.example.org.',
      'HINFO www.example.org.',
      'A 1.2.',
      'HINFO 1.2.',
      'HINFO 1.2.',
    ]);
  });

  it("is fatal at the third sighting, with CoreDNS's message, then stops passing the probe on", async () => {
    const fatal: string[] = [];
    const loop = new Loop('.', '11.22.', (m) => fatal.push(m));
    loop.address = ':1053';
    const passed = chain(loop);
    for (let i = 0; i < 3; i++) await ask(loop, '11.22', 'HINFO');
    expect(fatal).toEqual([
      'Loop (127.0.0.1:55953 -> :1053) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 11.22."',
    ]);
    expect(passed).toHaveLength(2);
    expect(await ask(loop, '11.22', 'HINFO')).toBe(Rcode.SERVFAIL);
    expect(fatal).toHaveLength(1);
  });

  it('does nothing once disabled, and nothing outside its zone', async () => {
    const fatal: string[] = [];
    const loop = new Loop('example.org.', '1.2.example.org.', (m) => fatal.push(m));
    const passed = chain(loop);
    loop.seen = 5;
    await ask(loop, 'x.example.net', 'HINFO');
    loop.disabled = true;
    await ask(loop, '1.2.example.org', 'HINFO');
    expect(fatal).toEqual([]);
    expect(passed).toEqual(['HINFO x.example.net.', 'HINFO 1.2.example.org.']);
  });
});
