import { FLAG_NAMES, encodeMessage, getOpcode, rcodeToString, type Message, type Request } from '@tsdns/core';
import { EMPTY_VALUE, Field, type CompiledFormat } from './format.js';

/** What the log line reports about the response (a core Recorder has this shape). */
export interface LoggedResponse {
  /** The response written, or undefined when nothing was. */
  readonly msg: Message | undefined;
  /** Its rcode, extended bits included. */
  readonly rcode: number;
  /** Its size in bytes as sent. */
  readonly len: number;
  /** performance.now() when the query entered the log plugin. */
  readonly start: number;
}

/**
 * "qr,aa,rd" for every combination of the eight flags (in CoreDNS's order, folded into an
 * 8-bit index), so a line never builds one.
 */
const FLAG_TEXT: readonly string[] = (() => {
  const table: string[] = [];
  for (let index = 0; index < 1 << FLAG_NAMES.length; index++) {
    const names: string[] = [];
    FLAG_NAMES.forEach(([, name], bit) => {
      if ((index & (1 << bit)) !== 0) names.push(name);
    });
    table.push(names.join(','));
  }
  return table;
})();

/** The response's set header flags, comma separated ("qr,rd,ra"); '' when none is set. */
export function formatFlags(flags: number): string {
  let index = 0;
  for (let bit = 0; bit < FLAG_NAMES.length; bit++) if ((flags & FLAG_NAMES[bit][0]) !== 0) index |= 1 << bit;
  return FLAG_TEXT[index];
}

/**
 * A duration in milliseconds as CoreDNS prints time.Duration.Seconds(): seconds in plain
 * decimal (never exponent notation), nanosecond precision, trailing zeros dropped,
 * then "s": 0.037990251s, 1.5s, 0s.
 */
export function formatSeconds(ms: number): string {
  const ns = Math.max(0, Math.round(ms * 1e6));
  const whole = Math.floor(ns / 1e9);
  const fraction = ns - whole * 1e9;
  if (fraction === 0) return `${whole}s`;
  const digits = String(fraction).padStart(9, '0');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  return `${whole}.${digits.slice(0, end)}s`;
}

/** The rcode's name, or its number when it has none (as CoreDNS prints it). */
export function formatRcode(rcode: number): string {
  const name = rcodeToString(rcode);
  return name.startsWith('RCODE') ? String(rcode) : name;
}

/** An address as RFC 3986 writes it in a URL: IPv6 in brackets. */
function bracketed(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}

/**
 * The query's size in bytes, as CoreDNS's request Len() computes it: the message encoded
 * without compression. A query that arrived with one question and nothing but an OPT
 * record holds no name that could have been compressed, so its size on the wire is that
 * length and nothing needs encoding.
 */
function querySize(req: Request): string {
  const msg = req.msg;
  if (
    req.wireSize !== undefined &&
    msg.questions.length === 1 &&
    msg.answers.length === 0 &&
    msg.authorities.length === 0 &&
    (msg.additionals.length === 0 || (msg.additionals.length === 1 && msg.additionals[0].type === 'OPT'))
  ) {
    return String(req.wireSize);
  }
  try {
    return String(encodeMessage(msg, { compress: false }).length);
  } catch {
    return EMPTY_VALUE;
  }
}

function fieldValue(field: Field, req: Request, res: LoggedResponse, now: number): string {
  switch (field) {
    case Field.Type:
      return req.qtype;
    case Field.Name:
      return req.name;
    case Field.Class:
      return req.qclass;
    case Field.Proto:
      // CoreDNS's Proto(): only UDP is "udp"; every stream transport counts as "tcp".
      return req.transport === 'udp' ? 'udp' : 'tcp';
    case Field.Size:
      return querySize(req);
    case Field.Remote:
      return bracketed(req.ip);
    case Field.Port:
      return String(req.port);
    case Field.Local:
      return bracketed(req.localIp);
    case Field.Id:
      return String(req.id);
    case Field.Opcode:
      return String(getOpcode(req.msg));
    case Field.Do:
      return req.do ? 'true' : 'false';
    case Field.Bufsize:
      return String(req.size);
    case Field.Rcode:
      return res.msg === undefined ? EMPTY_VALUE : formatRcode(res.rcode);
    case Field.Rsize:
      return String(res.len);
    case Field.Duration:
      return formatSeconds(now - res.start);
    case Field.Rflags:
      return res.msg === undefined ? EMPTY_VALUE : formatFlags(res.msg.flags);
  }
}

/** One log line: the format's parts with the query's and response's values filled in. */
export function renderLine(format: CompiledFormat, req: Request, res: LoggedResponse, now: number): string {
  let line = '';
  const parts = format.parts;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind === 'literal') line += part.text;
    else if (part.kind === 'field') line += fieldValue(part.field, req, res, now);
    else line += req.metadata(part.key) ?? EMPTY_VALUE;
  }
  return line;
}
