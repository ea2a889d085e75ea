import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rcode, typeToNumber } from '../wire/constants.js';
import type { ResourceRecord } from '../wire/types.js';
import { Zone } from './zone.js';
import { ZoneError } from './errors.js';

/**
 * Random zones over a tiny name space (so names collide, nest, and meet wildcards, empty
 * non-terminals and cuts), queried with random names and types, compared with a reference
 * resolver written straight from RFC 1034 4.3.2 and RFC 4592 over plain sets of names.
 * DNAME is left to the example-based tests; everything else the lookup does is here.
 */
const ORIGIN = 'example.';
const LABELS = ['a', 'b', 'c', '*'];
const TYPES = ['A', 'TXT', 'MX', 'CNAME', 'NS'] as const;
const QTYPES = ['A', 'TXT', 'MX', 'CNAME', 'NS', 'DS', 'SOA', 'ANY'];

const relName = fc.array(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
const absName = relName.map((n) => `${n}.${ORIGIN}`);
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((up) => [...name].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));

const recordArb = fc
  .tuple(absName, fc.constantFrom(...TYPES), absName, fc.integer({ min: 1, max: 4 }))
  .map(([owner, type, target, n]): ResourceRecord => {
    switch (type) {
      case 'A':
        return { name: owner, type, class: 'IN', ttl: 60, data: `192.0.2.${n}` };
      case 'TXT':
        return { name: owner, type, class: 'IN', ttl: 60, data: [Uint8Array.of(0x30 + n)] };
      case 'MX':
        return { name: owner, type, class: 'IN', ttl: 60, data: { preference: n, exchange: target } };
      case 'CNAME':
        return { name: owner, type, class: 'IN', ttl: 60, data: target };
      case 'NS':
        return { name: owner, type, class: 'IN', ttl: 60, data: target };
    }
  });

const HEAD: ResourceRecord[] = [
  {
    name: ORIGIN,
    type: 'SOA',
    class: 'IN',
    ttl: 60,
    data: {
      mname: 'ns.example.net.',
      rname: 'h.example.net.',
      serial: 1,
      refresh: 2,
      retry: 3,
      expire: 4,
      minimum: 30,
    },
  },
  { name: ORIGIN, type: 'NS', class: 'IN', ttl: 60, data: 'ns.example.net.' },
];

type Rec = ResourceRecord & { ttl: number; data: unknown };

/** The reference: owners and their records in plain Maps. */
class Model {
  readonly owners = new Map<string, Rec[]>();
  add(r: Rec): void {
    const k = r.name.toLowerCase();
    const list = this.owners.get(k) ?? [];
    list.push(r);
    this.owners.set(k, list);
  }
  exists(k: string): boolean {
    if (this.owners.has(k)) return true;
    for (const o of this.owners.keys()) if (o.endsWith('.' + k)) return true;
    return false;
  }
  has(k: string, type: string): boolean {
    return (this.owners.get(k) ?? []).some((r) => r.type === type);
  }
  of(k: string, type: string): Rec[] {
    return (this.owners.get(k) ?? []).filter((r) => r.type === type);
  }
}

/** Ancestors of k strictly below the apex, from the top down, k included. */
function pathFromApex(k: string): string[] {
  const labels = k.slice(0, -(ORIGIN.length + 1)).split('.');
  const out: string[] = [];
  for (let i = labels.length - 1; i >= 0; i--) out.push(labels.slice(i).join('.') + '.' + ORIGIN);
  return out;
}

interface Outcome {
  rcode: number;
  aa: boolean;
  answer: string[];
  authority: string[];
}

const show = (r: Rec, owner = r.name) =>
  `${owner.toLowerCase()} ${r.type} ${JSON.stringify(r.data)}`.toLowerCase();

function reference(m: Model, qname: string, qtype: string): Outcome {
  const answer: string[] = [];
  const soa = `${ORIGIN} SOA`;
  let name = qname;
  const seen: string[] = [];
  for (let hop = 0; hop < 12; hop++) {
    const k = name.toLowerCase();
    // A cut above (or at, unless DS) the name refers.
    for (const a of pathFromApex(k)) {
      if (m.has(a, 'NS') && (a !== k || qtype !== 'DS')) {
        return {
          rcode: Rcode.NOERROR,
          aa: answer.length > 0,
          answer,
          authority: m.of(a, 'NS').map((r) => show(r)),
        };
      }
    }
    let source: string | undefined;
    let owner = name;
    if (m.exists(k)) source = k;
    else {
      let ce = k.slice(k.indexOf('.') + 1);
      while (!m.exists(ce)) ce = ce.slice(ce.indexOf('.') + 1);
      if (m.exists('*.' + ce)) source = '*.' + ce;
      else return { rcode: Rcode.NXDOMAIN, aa: true, answer, authority: [soa] };
    }
    const cname = m.of(source, 'CNAME');
    if (qtype === 'ANY') {
      const sets = (m.owners.get(source) ?? []).map((r) => typeToNumber(r.type));
      if (sets.length === 0) return { rcode: Rcode.NOERROR, aa: true, answer, authority: [soa] };
      const lowest = Math.min(...sets);
      for (const r of m.owners.get(source) ?? [])
        if (typeToNumber(r.type) === lowest) answer.push(show(r, owner));
      return { rcode: Rcode.NOERROR, aa: true, answer, authority: [] };
    }
    if (cname.length > 0 && qtype !== 'CNAME') {
      answer.push(show(cname[0], owner));
      seen.push(k);
      const target = String(cname[0].data);
      if (seen.includes(target.toLowerCase()))
        return { rcode: Rcode.NOERROR, aa: true, answer, authority: [] };
      name = target;
      owner = name;
      continue;
    }
    const rrs = m.of(source, qtype);
    if (rrs.length === 0) return { rcode: Rcode.NOERROR, aa: true, answer, authority: [soa] };
    for (const r of rrs) answer.push(show(r, owner));
    return { rcode: Rcode.NOERROR, aa: true, answer, authority: [] };
  }
  return { rcode: Rcode.NOERROR, aa: true, answer, authority: [] };
}

function outcome(zone: Zone, qname: string, qtype: string): Outcome {
  const r = zone.lookup(qname, typeToNumber(qtype));
  return {
    rcode: r.rcode,
    aa: r.aa,
    answer: r.answer.map((x) => show(x as Rec)),
    authority: r.authority.map((x) => (x.type === 'SOA' ? `${ORIGIN} SOA` : show(x as Rec))),
  };
}

describe('Zone.lookup against a reference resolver', () => {
  it('agrees on random zones and queries', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 25 }),
        fc.array(fc.tuple(absName.chain(anyCase), fc.constantFrom(...QTYPES)), {
          minLength: 1,
          maxLength: 20,
        }),
        (records, queries) => {
          const zone = new Zone(ORIGIN);
          const model = new Model();
          for (const r of [...HEAD, ...records]) {
            try {
              zone.add(r);
            } catch (e) {
              if (!(e instanceof ZoneError)) throw e;
              continue;
            }
            // Exact duplicates collapse in the zone; keep the model in step.
            const dup = model
              .of(r.name.toLowerCase(), r.type)
              .some(
                (x) => JSON.stringify(x.data).toLowerCase() === JSON.stringify((r as Rec).data).toLowerCase(),
              );
            if (!dup) model.add(r as Rec);
          }
          zone.seal();
          for (const [qname, qtype] of queries) {
            const got = outcome(zone, qname, qtype);
            const want = reference(model, qname, qtype);
            expect(
              { ...got, answer: [...got.answer].sort(), authority: [...got.authority].sort() },
              `${qname} ${qtype}`,
            ).toEqual({
              ...want,
              answer: [...want.answer].sort(),
              authority: [...want.authority].sort(),
            });
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws for hostile query names', () => {
    const zone = Zone.from(ORIGIN, HEAD);
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^([a-zA-Z0-9*_-]|\\[.\\]|\\[0-9]{3}){1,10}$/), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 0, max: 65535 }),
        fc.boolean(),
        (labels, qtype, dnssec) => {
          const name = labels.join('.') + '.' + ORIGIN;
          const r = zone.lookup(name, qtype, { do: dnssec });
          expect([Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.YXDOMAIN]).toContain(r.rcode);
        },
      ),
      { numRuns: 300 },
    );
  });
});
