import { encodeMessage, getOpcode, type Request } from '@tsdns/core';

/**
 * The `extra` option's template: text with CoreDNS's request placeholders and metadata
 * labels (`{/forward/upstream}`), compiled once at setup into parts so that rendering is a
 * loop of appends. Response placeholders have no value in a dnstap message (CoreDNS fills
 * them with "-"), and neither has metadata nobody provides.
 */
export type ExtraPart = string | ((req: Request) => string);

export interface ExtraTemplate {
  readonly source: string;
  readonly parts: readonly ExtraPart[];
  /** The template is plain text: the same bytes for every message. */
  readonly constant: Uint8Array | undefined;
}

const EMPTY_VALUE = '-';

const bracketed = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);

/** The query's size as CoreDNS's Len() counts it: encoded without compression. */
function querySize(r: Request): string {
  try {
    return String(encodeMessage(r.msg, { compress: false }).length);
  } catch {
    return EMPTY_VALUE;
  }
}

/** The placeholders of CoreDNS's replacer that a query has values for. */
const REQUEST_FIELDS: ReadonlyMap<string, (req: Request) => string> = new Map([
  ['{type}', (r: Request) => r.qtype],
  ['{name}', (r: Request) => r.name],
  ['{class}', (r: Request) => r.qclass],
  ['{size}', querySize],
  ['{proto}', (r: Request) => (r.transport === 'udp' ? 'udp' : 'tcp')],
  ['{remote}', (r: Request) => bracketed(r.ip)],
  ['{port}', (r: Request) => String(r.port)],
  ['{local}', (r: Request) => bracketed(r.localIp)],
  ['{>id}', (r: Request) => String(r.id)],
  ['{>opcode}', (r: Request) => String(getOpcode(r.msg))],
  ['{>do}', (r: Request) => (r.do ? 'true' : 'false')],
  ['{>bufsize}', (r: Request) => String(r.size)],
]);

/** Placeholders about the response: known, but empty in a tap. */
const RESPONSE_FIELDS: ReadonlySet<string> = new Set(['{rcode}', '{rsize}', '{duration}', '{>rflags}']);

const encoder = new TextEncoder();

/**
 * Compiles a template the way CoreDNS's replacer scans one: each `}` pairs with the nearest
 * `{` before it; anything that is not a known placeholder or a `{/...}` label is literal.
 */
export function compileExtra(source: string): ExtraTemplate {
  const parts: ExtraPart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  let s = source;
  for (;;) {
    const close = s.indexOf('}');
    if (close < 0) break;
    const open = s.lastIndexOf('{', close);
    if (open < 0) {
      literal += s.slice(0, close + 1);
      s = s.slice(close + 1);
      continue;
    }
    const token = s.slice(open, close + 1);
    literal += s.slice(0, open);
    const field = REQUEST_FIELDS.get(token);
    if (field !== undefined) {
      flush();
      parts.push(field);
    } else if (token.startsWith('{/') && token.length > 3) {
      flush();
      const key = token.slice(2, -1);
      parts.push((r: Request) => r.metadata(key) ?? EMPTY_VALUE);
    } else if (RESPONSE_FIELDS.has(token)) {
      literal += EMPTY_VALUE;
    } else {
      literal += token;
    }
    s = s.slice(close + 1);
  }
  literal += s;
  flush();
  const constant = parts.every((p) => typeof p === 'string') ? encoder.encode(parts.join('')) : undefined;
  return { source, parts, constant };
}

/** The template's bytes for one query. */
export function renderExtra(t: ExtraTemplate, req: Request): Uint8Array {
  if (t.constant !== undefined) return t.constant;
  let out = '';
  const parts = t.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    out += typeof p === 'string' ? p : p(req);
  }
  return encoder.encode(out);
}
