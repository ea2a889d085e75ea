import { readFileSync } from 'node:fs';

/** A `nameserver` line of a resolv.conf file. */
export interface ResolvConfNameserver {
  /** The address as written (an IPv6 address may carry a `%scope`). */
  readonly address: string;
  /** 1-based line number, for messages about it. */
  readonly line: number;
}

/**
 * The `nameserver` entries of resolv.conf text, in order, as the system resolver (and Go's
 * miekg/dns, which CoreDNS uses) reads them: lines starting with `#` or `;` are comments,
 * fields are separated by blanks, and a `nameserver` line's second field is the address;
 * every other keyword (search, domain, options, sortlist) is irrelevant to forwarding.
 * Addresses are returned unchecked; the caller decides what to do with ones that are not IPs.
 */
export function parseResolvConf(text: string): ResolvConfNameserver[] {
  const servers: ResolvConfNameserver[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const fields = line.split(/[ \t]+/);
    if (fields[0] === 'nameserver' && fields.length > 1) servers.push({ address: fields[1], line: i + 1 });
  }
  return servers;
}

/** Reads a resolv.conf file; throws the file system's error (ENOENT, EISDIR, EACCES). */
export function readResolvConf(path: string): ResolvConfNameserver[] {
  return parseResolvConf(readFileSync(path, 'utf8'));
}
