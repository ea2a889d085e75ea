import type { ResourceRecord, SoaData } from '../wire/types.js';
import { compareCanonical, isSubdomain, nameKey, parentName, parseName } from '../wire/name.js';
import { NodeFlag, ZoneNode, type ZoneRecord } from './node.js';
import { ZoneError } from './errors.js';
import { sameRdata } from './rdata-equal.js';
import { T, coveredType, firstOfType, hasType } from './rrset.js';
import { Nsec3Denial } from './nsec3.js';
import { NsecDenial } from './nsec.js';
import type { Denial } from './denial.js';
import { lookup, type LookupOptions, type LookupResult } from './lookup.js';
import { NodeTable } from './node-table.js';
import type { AnswerMemo } from './answer-memo.js';

/** Types that may share an owner with a CNAME (RFC 2181 10.1, RFC 4035 2.5). */
const CNAME_COMPANIONS: ReadonlySet<string> = new Set(['CNAME', 'RRSIG', 'NSEC']);

const BACKSLASH = 0x5c;

/**
 * Whether `parent` is the parent of `key` (both lowercased normalised names), found
 * without making the parent's name: `key` is `parent` with one more label, whose end no
 * earlier dot and no backslash before the separating dot put in doubt. False also for
 * some true parents (an escaped dot or backslash in that label, the root): callers then
 * ask parentName.
 */
function isParentKey(key: string, parent: string): boolean {
  const cut = key.length - parent.length - 1;
  return cut > 0 && key.indexOf('.') === cut && key.charCodeAt(cut - 1) !== BACKSLASH && key.endsWith(parent);
}

/** Whether `node` already has a record equal to `rr` (RFC 2181 5: no duplicates in an RRset). */
function holds(node: ZoneNode, rr: ZoneRecord): boolean {
  const records = node.records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type === rr.type && sameRdata(r.type, r.data, rr.data)) return true;
  }
  return false;
}

/**
 * An authoritative zone in memory: records are added one by one (from a zone file, a
 * transfer, a generator), then `seal()` validates the zone and builds what lookups need;
 * after that it is immutable and `lookup()` answers queries (RFC 1034 4.3.2 with RFC 2308,
 * RFC 4592, RFC 6672 and RFC 4035 3.1).
 *
 * Storage is one node per owner name in a NodeTable keyed by the lowercased name; empty
 * non-terminals become record-less nodes at seal time, so existence is one table lookup and
 * the closest encloser is found by stripping labels. Signed zones also get the NSEC owners
 * in canonical order (or the NSEC3 chain sorted by hash) for denial-of-existence proofs.
 */
export class Zone {
  /** The apex as given (normalised, letter case kept). */
  readonly origin: string;
  /** @internal the apex lowercased */
  readonly originKey: string;
  /** @internal every owner name (and, after sealing, every empty non-terminal) */
  readonly nodes: NodeTable;
  /** @internal */
  readonly apex: ZoneNode;
  /** @internal NSEC3 records and their RRSIGs live apart: their owners are not names of the zone. */
  readonly nsec3Nodes: NodeTable;

  /** @internal after sealing: how to prove denials (NSEC or NSEC3), null for an unsigned zone */
  denial: Denial | null = null;
  /** @internal the SOA with the negative-caching TTL (RFC 2308 5), for negative answers */
  negativeSoa: ZoneRecord[] = [];
  /** @internal RRSIG(SOA) with the same TTL */
  negativeSoaSigs: ZoneRecord[] = [];

  /** @internal The memo of this zone's answers in wire form (answer-memo.ts), made on first use. */
  answerMemo: AnswerMemo | undefined = undefined;
  #soa: ZoneRecord | undefined;
  #class: string | undefined;
  #count = 0;
  #sealed = false;
  // The owner of the last record added and its node: zone files and transfers give an
  // owner's records one after another, and for those this skips the owner's table lookup.
  #lastName: string | undefined;
  #lastNode: ZoneNode | undefined;
  /** Nodes whose records array grew by push and so carries spare capacity until seal trims it. */
  readonly #grown: ZoneNode[] = [];
  /** Nodes owning NSEC records, in the order they got their first. */
  readonly #nsecOwners: ZoneNode[] = [];

  constructor(origin: string) {
    this.origin = parseName(origin);
    this.originKey = nameKey(this.origin);
    this.nodes = new NodeTable(this.originKey.length);
    this.nsec3Nodes = new NodeTable(this.originKey.length);
    this.apex = this.nodes.nodeFor(this.originKey);
    this.apex.flags = NodeFlag.APEX | NodeFlag.LINKED;
  }

  /** Builds and seals a zone from records. */
  static from(origin: string, records: Iterable<ResourceRecord>): Zone {
    const z = new Zone(origin);
    for (const r of records) z.add(r);
    return z.seal();
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  /** Number of records held (duplicates collapsed). */
  get size(): number {
    return this.#count;
  }

  /** The SOA record (throws before one was added). */
  get soa(): ZoneRecord & { type: 'SOA'; data: SoaData } {
    if (this.#soa === undefined) throw new ZoneError('no SOA record', this.origin);
    return this.#soa as ZoneRecord & { type: 'SOA'; data: SoaData };
  }

  /** The SOA serial. */
  get serial(): number {
    return this.soa.data.serial;
  }

  /** The records' class ('IN' unless the data says otherwise). */
  get class(): string {
    return this.#class ?? 'IN';
  }

  /**
   * Adds one record. Throws ZoneError (with `where`, e.g. "db.example.org:12", in the
   * message) for a record outside the zone, of another class, an SOA away from the apex or
   * a second one, a CNAME beside other data or a second CNAME or DNAME at one name.
   * Exact duplicates are dropped.
   */
  add(record: ResourceRecord, where?: string): void {
    if (this.#sealed) throw new ZoneError('cannot add records to a sealed zone', this.origin, where);
    if (record.type === 'OPT') throw new ZoneError('OPT is not zone data', this.origin, where);
    const rr = record as ZoneRecord;
    const type = rr.type;
    if (this.#class === undefined) this.#class = rr.class;
    else if (rr.class !== this.#class) {
      throw new ZoneError(
        `${rr.name} ${type}: class ${rr.class} differs from the zone's ${this.#class}`,
        this.origin,
        where,
      );
    }
    const nsec3 = type === 'NSEC3' || (type === 'RRSIG' && coveredType(rr) === T.NSEC3);
    let node: ZoneNode;
    if (rr.name === this.#lastName && !nsec3) {
      node = this.#lastNode as ZoneNode;
    } else {
      const key = nameKey(rr.name);
      if (!isSubdomain(key, this.originKey)) {
        throw new ZoneError(`${rr.name} ${type}: owner is outside the zone`, this.origin, where);
      }
      if (nsec3) {
        const holder = this.nsec3Nodes.nodeFor(key);
        if (!holds(holder, rr)) this.#append(holder, rr);
        return;
      }
      node = this.nodes.nodeFor(key);
      this.#lastName = rr.name;
      this.#lastNode = node;
    }
    if (type === 'SOA') {
      if (node !== this.apex)
        throw new ZoneError(`${rr.name} SOA: SOA record not at the zone apex`, this.origin, where);
      if (this.#soa !== undefined) {
        if (sameRdata('SOA', this.#soa.data, rr.data)) return;
        throw new ZoneError('more than one SOA record', this.origin, where);
      }
    }
    if (holds(node, rr)) return;
    const records = node.records;
    if (type === 'CNAME') {
      for (let i = 0; i < records.length; i++) {
        const t = records[i].type;
        if (t === 'CNAME') throw new ZoneError(`${rr.name}: more than one CNAME record`, this.origin, where);
        if (!CNAME_COMPANIONS.has(t)) {
          throw new ZoneError(`${rr.name}: CNAME and other data (${t}) at one name`, this.origin, where);
        }
      }
    } else if ((node.flags & NodeFlag.CNAME) !== 0 && !CNAME_COMPANIONS.has(type)) {
      throw new ZoneError(`${rr.name}: CNAME and other data (${type}) at one name`, this.origin, where);
    } else if (type === 'DNAME' && (node.flags & NodeFlag.DNAME) !== 0) {
      throw new ZoneError(`${rr.name}: more than one DNAME record`, this.origin, where);
    }

    this.#append(node, rr);
    switch (type) {
      case 'SOA':
        this.#soa = rr;
        break;
      case 'CNAME':
        node.flags |= NodeFlag.CNAME;
        break;
      case 'DNAME':
        node.flags |= NodeFlag.DNAME;
        break;
      case 'NS':
        if (node !== this.apex) node.flags |= NodeFlag.CUT;
        break;
      case 'NSEC':
        if ((node.flags & NodeFlag.NSEC) === 0) this.#nsecOwners.push(node);
        node.flags |= NodeFlag.NSEC;
        break;
    }
  }

  #append(node: ZoneNode, rr: ZoneRecord): void {
    // Most owners hold one to three records: their arrays are built at their exact size,
    // because push would give a one-element array room for seventeen. Larger sets grow by
    // push and are trimmed when sealing. (A fresh node's shared empty array is never pushed to.)
    const records = node.records;
    switch (records.length) {
      case 0:
        node.records = [rr];
        break;
      case 1:
        node.records = [records[0], rr];
        break;
      case 2:
        node.records = [records[0], records[1], rr];
        break;
      case 3:
        node.records = [records[0], records[1], records[2], rr];
        this.#grown.push(node);
        break;
      default:
        records.push(rr);
    }
    this.#count++;
  }

  /**
   * Validates the zone (an SOA and NS records at the apex) and prepares it for lookups:
   * parent links, empty non-terminals, which names lie below a zone cut or DNAME, the
   * negative-answer SOA, and the NSEC/NSEC3 order of a signed zone. Idempotent. Every
   * ZoneError it throws concerns the apex (no SOA, no NS, NSEC3 parameters it cannot use):
   * loadZone reports them at the apex's first record, so keep it that way or say otherwise.
   */
  seal(): this {
    if (this.#sealed) return this;
    const soa = this.#soa;
    if (soa === undefined) throw new ZoneError('no SOA record at the zone apex', this.origin);
    if (!hasType(this.apex, 'NS')) throw new ZoneError('no NS records at the zone apex', this.origin);

    this.#link();

    const data = soa.data as SoaData;
    const negativeTtl = Math.min(soa.ttl, data.minimum);
    this.negativeSoa = [{ ...soa, ttl: negativeTtl }];
    this.negativeSoaSigs = [];
    for (const r of this.apex.records) {
      if (r.type === 'RRSIG' && coveredType(r) === T.SOA) {
        this.negativeSoaSigs.push({ ...r, ttl: negativeTtl } as ZoneRecord);
      }
    }

    const param = firstOfType(this.apex, 'NSEC3PARAM');
    if (param !== undefined && this.nsec3Nodes.size > 0) {
      try {
        this.denial = new Nsec3Denial(this.originKey, this.nsec3Nodes.values(), param);
      } catch (e) {
        throw new ZoneError((e as Error).message, this.origin);
      }
    } else {
      const order = this.#nsecOrder();
      this.denial = order === null ? null : new NsecDenial(order);
    }

    // Arrays that grew by push carry spare capacity.
    for (const node of this.#grown) node.records = node.records.slice();
    this.#grown.length = 0;
    this.#sealed = true;
    return this;
  }

  /**
   * Gives every node its parent, creating empty non-terminals on the way up, and marks the
   * nodes below a zone cut or a DNAME. Each name is climbed only until it meets a node
   * already linked, so the work is linear in names plus empty non-terminals.
   */
  #link(): void {
    const path: ZoneNode[] = [];
    const BARRIER = NodeFlag.CUT | NodeFlag.DNAME | NodeFlag.OCCLUDED;
    let lastParent = this.apex;
    // Indexed, reading the length each time: the empty non-terminals added on the way are
    // visited too (and found linked).
    const nodes = this.nodes.list;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k];
      if ((node.flags & NodeFlag.LINKED) !== 0) continue;
      // A depth rather than `path.length = 0`, which would free the array's store and make
      // the next push allocate one: a hundred bytes of garbage per name.
      let depth = 0;
      let n = node;
      while ((n.flags & NodeFlag.LINKED) === 0) {
        path[depth++] = n;
        // Names come grouped under their parents, so the last parent found usually serves.
        const p = isParentKey(n.key, lastParent.key) ? lastParent : this.nodes.nodeFor(parentName(n.key));
        lastParent = p;
        n.parent = p;
        n = p;
      }
      for (let i = depth - 1; i >= 0; i--) {
        const c = path[i];
        if (((c.parent as ZoneNode).flags & BARRIER) !== 0) c.flags |= NodeFlag.OCCLUDED;
        c.flags |= NodeFlag.LINKED;
      }
    }
  }

  /**
   * The NSEC owners in canonical order. A signed zone's NSEC chain already is that order,
   * so following it from the apex avoids a sort; a chain that is broken, incomplete or out
   * of order falls back to sorting.
   */
  #nsecOrder(): ZoneNode[] | null {
    const owners = this.#nsecOwners;
    if (owners.length === 0) return null;
    const chain = this.#followNsecChain(owners.length);
    if (chain !== null) return chain;
    return owners.sort((a, b) => compareCanonical(a.key, b.key));
  }

  #followNsecChain(expected: number): ZoneNode[] | null {
    if ((this.apex.flags & NodeFlag.NSEC) === 0) return null;
    const chain: ZoneNode[] = [];
    const seen = new Set<ZoneNode>();
    let node: ZoneNode | undefined = this.apex;
    while (node !== undefined && chain.length <= expected) {
      if (seen.has(node)) break;
      seen.add(node);
      chain.push(node);
      const nsec = firstOfType(node, 'NSEC');
      if (nsec === undefined) return null;
      const next = nameKey((nsec.data as { nextDomain: string }).nextDomain);
      if (next === this.originKey) break;
      const nextNode = this.nodes.get(next);
      if (nextNode === undefined || (nextNode.flags & NodeFlag.NSEC) === 0) return null;
      if (compareCanonical(node.key, next) >= 0) return null;
      node = nextNode;
    }
    return chain.length === expected ? chain : null;
  }

  /**
   * Answers a query for `qname` (which must be at or below the origin) and type number
   * `qtype`. With `do`, DNSSEC records (RRSIGs, NSEC/NSEC3 proofs, DS at referrals) are
   * included; without it none are, unless the query asks for their type.
   */
  lookup(qname: string, qtype: number, options?: LookupOptions): LookupResult {
    if (!this.#sealed) throw new ZoneError('lookup in a zone that is not sealed', this.origin);
    return lookup(this, qname, qtype, options?.do === true);
  }

  /**
   * Every record in transfer order (RFC 5936 2.2): the SOA, all other records, the SOA
   * again. The zone must be sealed.
   */
  *records(): IterableIterator<ZoneRecord> {
    const soa = this.soa;
    yield soa;
    for (const node of this.nodes.values()) {
      const records = node.records;
      for (let i = 0; i < records.length; i++) if (records[i] !== soa) yield records[i];
    }
    for (const node of this.nsec3Nodes.values()) yield* node.records;
    yield soa;
  }
}
