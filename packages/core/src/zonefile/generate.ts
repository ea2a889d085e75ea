/**
 * BIND's `$GENERATE range lhs [ttl] [class] type rhs`: the range syntax and the `$`
 * substitutions in lhs and rhs, as BIND's master loader has them:
 *  - range `start-stop[/step]`, 0 <= start <= stop, step >= 1, stop inclusive;
 *  - `$` is the iterator; `$$` is a literal `$`; a backslash copies itself and the next
 *    character unchanged (so `\$` reaches the name parser, which reads it as a literal `$`);
 *  - `${offset}`, `${offset,width}`, `${offset,width,base}` add offset (may be negative),
 *    zero-pad to width, and print in base d (decimal), o (octal), x/X (hex), or n/N (hex
 *    nibbles, least significant first and separated by dots, for ip6.arpa names; width
 *    then counts the output characters, dots included).
 * Templates are compiled once per directive so that large ranges expand without reparsing.
 */

/** Thrown for a malformed range or template; the reader adds the position. */
export class GenerateSyntaxError extends Error {}

export interface GenerateRange {
  start: number;
  stop: number;
  step: number;
}

const MAX_INT32 = 0x7fffffff;
/** BIND formats each substitution into a 128-byte buffer and rejects longer output. */
const MAX_SUBSTITUTION_LENGTH = 127;

const RANGE = /^(\d{1,10})-(\d{1,10})(?:\/(\d{1,10}))?$/;
const MODIFIER = /^\{(-?\d{1,10})(?:,(\d{1,10})(?:,([doxXnN]))?)?\}/;

export function parseGenerateRange(text: string): GenerateRange {
  const m = RANGE.exec(text);
  if (m === null) throw new GenerateSyntaxError(`expected a range start-stop[/step], found '${text}'`);
  const start = Number(m[1]);
  const stop = Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (start > MAX_INT32 || stop > MAX_INT32 || step > MAX_INT32)
    throw new GenerateSyntaxError(`range '${text}' is out of bounds`);
  if (stop < start) throw new GenerateSyntaxError(`range '${text}' ends before it starts`);
  if (step < 1) throw new GenerateSyntaxError(`range '${text}' has a step below 1`);
  return { start, stop, step };
}

interface Substitution {
  offset: number;
  width: number;
  base: string;
}

/** A compiled template: literal text between substitutions. */
export class GenerateTemplate {
  private constructor(
    /** literals.length === substitutions.length + 1 */
    private readonly literals: string[],
    private readonly substitutions: Substitution[],
  ) {}

  static compile(template: string): GenerateTemplate {
    const literals: string[] = [];
    const substitutions: Substitution[] = [];
    let literal = '';
    let i = 0;
    while (i < template.length) {
      const c = template[i];
      if (c === '\\') {
        literal += template.slice(i, i + 2);
        i += 2;
      } else if (c !== '$') {
        literal += c;
        i++;
      } else if (template[i + 1] === '$') {
        literal += '$';
        i += 2;
      } else {
        i++;
        let substitution: Substitution = { offset: 0, width: 0, base: 'd' };
        if (template[i] === '{') {
          const m = MODIFIER.exec(template.slice(i));
          if (m === null)
            throw new GenerateSyntaxError(
              `expected \${offset[,width[,base]]} with base one of d o x X n N, found '${template.slice(i - 1)}'`,
            );
          substitution = {
            offset: Number(m[1]),
            width: m[2] === undefined ? 0 : Number(m[2]),
            base: m[3] ?? 'd',
          };
          if (Math.abs(substitution.offset) > MAX_INT32)
            throw new GenerateSyntaxError(`offset ${m[1]} is out of bounds`);
          if (substitution.width > MAX_SUBSTITUTION_LENGTH)
            throw new GenerateSyntaxError(`width ${m[2]} is longer than ${MAX_SUBSTITUTION_LENGTH}`);
          i += m[0].length;
        }
        literals.push(literal);
        literal = '';
        substitutions.push(substitution);
      }
    }
    literals.push(literal);
    return new GenerateTemplate(literals, substitutions);
  }

  /** The template with `value` substituted. */
  expand(value: number): string {
    let out = this.literals[0];
    for (let k = 0; k < this.substitutions.length; k++) {
      out += format(value, this.substitutions[k]) + this.literals[k + 1];
    }
    return out;
  }
}

const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

function format(iterator: number, s: Substitution): string {
  const value = iterator + s.offset;
  if (value > MAX_INT32) throw new GenerateSyntaxError(`${iterator} + ${s.offset} is out of bounds`);
  let text: string;
  switch (s.base) {
    case 'd':
      // printf("%0*d"): the sign comes first and counts toward the width.
      text =
        value < 0 ? '-' + String(-value).padStart(s.width - 1, '0') : String(value).padStart(s.width, '0');
      break;
    case 'o':
      text = (value >>> 0).toString(8).padStart(s.width, '0');
      break;
    case 'x':
      text = (value >>> 0).toString(16).padStart(s.width, '0');
      break;
    case 'X':
      text = (value >>> 0).toString(16).toUpperCase().padStart(s.width, '0');
      break;
    default:
      text = nibbles(value >>> 0, s.width, s.base === 'n' ? HEX_LOWER : HEX_UPPER);
  }
  if (text.length > MAX_SUBSTITUTION_LENGTH)
    throw new GenerateSyntaxError(`substitution longer than ${MAX_SUBSTITUTION_LENGTH} characters`);
  return text;
}

/**
 * Hex digits from the least significant nibble up, dot-separated, continuing while bits
 * remain or the width (which counts digits and dots) is not used up. Like BIND, an even
 * width leaves a trailing dot.
 */
function nibbles(value: number, width: number, digits: string): string {
  let out = '';
  let v = value;
  let w = width;
  do {
    out += digits[v & 0xf];
    v >>>= 4;
    if (w > 0) w--;
    if (w > 0 || v !== 0) {
      out += '.';
      if (w > 0) w--;
    }
  } while (v !== 0 || w > 0);
  return out;
}
