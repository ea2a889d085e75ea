import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pluginTable } from '../src/generated/plugins.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('the generated plugin table', () => {
  it('lists the plugins of plugin.cfg in its order, each definition named after its directive', () => {
    const cfg = readFileSync(join(appDir, 'plugin.cfg'), 'utf8');
    const directives = cfg
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== '')
      .map((l) => l.split(':')[0]);
    expect(pluginTable.map((p) => p.directive)).toEqual(directives);
    for (const p of pluginTable) expect(p.definition.name).toBe(p.directive);
  });

  it('keeps the relative order of CoreDNS plugin.cfg', () => {
    // CoreDNS's plugin.cfg order of the directives tsdns has so far.
    const coredns = ['root', 'bind', 'debug', 'errors', 'log', 'file', 'whoami'];
    const ours = pluginTable.map((p) => p.directive).filter((d) => coredns.includes(d));
    expect(ours).toEqual(coredns.filter((d) => ours.includes(d)));
  });
});
