/** Builders for hand-made wire messages in tests. */

/** 'c0 0c 00' -> bytes; whitespace ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Uncompressed wire form of a dotted name of plain labels ('www.example.' or '.'). */
export function wireName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.')) {
    if (label === '') continue;
    out.push(label.length, ...Array.from(label, (c) => c.charCodeAt(0)));
  }
  out.push(0);
  return out;
}

export function u16(n: number): number[] {
  return [n >> 8, n & 0xff];
}

export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** A 12-octet header. */
export function header(
  counts: { qd?: number; an?: number; ns?: number; ar?: number },
  id = 0x1234,
  flags = 0,
): number[] {
  return [
    ...u16(id),
    ...u16(flags),
    ...u16(counts.qd ?? 0),
    ...u16(counts.an ?? 0),
    ...u16(counts.ns ?? 0),
    ...u16(counts.ar ?? 0),
  ];
}

/** A record: owner bytes, type, class, TTL, RDLENGTH (default: the rdata length), rdata. */
export function record(
  owner: number[],
  type: number,
  rdata: number[],
  opts: { cls?: number; ttl?: number; rdlength?: number } = {},
): number[] {
  return [
    ...owner,
    ...u16(type),
    ...u16(opts.cls ?? 1),
    ...u32(opts.ttl ?? 300),
    ...u16(opts.rdlength ?? rdata.length),
    ...rdata,
  ];
}
