import { describe, expect, it } from 'vitest';
import { Fallthrough, parseFallthrough } from './fallthrough.js';
import { tokenize } from '../corefile/lexer.js';
import { CorefileError } from '../corefile/errors.js';
import { SetupController, emptyHookSet } from '../server/controller.js';
import type { SiteConfig } from './controller.js';

function controllerAt(line: string): SetupController {
  const config: SiteConfig = {
    zone: '.',
    port: '53',
    transport: 'dns',
    listenHosts: [],
    root: '/',
    debug: false,
  };
  const c = new SetupController({
    directive: 'test',
    tokens: tokenize(`test {\n  ${line}\n}\n`, 'Corefile'),
    corefilePath: 'Corefile',
    serverBlockIndex: 0,
    serverBlockKeys: ['.'],
    serverBlockKeyIndex: 0,
    zones: ['.'],
    site: { config, factories: new Map(), handlers: [] },
    hooks: emptyHookSet(),
    shared: new Map(),
  });
  c.next();
  c.nextBlock();
  return c;
}

describe('Fallthrough', () => {
  it('never falls through by default', () => {
    expect(Fallthrough.none.through('example.org.')).toBe(false);
    expect(Fallthrough.none.zones).toEqual([]);
  });

  it('falls through for every name without zones', () => {
    const f = parseFallthrough(controllerAt('fallthrough'));
    expect(f).toBe(Fallthrough.all);
    expect(f.through('anything.example.')).toBe(true);
  });

  it('falls through only for the listed zones, reverse CIDRs expanded', () => {
    const f = parseFallthrough(controllerAt('fallthrough Example.ORG 10.0.0.0/23 dns://example.net:53'));
    expect(f.zones).toEqual(['example.org.', '0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.', 'example.net.']);
    expect(f.through('www.example.org.')).toBe(true);
    expect(f.through('5.1.0.10.in-addr.arpa.')).toBe(true);
    expect(f.through('5.2.0.10.in-addr.arpa.')).toBe(false);
    expect(f.through('example.com.')).toBe(false);
  });

  it('reports an argument that is not a zone at its line', () => {
    const err = (() => {
      try {
        parseFallthrough(controllerAt('fallthrough exa..mple'));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CorefileError);
    expect((err as Error).message).toBe(
      "Corefile:2 - Error during parsing: fallthrough: invalid zone in 'exa..mple'",
    );
  });

  it('returns undefined from fromArgs for invalid zones', () => {
    expect(Fallthrough.fromArgs(['10.0.0.0/33'])).toBeUndefined();
    expect(Fallthrough.fromArgs(['a.example', ''])).toBeUndefined();
  });
});
