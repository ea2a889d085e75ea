import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginLogger } from '@tsdns/core';
import { waitFor } from '@tsdns/testing';
import type { Etcd3 } from 'etcd3';
import { zoneRanges } from './connection.js';
import { EtcdMirror, PAGE_SIZE, coveringRanges } from './mirror.js';
import { EtcdServer, hasEtcd } from './test-support/etcd-server.js';

describe('key ranges of the zones', () => {
  it('merges ranges inside or overlapping others, in key order', () => {
    expect(
      coveringRanges([
        { start: '/c', end: '/d' },
        { start: '/a', end: '/b' },
        { start: '/a/x', end: '/a/y' },
        { start: '/b', end: '/b5' },
      ]),
    ).toEqual([
      { start: '/a', end: '/b5' },
      { start: '/c', end: '/d' },
    ]);
  });

  it("covers each zone's key and everything below it; a zone below another adds nothing", () => {
    expect(zoneRanges(['skydns.test.', 'a.skydns.test.', '0.0.10.in-addr.arpa.'], '/skydns')).toEqual([
      { start: '/skydns/arpa/in-addr/10/0/0', end: '/skydns/arpa/in-addr/10/0/1' },
      { start: '/skydns/test/skydns', end: '/skydns/test/skydnt' },
    ]);
    expect(zoneRanges(['.'], '/skydns')).toEqual([{ start: '/skydns', end: '/skydnt' }]);
  });
});

describe.skipIf(!hasEtcd)('EtcdMirror against a real etcd', () => {
  let server: EtcdServer;
  let client: Etcd3;

  beforeAll(async () => {
    server = await EtcdServer.start();
    client = server.client();
  }, 30_000);

  afterAll(async () => {
    client?.close();
    await server?.destroy();
  });

  it('copies more keys than one page holds, only from its ranges, then follows puts and deletes', async () => {
    const count = PAGE_SIZE * 2 + 500;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      writes.push(
        client
          .put(`/skydns/test/big/n${String(i).padStart(5, '0')}`)
          .value(`{"host":"10.0.${i >> 8}.${i & 0xff}"}`)
          .exec(),
      );
      if (writes.length >= 64) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    await client.put('/skydns/test/other/x').value('{"host":"10.9.9.9"}');
    await client.put('/skydns/test/big').value('not json');

    const mirror = new EtcdMirror({
      client,
      ranges: zoneRanges(['big.test.'], '/skydns'),
      prefix: '/skydns',
      logger: pluginLogger('etcd'),
    });
    mirror.start();
    try {
      expect(await mirror.waitLive(10_000)).toBe(true);
      expect(mirror.synced).toBe(true);
      expect(mirror.store.size).toBe(count + 1);
      const keys = [...mirror.store.entries()].map((e) => e.key);
      expect(keys[0]).toBe('/skydns/test/big');
      expect(keys).toEqual([...keys].sort());
      expect(mirror.store.get('/skydns/test/big')?.error).toMatch(/^\/skydns\/test\/big: not JSON/);
      expect(mirror.store.get('/skydns/test/other/x')).toBeUndefined();

      await client.put('/skydns/test/big/new').value('{"host":"10.1.1.1"}');
      await client.delete().key('/skydns/test/big/n00000').exec();
      await client.put('/skydns/test/other/y').value('{"host":"10.1.1.2"}');
      await waitFor(async () => mirror.store.get('/skydns/test/big/n00000') === undefined, {
        timeout: 5_000,
        what: 'the delete',
      });
      expect(mirror.store.get('/skydns/test/big/new')?.service?.address).toBe('10.1.1.1');
      expect(mirror.store.get('/skydns/test/other/y')).toBeUndefined();
      expect(mirror.store.size).toBe(count + 1);
    } finally {
      await mirror.close();
    }
    expect(mirror.live).toBe(false);
  }, 60_000);
});
