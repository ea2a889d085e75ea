import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PluginDefinition } from '@tsdns/core';
import { APP_VERSION, pluginsText, versionText } from './version.js';

describe('versionText', () => {
  it('prints name-version, then platform/arch and the runtime, like coredns -version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(APP_VERSION).toBe(pkg.version);
    expect(versionText()).toBe(
      `tsdns-${pkg.version}\n${process.platform}/${process.arch}, node ${process.version}\n`,
    );
  });
});

describe('pluginsText', () => {
  it('lists plugins sorted as dns.NAME under the Caddy headings', () => {
    const def = (name: string): PluginDefinition => ({ name, setup() {} });
    const table = ['whoami', 'log', 'bind'].map((d) => ({
      directive: d,
      packageName: `@tsdns/plugin-${d}`,
      definition: def(d),
    }));
    expect(pluginsText(table)).toBe(
      'Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  default\n\nOther plugins:\n  dns.bind\n  dns.log\n  dns.whoami\n',
    );
  });
});
