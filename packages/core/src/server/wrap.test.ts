import { describe, expect, it } from 'vitest';
import { buildConfig } from './build.js';
import { definePlugin, type PluginDefinition } from '../plugin/define.js';
import type { Handler } from '../plugin/handler.js';
import { Request } from '../plugin/request.js';
import type { ResponseWriter } from '../plugin/writer.js';

/** A handler that records its name in `path` and calls the next one. */
function passing(name: string, path: string[]): PluginDefinition {
  return definePlugin({
    name,
    setup(c) {
      while (c.next());
      c.addHandler((next) => ({
        name,
        serveDNS(req, w) {
          path.push(name);
          return next === undefined ? 0 : next.serveDNS(req, w);
        },
      }));
    },
  });
}

/** A plugin that wraps the handlers after it, recording `>name` before each hop. */
function wrapping(name: string, path: string[], seen: string[]): PluginDefinition {
  return definePlugin({
    name,
    setup(c) {
      while (c.next());
      c.wrapHandlersAfter((inner: Handler) => {
        seen.push(inner.name);
        return {
          name: inner.name,
          serveDNS(req, w) {
            path.push(`${name}>${inner.name}`);
            return inner.serveDNS(req, w);
          },
        };
      });
      c.addHandler((next) => ({
        name,
        serveDNS(req, w) {
          path.push(name);
          return next === undefined ? 0 : next.serveDNS(req, w);
        },
      }));
    },
  });
}

const writer: ResponseWriter = {
  write() {},
  transport: 'udp',
  remoteAddress: '127.0.0.1',
  remotePort: 5353,
  localAddress: '127.0.0.1',
  localPort: 53,
};

function query(): Request {
  return new Request(
    {
      id: 1,
      flags: 0,
      questions: [{ name: 'a.', type: 'A', class: 'IN' }],
      answers: [],
      authorities: [],
      additionals: [],
    },
    writer,
  );
}

describe('Controller.wrapHandlersAfter', () => {
  it('wraps only the handlers after the plugin that asked, and keeps handlers() unwrapped', async () => {
    const path: string[] = [];
    const seen: string[] = [];
    const plugins = [
      passing('first', path),
      wrapping('watch', path, seen),
      passing('second', path),
      passing('third', path),
    ];
    const built = await buildConfig(
      { text: '.:0 {\n third\n first\n watch\n second\n}\n', filename: 'Corefile' },
      { plugins },
    );
    const site = built.sites[0];
    expect(site.handlers.map((h) => h.name)).toEqual(['first', 'watch', 'second', 'third']);
    expect(seen).toEqual(['third', 'second']);
    site.chain?.serveDNS(query(), writer);
    expect(path).toEqual(['first', 'watch', 'watch>second', 'second', 'watch>third', 'third']);
  });

  it('applies the wrappers of several plugins with the earlier plugin outermost', async () => {
    const path: string[] = [];
    const plugins = [wrapping('outer', path, []), wrapping('inner', path, []), passing('leaf', path)];
    const built = await buildConfig(
      { text: '.:0 {\n leaf\n inner\n outer\n}\n', filename: 'Corefile' },
      { plugins },
    );
    built.sites[0].chain?.serveDNS(query(), writer);
    expect(path).toEqual(['outer', 'outer>inner', 'inner', 'outer>leaf', 'inner>leaf', 'leaf']);
  });

  it('leaves a chain without wrappers untouched', async () => {
    const path: string[] = [];
    const built = await buildConfig(
      { text: '.:0 {\n a\n b\n}\n', filename: 'Corefile' },
      { plugins: [passing('a', path), passing('b', path)] },
    );
    const site = built.sites[0];
    expect(site.chain).toBe(site.handlers[0]);
    site.chain?.serveDNS(query(), writer);
    expect(path).toEqual(['a', 'b']);
  });
});
