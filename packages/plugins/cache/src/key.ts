/**
 * The four combinations of the DO and CD bits, as the key's first character: answers to
 * DNSSEC-aware and checking-disabled queries differ (signatures, unvalidated data), so they
 * never share an entry (CoreDNS hashes both bits into its key).
 */
const BITS = ['0', '1', '2', '3'] as const;

/**
 * The cache key of a question: DO and CD bits, type, class and the lowercased name.
 * Type and class are mnemonics ('A', 'IN'), which never contain the separator; names may
 * contain any byte but come last, so keys of different questions never collide.
 */
export function cacheKey(
  lowerName: string,
  qtype: string,
  qclass: string,
  dnssecOk: boolean,
  checkingDisabled: boolean,
): string {
  return BITS[(dnssecOk ? 1 : 0) | (checkingDisabled ? 2 : 0)] + qtype + ' ' + qclass + ' ' + lowerName;
}
