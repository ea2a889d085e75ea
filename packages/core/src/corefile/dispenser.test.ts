import { describe, expect, it } from 'vitest';
import { normalizeZone } from './address.js';
import { Dispenser } from './dispenser.js';
import { CorefileError } from './errors.js';
import { tokenize } from './lexer.js';
import { parseCorefile } from './parser.js';

/** A dispenser over one directive of the first server block, as setup receives it. */
function dispenserFor(corefile: string, directive: string): { c: Dispenser; keys: string[] } {
  const [block] = parseCorefile(corefile, { filename: 'Corefile', env: {} });
  const d = block.directives.get(directive);
  if (d === undefined) throw new Error(`no ${directive}`);
  return { c: new Dispenser(d.tokens), keys: block.addresses.map((a) => a.zone) };
}

const KNOWN_TYPES = new Set(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'NS', 'SRV', 'PTR']);

/** Chapter 9's onlyone parse function (Example 9-18), written against the Dispenser. */
function parseOnlyone(c: Dispenser, serverBlockKeys: string[]) {
  const o = { zones: [] as string[], types: new Set(['A', 'AAAA']) };
  let found = false;
  while (c.next()) {
    if (found) throw c.err('this plugin can only be used once per Server Block');
    found = true;
    const args = c.remainingArgs();
    if (args.length === 0) o.zones = [...serverBlockKeys];
    for (const a of args) o.zones.push(normalizeZone(a));
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'types': {
          const types = c.remainingArgs();
          if (types.length === 0) throw c.err('at least one type must be listed');
          o.types = new Set();
          for (const t of types) {
            if (!KNOWN_TYPES.has(t.toUpperCase())) throw c.err(`invalid type "${t}"`);
            o.types.add(t.toUpperCase());
          }
          break;
        }
        default:
          throw c.err(`invalid option "${c.val()}"`);
      }
    }
  }
  return o;
}

describe("Dispenser on chapter 9's onlyone", () => {
  const run = (body: string) => {
    const { c, keys } = dispenserFor(`example.org example.net {\n${body}\n}\n`, 'onlyone');
    return parseOnlyone(c, keys);
  };

  it('defaults to the server block zones and A/AAAA', () => {
    expect(run('  onlyone')).toEqual({
      zones: ['example.org.', 'example.net.'],
      types: new Set(['A', 'AAAA']),
    });
  });

  it('takes zones from the arguments and types from the block', () => {
    expect(run('  onlyone Foo.example bar.example {\n    types mx txt\n  }')).toEqual({
      zones: ['foo.example.', 'bar.example.'],
      types: new Set(['MX', 'TXT']),
    });
  });

  it('accepts an empty block', () => {
    expect(run('  onlyone {\n  }').types).toEqual(new Set(['A', 'AAAA']));
    expect(run('  onlyone {}').zones).toEqual(['{}.']);
  });

  it('reports each mistake at its line', () => {
    expect(() => run('  onlyone {\n    types\n  }')).toThrow(
      new CorefileError('Corefile', 3, 'at least one type must be listed'),
    );
    expect(() => run('  onlyone {\n    types A BOGUS\n  }')).toThrow(
      new CorefileError('Corefile', 3, 'invalid type "BOGUS"'),
    );
    expect(() => run('  onlyone {\n    types A\n    pick first\n  }')).toThrow(
      new CorefileError('Corefile', 4, 'invalid option "pick"'),
    );
    expect(() => run('  onlyone\n  log\n  onlyone')).toThrow(
      new CorefileError('Corefile', 4, 'this plugin can only be used once per Server Block'),
    );
  });
});

describe('Dispenser', () => {
  const d = (text: string) => new Dispenser(tokenize(text, 'test.conf'), 'test.conf');

  it('walks tokens with next, nextArg and nextLine', () => {
    const c = d('a b c\nd e\nf');
    expect(c.val()).toBe('');
    expect(c.line()).toBe(0);
    expect(c.file()).toBe('test.conf');
    expect(c.nextArg()).toBe(true);
    expect(c.val()).toBe('a');
    expect(c.nextLine()).toBe(false);
    expect(c.nextArg()).toBe(true);
    expect(c.val()).toBe('b');
    expect(c.remainingArgs()).toEqual(['c']);
    expect(c.nextArg()).toBe(false);
    expect(c.nextLine()).toBe(true);
    expect([c.val(), c.line()]).toEqual(['d', 2]);
    expect(c.next()).toBe(true);
    expect(c.val()).toBe('e');
    expect(c.next()).toBe(true);
    expect(c.val()).toBe('f');
    expect(c.next()).toBe(false);
    expect(c.nextArg()).toBe(false);
    expect(c.nextLine()).toBe(false);
    expect(c.val()).toBe('f');
  });

  it('stops remaining arguments at an unquoted brace and leaves it for nextBlock', () => {
    const c = d('forward . 1.1.1.1 "{" {\n  max_fails 3\n}');
    c.next();
    expect(c.remainingArgs()).toEqual(['.', '1.1.1.1', '{']);
    expect(c.token()?.quoted).toBe(true);
    expect(c.nextBlock()).toBe(true);
    expect(c.val()).toBe('max_fails');
    expect(c.remainingArgs()).toEqual(['3']);
    expect(c.nextBlock()).toBe(false);
    expect(c.val()).toBe('}');
  });

  it('does not enter a block that opens on a later line or is quoted', () => {
    const c = d('a\n{\n  b\n}');
    c.next();
    expect(c.nextBlock()).toBe(false);
    expect(c.val()).toBe('a');
    const q = d('a "{"\nb\n}');
    q.next();
    expect(q.nextBlock()).toBe(false);
  });

  it('reads nested blocks with inner nextBlock loops', () => {
    const c = d(
      'kubernetes cluster.local {\n  pods insecure\n  opts {\n    x 1\n    y\n  }\n  ttl 30\n}\nkubernetes again',
    );
    const seen: string[] = [];
    while (c.next()) {
      seen.push(`dir:${c.val()}:${c.remainingArgs().join(',')}`);
      while (c.nextBlock()) {
        const prop = c.val();
        const args = c.remainingArgs();
        seen.push(`${prop}:${args.join(',')}@${c.nesting()}`);
        if (prop === 'opts') {
          while (c.nextBlock()) seen.push(`  ${c.val()}:${c.remainingArgs().join(',')}@${c.nesting()}`);
        }
      }
    }
    expect(seen).toEqual([
      'dir:kubernetes:cluster.local',
      'pods:insecure@1',
      'opts:@1',
      '  x:1@2',
      '  y:@2',
      'ttl:30@1',
      'dir:kubernetes:again',
    ]);
  });

  it('hands unread arguments in a block to the next nextBlock call', () => {
    const c = d('d {\n  types A AAAA\n}');
    c.next();
    const got: string[] = [];
    while (c.nextBlock()) got.push(c.val());
    expect(got).toEqual(['types', 'A', 'AAAA']);
    expect(c.nesting()).toBe(0);
  });

  it('ends loops over unbalanced tokens', () => {
    const c = d('d {\n  a\n  b');
    c.next();
    const got: string[] = [];
    while (c.nextBlock()) got.push(c.val());
    expect(got).toEqual(['a', 'b']);
    const e = d('d {');
    e.next();
    expect(e.nextBlock()).toBe(false);
  });

  it('builds errors at the current token', () => {
    const b = d('log {\n  class\n}');
    b.next();
    b.nextArg();
    expect(b.argErr()).toEqual(new CorefileError('test.conf', 1, "Unexpected token '{', expecting argument"));
    const c = d('log {\n  class\n}');
    c.next();
    expect(c.nextBlock()).toBe(true);
    expect(c.argErr().message).toBe(
      "test.conf:2 - Error during parsing: Wrong argument count or unexpected line ending after 'class'",
    );
    expect(c.syntaxErr('denial').message).toBe(
      "test.conf:2 - Syntax error: Unexpected token 'class', expecting 'denial'",
    );
    expect(c.eofErr().message).toBe('test.conf:2 - Error during parsing: Unexpected EOF');
    expect(c.err('boom')).toMatchObject({ file: 'test.conf', line: 2, detail: 'boom' });
  });

  it('keeps imported occurrences on their own lines', () => {
    const { c } = dispenserFor('(s) {\n  log a\n}\n. {\n  log b\n  import s\n  log\n}\n', 'log');
    const occurrences: string[][] = [];
    while (c.next()) occurrences.push([`${c.file()}:${c.line()}`, ...c.remainingArgs()]);
    expect(occurrences).toEqual([['Corefile:5', 'b'], ['Corefile:2', 'a'], ['Corefile:7']]);
  });

  it('can be extended by a controller', () => {
    class Controller extends Dispenser {
      constructor(
        tokens: ConstructorParameters<typeof Dispenser>[0],
        readonly keys: string[],
      ) {
        super(tokens);
      }
      peekVal(): string {
        return this.tokens[this.cursor + 1]?.text ?? '';
      }
    }
    const c = new Controller(tokenize('a b', 'Corefile'), ['.']);
    c.next();
    expect(c.peekVal()).toBe('b');
    expect(c.keys).toEqual(['.']);
  });
});
