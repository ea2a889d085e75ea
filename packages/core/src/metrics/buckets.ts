/** `count` bucket bounds from `start`, each `factor` times the one before (Prometheus's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0) || !(factor > 1) || !Number.isInteger(count) || count < 1)
    throw new RangeError('exponentialBuckets needs start > 0, factor > 1 and a positive count');
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(v);
  return out;
}

/** CoreDNS's plugin.TimeBuckets: 0.25 ms to about 8 s, doubling. For request durations. */
export const TIME_BUCKETS: readonly number[] = Object.freeze(exponentialBuckets(0.00025, 2, 16));

/** CoreDNS's plugin.SlimTimeBuckets: 0.25 ms to 2.5 s by factors of ten (few series). */
export const SLIM_TIME_BUCKETS: readonly number[] = Object.freeze(exponentialBuckets(0.00025, 10, 5));

/** CoreDNS's buckets for request and response sizes in bytes. */
export const SIZE_BUCKETS: readonly number[] = Object.freeze([
  0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3,
]);
