/**
 * Label selectors as the `labels` and `namespace_labels` options take them (Kubernetes's
 * meta/v1 ParseToLabelSelector): equality (`k=v`, `k==v`, `k!=v`), set-based
 * (`k in (a,b)`, `k notin (a)`) and existence (`k`, `!k`) requirements, comma-separated.
 * Parsed once at setup, so a bad expression is an error with its Corefile line; the API
 * server is then sent the selector in canonical form and does the filtering.
 */

/** A selector expression that does not parse; the message says where. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

export type SelectorOp = 'in' | 'notin' | 'exists' | '!exists';

export interface Requirement {
  readonly key: string;
  readonly op: SelectorOp;
  /** The values of `in`/`notin`, sorted and without duplicates; empty for existence. */
  readonly values: readonly string[];
}

/** A parsed selector; `toString()` is the form sent to the API server. */
export class LabelSelector {
  constructor(readonly requirements: readonly Requirement[]) {}

  get isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  /** This selector and one more requirement (kept in key order). */
  and(req: Requirement): LabelSelector {
    return new LabelSelector(sortByKey([...this.requirements, req]));
  }

  toString(): string {
    return this.requirements
      .map((r) => {
        switch (r.op) {
          case 'exists':
            return r.key;
          case '!exists':
            return `!${r.key}`;
          case 'in':
            return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
          case 'notin':
            return r.values.length === 1
              ? `${r.key}!=${r.values[0]}`
              : `${r.key} notin (${r.values.join(',')})`;
        }
      })
      .join(',');
  }
}

// A qualified name with an optional DNS-subdomain prefix: the syntax of label keys.
const NAME_PART = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/;
// Empty, or up to 63 characters beginning and ending with an alphanumeric.
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function checkKey(key: string): string {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (!NAME_PART.test(name) || (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))))
    throw new SelectorError(
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', ` +
        `start and end with an alphanumeric character and be at most 63 characters (an optional prefix is a DNS subdomain)`,
    );
  return key;
}

function checkValue(value: string): string {
  if (!LABEL_VALUE.test(value))
    throw new SelectorError(
      `invalid label value "${value}": must be 63 characters or less, begin and end with an alphanumeric ` +
        `character, with '-', '_', '.' and alphanumerics between`,
    );
  return value;
}

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: '=' | '==' | '!=' | '!' | '(' | ')' | ','; readonly text: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ kind: ch, text: ch });
      i++;
    } else if (ch === '=' && text[i + 1] === '=') {
      out.push({ kind: '==', text: '==' });
      i += 2;
    } else if (ch === '=') {
      out.push({ kind: '=', text: '=' });
      i++;
    } else if (ch === '!' && text[i + 1] === '=') {
      out.push({ kind: '!=', text: '!=' });
      i += 2;
    } else if (ch === '!') {
      out.push({ kind: '!', text: '!' });
      i++;
    } else {
      let j = i;
      while (j < text.length && !' \t(),=!'.includes(text[j])) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/**
 * Parses a selector expression (the option's arguments joined by spaces). Throws
 * SelectorError naming what is wrong. An empty expression is an error: the options
 * require one.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new SelectorError('empty label selector');
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (what: string): Token => {
    const t = tokens[pos++];
    if (t === undefined) throw new SelectorError(`unexpected end of selector "${text}", expected ${what}`);
    return t;
  };
  const word = (what: string): string => {
    const t = next(what);
    if (t.kind !== 'word') throw new SelectorError(`found '${t.text}', expected ${what} in "${text}"`);
    return t.text;
  };
  const requirements: Requirement[] = [];
  for (;;) {
    let req: Requirement;
    if (peek()?.kind === '!') {
      pos++;
      req = { key: checkKey(word('a label key')), op: '!exists', values: [] };
    } else {
      const key = checkKey(word('a label key'));
      const t = peek();
      if (t === undefined || t.kind === ',') {
        req = { key, op: 'exists', values: [] };
      } else if (t.kind === '=' || t.kind === '==' || t.kind === '!=') {
        pos++;
        // An empty value is allowed (`k=` selects the label with an empty value).
        const v = peek()?.kind === 'word' ? tokens[pos++].text : '';
        req = { key, op: t.kind === '!=' ? 'notin' : 'in', values: [checkValue(v)] };
      } else if (t.kind === 'word' && (t.text === 'in' || t.text === 'notin')) {
        pos++;
        const open = next("'('");
        if (open.kind !== '(') throw new SelectorError(`found '${open.text}', expected '(' in "${text}"`);
        const values = new Set<string>();
        for (;;) {
          const v = peek()?.kind === 'word' ? tokens[pos++].text : '';
          values.add(checkValue(v));
          const sep = next("',' or ')'");
          if (sep.kind === ')') break;
          if (sep.kind !== ',')
            throw new SelectorError(`found '${sep.text}', expected ',' or ')' in "${text}"`);
        }
        req = { key, op: t.text, values: [...values].sort() };
      } else {
        throw new SelectorError(
          `found '${t.text}', expected an operator (=, ==, !=, in, notin) in "${text}"`,
        );
      }
    }
    requirements.push(req);
    const sep = peek();
    if (sep === undefined) break;
    if (sep.kind !== ',') throw new SelectorError(`found '${sep.text}', expected ',' in "${text}"`);
    pos++;
    if (peek() === undefined) throw new SelectorError(`trailing ',' in "${text}"`);
  }
  return new LabelSelector(sortByKey(requirements));
}

/** The API's canonical order, by key, so equal selectors read the same in logs and URLs. */
function sortByKey(requirements: Requirement[]): Requirement[] {
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
