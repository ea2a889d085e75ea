import { describe, expect, it } from 'vitest';
import { Flag, createOpt, type Message, type ResourceRecord } from '@tsdns/core';
import { Subnet } from './address.js';
import { preferSubnets, randomShuffle, roundRobin, topAddressIndex, weightedShuffle } from './policies.js';
import { histogram, seededRandom } from './test-support/random.js';
import { parseWeights } from './weights.js';

const rec = {
  a: (data: string, name = 'www.example.com.'): ResourceRecord => ({
    name,
    type: 'A',
    class: 'IN',
    ttl: 60,
    data,
  }),
  aaaa: (data: string, name = 'www.example.com.'): ResourceRecord => ({
    name,
    type: 'AAAA',
    class: 'IN',
    ttl: 60,
    data,
  }),
  cname: (name: string, target: string): ResourceRecord => ({
    name,
    type: 'CNAME',
    class: 'IN',
    ttl: 60,
    data: target,
  }),
  mx: (preference: number): ResourceRecord => ({
    name: 'example.com.',
    type: 'MX',
    class: 'IN',
    ttl: 60,
    data: { preference, exchange: `mx${preference}.example.com.` },
  }),
  txt: (): ResourceRecord => ({
    name: 'example.com.',
    type: 'TXT',
    class: 'IN',
    ttl: 60,
    data: [new Uint8Array([104, 105])],
  }),
  opt: (): ResourceRecord => createOpt(),
};

function dataOf(records: readonly ResourceRecord[]): string[] {
  return records.map((rr) => {
    if (rr.type === 'MX') return `mx${rr.data.preference}`;
    if (rr.type === 'A' || rr.type === 'AAAA' || rr.type === 'CNAME') return rr.data;
    return rr.type;
  });
}

function message(qtype: string, answers: ResourceRecord[], additionals: ResourceRecord[] = []): Message {
  return {
    id: 1,
    flags: Flag.QR,
    questions: [{ name: 'www.example.com.', type: qtype, class: 'IN' }],
    answers,
    authorities: [],
    additionals,
  };
}

describe('roundRobin', () => {
  it('gives every order of three addresses about a sixth of the time', () => {
    const random = seededRandom(1);
    const input = [rec.a('192.0.2.1'), rec.a('192.0.2.2'), rec.a('192.0.2.3')];
    const runs = 60_000;
    const orders = histogram(Array.from({ length: runs }, () => dataOf(roundRobin(input, random)).join(' ')));
    expect(orders.size).toBe(6);
    for (const count of orders.values()) expect(Math.abs(count / runs - 1 / 6)).toBeLessThan(0.01);
    // The input was never changed.
    expect(dataOf(input)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  });

  it('puts CNAMEs first, then other records, addresses and MX, with OPT last', () => {
    const random = seededRandom(2);
    const input = [
      rec.mx(10),
      rec.a('192.0.2.1'),
      rec.opt(),
      rec.cname('www.example.com.', 'web.example.com.'),
      rec.txt(),
      rec.aaaa('2001:db8::1'),
      rec.mx(20),
    ];
    for (let i = 0; i < 50; i++) {
      const out = roundRobin(input, random);
      expect(out.map((rr) => rr.type).slice(0, 2)).toEqual(['CNAME', 'TXT']);
      expect(new Set(out.slice(2, 4).map((rr) => rr.type))).toEqual(new Set(['A', 'AAAA']));
      expect(out.slice(4, 6).map((rr) => rr.type)).toEqual(['MX', 'MX']);
      expect(out[6].type).toBe('OPT');
    }
    const firsts = histogram(Array.from({ length: 2000 }, () => dataOf(roundRobin(input, random))[4]));
    expect(firsts.get('mx10')).toBeGreaterThan(800);
    expect(firsts.get('mx20')).toBeGreaterThan(800);
  });

  it('leaves a single record as it is', () => {
    const one = [rec.a('192.0.2.1')];
    expect(roundRobin(one)).toBe(one);
    expect(roundRobin([])).toEqual([]);
  });
});

describe('randomShuffle', () => {
  it('reorders answer, authority and additional sections without touching the message', () => {
    const random = seededRandom(3);
    const msg = message(
      'A',
      [rec.a('192.0.2.1'), rec.a('192.0.2.2')],
      [rec.a('192.0.2.9', 'ns.example.com.'), rec.opt()],
    );
    const before = JSON.stringify(msg);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(dataOf(randomShuffle(random)(msg).answers).join(' '));
    expect(seen).toEqual(new Set(['192.0.2.1 192.0.2.2', '192.0.2.2 192.0.2.1']));
    expect(JSON.stringify(msg)).toBe(before);
    expect(randomShuffle(random)(msg).additionals.map((rr) => rr.type)).toEqual(['A', 'OPT']);
  });
});

describe('weighted', () => {
  const weights = parseWeights('www.example.com\n100.64.1.1 3\n100.64.1.2 1\n100.64.1.3 2\n', 'w');

  it('puts addresses first in proportion to their weights (3:1:2)', () => {
    const random = seededRandom(4);
    const answers = [rec.a('100.64.1.1'), rec.a('100.64.1.2'), rec.a('100.64.1.3')];
    const runs = 60_000;
    const tops = histogram(
      Array.from(
        { length: runs },
        () => dataOf(weightedShuffle({ weights }, random)(message('A', answers)).answers)[0],
      ),
    );
    expect(Math.abs((tops.get('100.64.1.1') ?? 0) / runs - 3 / 6)).toBeLessThan(0.01);
    expect(Math.abs((tops.get('100.64.1.2') ?? 0) / runs - 1 / 6)).toBeLessThan(0.01);
    expect(Math.abs((tops.get('100.64.1.3') ?? 0) / runs - 2 / 6)).toBeLessThan(0.01);
  });

  it('gives unlisted addresses and names weight 1, and matches names without case', () => {
    const random = seededRandom(5);
    const address = [rec.a('100.64.1.1', 'WWW.example.COM.'), rec.a('100.64.1.9', 'WWW.example.COM.')];
    const tops = histogram(Array.from({ length: 40_000 }, () => topAddressIndex(address, weights, random)));
    expect(Math.abs((tops.get(0) ?? 0) / 40_000 - 3 / 4)).toBeLessThan(0.01);
    const other = [rec.a('100.64.1.1', 'other.example.com.'), rec.a('100.64.1.2', 'other.example.com.')];
    const even = histogram(Array.from({ length: 40_000 }, () => topAddressIndex(other, weights, random)));
    expect(Math.abs((even.get(0) ?? 0) / 40_000 - 1 / 2)).toBeLessThan(0.01);
  });

  it('moves only the chosen address to the top, and only for A, AAAA and SRV questions', () => {
    const pickLast = () => 5; // with weights 3,1,2 a draw of 5 falls on the third address
    const answers = [
      rec.cname('x.example.com.', 'www.example.com.'),
      rec.a('100.64.1.1'),
      rec.a('100.64.1.2'),
      rec.a('100.64.1.3'),
    ];
    const out = weightedShuffle({ weights }, pickLast)(message('A', answers));
    expect(dataOf(out.answers)).toEqual(['www.example.com.', '100.64.1.3', '100.64.1.2', '100.64.1.1']);
    const srv = weightedShuffle(
      { weights },
      pickLast,
    )(message('SRV', [], [rec.a('100.64.1.1'), rec.a('100.64.1.3')]));
    expect(dataOf(srv.additionals)).toEqual(['100.64.1.3', '100.64.1.1']);
    const mxQuestion = message('MX', answers);
    expect(weightedShuffle({ weights }, pickLast)(mxQuestion)).toBe(mxQuestion);
  });
});

describe('prefer', () => {
  it('puts addresses from the preferred subnets first, in the order of the subnets', () => {
    const prefer = preferSubnets([
      Subnet.parse('10.9.20.0/24') as Subnet,
      Subnet.parse('192.168.1.0/24') as Subnet,
    ]);
    const msg = message('A', [
      rec.a('203.0.113.1'),
      rec.a('192.168.1.5'),
      rec.txt(),
      rec.a('10.9.20.7'),
      rec.cname('x.example.com.', 'www.example.com.'),
      rec.aaaa('2001:db8::1'),
      rec.a('192.168.1.6'),
    ]);
    expect(dataOf(prefer(msg).answers)).toEqual([
      'www.example.com.',
      '10.9.20.7',
      '192.168.1.5',
      '192.168.1.6',
      '203.0.113.1',
      '2001:db8::1',
      'TXT',
    ]);
  });
});
