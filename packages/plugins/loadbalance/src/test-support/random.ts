import type { RandomInt } from '../sections.js';

/** A seeded PRNG (mulberry32), so distribution tests are repeatable. */
export function seededRandom(seed: number): RandomInt {
  let s = seed >>> 0;
  return (limit) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(r * limit);
  };
}

/** Counts of each value in `values`. */
export function histogram<T>(values: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
