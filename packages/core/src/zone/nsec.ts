import { compareCanonical } from '../wire/name.js';
import { NodeFlag, wildcardKey, type ZoneNode, type ZoneRecord } from './node.js';
import { T, coveredType } from './rrset.js';
import { pushOnce, type Denial } from './denial.js';

/** Appends the NSEC at `node` and its RRSIGs. */
function pushNsecOf(out: ZoneRecord[], node: ZoneNode): void {
  const records = node.records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type === 'NSEC' || (r.type === 'RRSIG' && coveredType(r) === T.NSEC)) pushOnce(out, r);
  }
}

/** NSEC denial (RFC 4035 3.1.3) over the NSEC owners in canonical order. */
export class NsecDenial implements Denial {
  constructor(
    /** NSEC owners sorted canonically; the apex first. */
    readonly order: readonly ZoneNode[],
  ) {}

  /** The NSEC owner at or canonically before `key`: its NSEC matches or covers `key`. */
  covering(key: string): ZoneNode | undefined {
    const order = this.order;
    let lo = 0;
    let hi = order.length - 1;
    let found: ZoneNode | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareCanonical(order[mid].key, key);
      if (c === 0) return order[mid];
      if (c < 0) {
        found = order[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  #pushCovering(out: ZoneRecord[], key: string): void {
    const node = this.covering(key);
    if (node !== undefined) pushNsecOf(out, node);
  }

  noData(out: ZoneRecord[], node: ZoneNode): void {
    // An empty non-terminal owns no NSEC; the one before it in the chain proves it empty.
    if ((node.flags & NodeFlag.NSEC) !== 0) pushNsecOf(out, node);
    else this.#pushCovering(out, node.key);
  }

  nxDomain(out: ZoneRecord[], key: string, ceKey: string): void {
    this.#pushCovering(out, key);
    this.#pushCovering(out, wildcardKey(ceKey));
  }

  wildcardAnswer(out: ZoneRecord[], key: string): void {
    this.#pushCovering(out, key);
  }

  wildcardNoData(out: ZoneRecord[], key: string, _ceKey: string, wildcard: ZoneNode): void {
    this.#pushCovering(out, key);
    this.noData(out, wildcard);
  }

  insecureReferral(out: ZoneRecord[], cut: ZoneNode): void {
    if ((cut.flags & NodeFlag.NSEC) !== 0) pushNsecOf(out, cut);
  }
}
