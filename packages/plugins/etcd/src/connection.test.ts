import { describe, expect, it } from 'vitest';
import { Dispenser, tokenize, type Logger } from '@tsdns/core';
import { EtcdConnection } from './connection.js';
import { parseEtcd } from './setup.js';

function connection(warnings: string[]): EtcdConnection {
  const c = Object.assign(
    new Dispenser(tokenize('etcd skydns.test {\n endpoint 127.0.0.1:1\n}', 'Corefile'), 'Corefile'),
    { zones: ['skydns.test.'], config: { root: '/tmp' } },
  );
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warning: (m) => warnings.push(m),
    error: (m) => warnings.push(m),
    fatal: (m) => {
      throw new Error(m);
    },
  };
  return new EtcdConnection(parseEtcd(c).config, logger);
}

describe('EtcdConnection', () => {
  // start() imports the client module before it makes a client (see client.ts).
  it('stays closed when closed while start() loads the client, and can start again', async () => {
    const warnings: string[] = [];
    const conn = connection(warnings);
    const started = conn.start(10);
    await conn.close();
    await started;
    expect(conn.mirror).toBeUndefined();
    expect(warnings).toEqual([]);

    await conn.start(10);
    expect(conn.mirror).toBeDefined();
    expect(conn.live).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^starting without a copy of etcd \(127\.0\.0\.1:1\)/)]);
    await conn.close();
    expect(conn.mirror).toBeUndefined();
  });
});
