/**
 * Label and field selectors as the Kubernetes API server reads them from `labelSelector`
 * and `fieldSelector` query parameters, for the fake API server: what a real server
 * would filter, so that a client's selectors are tested against the server's reading of
 * them, not against the client's own.
 */

/** A selector the fake API server cannot read; it answers 400 BadRequest with the message. */
export class KubeSelectorError extends Error {
  override readonly name = 'KubeSelectorError';
}

/** One requirement of a label selector (the API's labels.Requirement). */
export type LabelRequirement =
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | '!exists' };

type Labels = Readonly<Record<string, string>> | undefined;

// A qualified name, optionally prefixed by a DNS subdomain and a slash (label keys).
const KEY = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
// A label value: empty, or up to 63 alphanumerics with - _ . inside.
const VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new KubeSelectorError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new KubeSelectorError(`invalid label value: "${value}"`);
  return value;
}

/** Splits at top-level commas (those not inside the parentheses of a set). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) throw new KubeSelectorError(`unbalanced parentheses in "${text}"`);
  }
  if (depth !== 0) throw new KubeSelectorError(`unbalanced parentheses in "${text}"`);
  parts.push(text.slice(start));
  return parts;
}

const SET_FORM = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/;

/** Reads a label selector (`a=b,c!=d,e in (f,g),h notin (i),j,!k`); empty selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const out: LabelRequirement[] = [];
  for (const raw of splitTopLevel(trimmed)) {
    const part = raw.trim();
    if (part === '') throw new KubeSelectorError(`empty requirement in "${text}"`);
    const set = SET_FORM.exec(part);
    if (set !== null) {
      const values = set[3].split(',').map((v) => checkValue(v.trim()));
      if (values.length === 1 && values[0] === '' && set[3].trim() === '')
        throw new KubeSelectorError(`"${set[2]}" needs at least one value in "${part}"`);
      out.push({ key: checkKey(set[1]), op: set[2] as 'in' | 'notin', values });
      continue;
    }
    const m = /^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m !== null) {
      out.push({ key: checkKey(m[1]), op: m[2] === '!=' ? 'notin' : 'in', values: [checkValue(m[3])] });
      continue;
    }
    if (part.startsWith('!')) {
      out.push({ key: checkKey(part.slice(1).trim()), op: '!exists' });
      continue;
    }
    if (/^\S+$/.test(part) && !/[=!()]/.test(part)) {
      out.push({ key: checkKey(part), op: 'exists' });
      continue;
    }
    throw new KubeSelectorError(`unable to parse requirement "${part}"`);
  }
  return out;
}

/** Whether `labels` satisfy every requirement. */
export function matchesLabels(requirements: readonly LabelRequirement[], labels: Labels): boolean {
  for (const r of requirements) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(labels[r.key])) return false;
        break;
      case 'notin':
        if (has && r.values.includes(labels[r.key])) return false;
        break;
    }
  }
  return true;
}

/** One requirement of a field selector: `path=value`, `path==value` or `path!=value`. */
export interface FieldRequirement {
  readonly path: string;
  readonly equal: boolean;
  readonly value: string;
}

/** The fields the fake server can select on, as the API server supports them per resource. */
const FIELDS = new Set(['metadata.name', 'metadata.namespace', 'status.phase', 'spec.nodeName']);

/** Reads a field selector; empty selects everything. Unknown fields are a 400 as on a real server. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((raw) => {
    const m = /^\s*([A-Za-z.]+)\s*(==|=|!=)\s*([^,]*?)\s*$/.exec(raw);
    if (m === null) throw new KubeSelectorError(`invalid field selector requirement "${raw}"`);
    if (!FIELDS.has(m[1])) throw new KubeSelectorError(`field label not supported: ${m[1]}`);
    return { path: m[1], equal: m[2] !== '!=', value: m[3] };
  });
}

function fieldValue(obj: unknown, path: string): string {
  let v: unknown = obj;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<string, unknown>)[part];
  }
  return typeof v === 'string' ? v : '';
}

/** Whether `obj` satisfies every field requirement (a missing field reads as ""). */
export function matchesFields(requirements: readonly FieldRequirement[], obj: unknown): boolean {
  for (const r of requirements) {
    if ((fieldValue(obj, r.path) === r.value) !== r.equal) return false;
  }
  return true;
}
