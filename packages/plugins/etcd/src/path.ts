/**
 * SkyDNS keys: a name is stored under the configured path followed by its labels in
 * reverse order, one per path segment (users.services.example.com with path /skydns is
 * /skydns/com/example/services/users). Keys are compared as etcd compares them, byte by
 * byte; they are held as latin1 strings (one char per byte) so that JavaScript's string
 * order is etcd's key order.
 */
import { NameError, parseName, splitLabels } from '@tsdns/core';

/**
 * Go's path.Clean for the absolute paths built here: repeated slashes fold, `.` segments go
 * and `..` removes the segment before it. CoreDNS builds keys with path.Join, so a label
 * spelled `..` or holding a slash is cleaned the same way here.
 */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return '/' + out.join('/');
}

/** The key prefix for a configured `path` ("skydns", "/skydns/", "/a//b" -> "/skydns", "/a/b"). */
export function normalizePrefix(path: string): string {
  return cleanPath('/' + path);
}

/** Labels that stand for any label in a query name (SkyDNS's wildcards). */
export function isWildcardLabel(label: string): boolean {
  return label === '*' || label === 'any';
}

/**
 * The key of a lowercased, absolute name under `prefix` (a normalised prefix), and whether
 * the name holds a wildcard label. With a wildcard the key stops before the first one (the
 * label nearest the root), so a range read below it finds every candidate; `matchesWildcard`
 * then filters them.
 */
export function keyOfName(name: string, prefix: string): { key: string; wildcard: boolean } {
  const labels = splitLabels(name);
  let path = prefix;
  // Only a label holding a slash (or spelled '..') changes under path.Clean; skip it otherwise.
  let clean = prefix === '/';
  for (let i = labels.length - 1; i >= 0; i--) {
    const label = labels[i];
    if (isWildcardLabel(label)) return { key: clean ? cleanPath(path) : path, wildcard: true };
    if (!clean && (label.includes('/') || label === '..')) clean = true;
    path += '/' + label;
  }
  return { key: clean ? cleanPath(path) : path, wildcard: false };
}

/**
 * The key segments of a name (after the prefix's), wildcards kept: what an entry's key is
 * matched against for a wildcard query.
 */
export function segmentsOfName(name: string, prefix: string): string[] {
  const labels = splitLabels(name);
  let path = prefix;
  for (let i = labels.length - 1; i >= 0; i--) path += '/' + labels[i];
  return cleanPath(path).split('/');
}

/**
 * Whether an entry's key fits a wildcard query's segments (CoreDNS's loopNodes): each
 * segment of the name must equal the key's segment at the same position, except `*` and
 * `any`, which match anything; a key with fewer segments than the name does not fit, a
 * longer one (an entry below the name) does.
 */
export function matchesWildcard(key: string, nameSegments: readonly string[]): boolean {
  const keySegments = key.split('/');
  if (keySegments.length < nameSegments.length) return false;
  for (let i = 0; i < nameSegments.length; i++) {
    const s = nameSegments[i];
    if (!isWildcardLabel(s) && keySegments[i] !== s) return false;
  }
  return true;
}

/**
 * The domain name a key stands for (CoreDNS's msg.Domain): the segments after the prefix,
 * reversed; the target SkyDNS gives SRV, MX and NS records whose host is an address.
 * Undefined when the key is not below the prefix or its segments do not form a valid name.
 */
export function domainOfKey(key: string, prefix: string): string | undefined {
  if (key === prefix) return '.';
  const start = prefix === '/' ? '/' : prefix + '/';
  if (!key.startsWith(start)) return undefined;
  const segments = key.slice(start.length).split('/');
  if (segments[segments.length - 1] === '') segments.pop();
  if (segments.length === 0) return '.';
  segments.reverse();
  try {
    return parseName(segments.join('.') + '.');
  } catch (e) {
    if (e instanceof NameError) return undefined;
    throw e;
  }
}

/** The first key after every key that starts with `prefix` (etcd's prefix range end). */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  // Only 0xff bytes: the range runs to the end of the keyspace, which etcd spells "\0".
  return '\0';
}
