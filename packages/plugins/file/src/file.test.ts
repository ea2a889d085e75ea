import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  Rcode,
  definePlugin,
  getRcode,
  type Handler,
  type Message,
  type PluginDefinition,
  type ResourceRecord,
} from '@tsdns/core';
import { startTestServer, type TestServer } from '@tsdns/testing';
import file from './index.js';
import { FileHandler } from './file.js';
import { FileZones } from './zones.js';

const FIXTURE = new URL('./test-fixtures/db.rich', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsdns-file-'));
const zoneFile = join(dir, 'db.rich');
copyFileSync(FIXTURE, zoneFile);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sets `root` as the root plugin does (plugins may not depend on each other, even in tests). */
const root = definePlugin({
  name: 'root',
  setup(c) {
    c.next();
    c.nextArg();
    c.config.root = c.val();
  },
});

/** Answers every query with TXT "next": shows what the file plugin passed on. */
const nextPlugin = definePlugin({
  name: 'answerer',
  setup(c) {
    c.addHandler(() => ({
      name: 'answerer',
      serveDNS(req, w) {
        const m = req.reply();
        m.answers.push({
          name: req.qname,
          type: 'TXT',
          class: 'IN',
          ttl: 0,
          data: [new TextEncoder().encode('next')],
        });
        w.write(m);
        return Rcode.NOERROR;
      },
    }));
  },
});

/** Runs before file in the chain and reports the zone/wildcard metadata file set. */
let lastWildcard: string | undefined;
const metadataProbe = definePlugin({
  name: 'probe',
  setup(c) {
    c.addHandler((next) => ({
      name: 'probe',
      serveDNS(req, w) {
        const r = (next as Handler).serveDNS(req, w);
        const after = () => {
          lastWildcard = req.metadata('zone/wildcard');
        };
        if (typeof r === 'number') {
          after();
          return r;
        }
        return r.then((x) => {
          after();
          return x;
        });
      },
    }));
  },
});

const PLUGINS: PluginDefinition[] = [root, metadataProbe, file, nextPlugin];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(body: string, zone = '.'): Promise<TestServer> {
  server = await startTestServer({
    plugins: PLUGINS,
    corefile: (ports) => `${zone}:${ports[0]} {\n${body}\n}`,
    captureLogs: true,
  });
  return server;
}

const lines = (records: ResourceRecord[]) =>
  records.map((r) => (r.type === 'OPT' ? 'OPT' : `${r.name} ${r.type} ${JSON.stringify(r.data)}`));
const rcode = (m: Message) => getRcode(m);
const aa = (m: Message) => (m.flags & Flag.AA) !== 0;

describe('file plugin in a server', () => {
  it('answers authoritatively from the zone, DBFILE relative to root', async () => {
    const s = await start(`root ${dir}\nfile db.rich example.org`);
    const r = await s.query('www.example.org.', 'A');
    expect(rcode(r)).toBe(Rcode.NOERROR);
    expect(aa(r)).toBe(true);
    expect(lines(r.answers)).toEqual(['www.example.org. A "192.0.2.80"']);
    const nx = await s.query('nope.example.org.', 'A');
    expect(rcode(nx)).toBe(Rcode.NXDOMAIN);
    expect(nx.authorities.map((x) => [x.type, (x as { ttl: number }).ttl])).toEqual([['SOA', 300]]);
  });

  it('serves one file with relative names as several zones', async () => {
    const s = await start(`file ${zoneFile} example.org example.net`);
    expect(lines((await s.query('www.example.net.', 'A')).answers)).toEqual([
      'www.example.net. A "192.0.2.80"',
    ]);
    expect(lines((await s.query('alias.example.org.', 'A')).answers)).toEqual([
      'alias.example.org. CNAME "www.example.org."',
      'www.example.org. A "192.0.2.80"',
    ]);
  });

  it('passes names outside its zones to the next plugin', async () => {
    const s = await start(`file ${zoneFile} example.org\nanswerer`);
    const r = await s.query('www.example.com.', 'A');
    expect(lines(r.answers)).toEqual(['www.example.com. TXT [{"0":110,"1":101,"2":120,"3":116}]']);
  });

  it('refuses names outside its zones when nothing follows it', async () => {
    const s = await start(`file ${zoneFile} example.org`);
    expect(rcode(await s.query('www.example.com.', 'A'))).toBe(Rcode.REFUSED);
  });

  it('refuses zone transfers without transfer to', async () => {
    const s = await start(`file ${zoneFile} example.org`);
    expect(rcode(await s.query('example.org.', 'AXFR', { transport: 'tcp' }))).toBe(Rcode.REFUSED);
    expect(rcode(await s.query('example.org.', 'IXFR', { transport: 'tcp' }))).toBe(Rcode.REFUSED);
  });

  it('returns an out-of-zone CNAME alone when nothing in the server can resolve its target', async () => {
    const s = await start(`file ${zoneFile} example.org`);
    const r = await s.query('ext.example.org.', 'A');
    expect(rcode(r)).toBe(Rcode.NOERROR);
    expect(lines(r.answers)).toEqual(['ext.example.org. CNAME "www.example.net."']);
  });

  it('hands NXDOMAIN to the next plugin under fallthrough, and nothing else', async () => {
    const s = await start(`file ${zoneFile} example.org {\n fallthrough\n}\nanswerer`);
    expect(lines((await s.query('nope.example.org.', 'A')).answers)).toEqual([
      'nope.example.org. TXT [{"0":110,"1":101,"2":120,"3":116}]',
    ]);
    expect(rcode(await s.query('www.example.org.', 'MX'))).toBe(Rcode.NOERROR);
    expect((await s.query('www.example.org.', 'MX')).answers).toEqual([]);
  });

  it('publishes the wildcard that synthesized an answer as zone/wildcard metadata', async () => {
    const s = await start(`probe\nfile ${zoneFile} example.org`);
    await s.query('x.wild.example.org.', 'A');
    expect(lastWildcard).toBe('*.wild.example.org.');
    await s.query('www.example.org.', 'A');
    expect(lastWildcard).toBeUndefined();
  });

  it('fails to start on a broken zone file, naming the file and line', async () => {
    const broken = join(dir, 'db.broken');
    writeFileSync(
      broken,
      '$ORIGIN example.org.\n@ 60 SOA ns h 1 2 3 4 5\n@ 60 NS ns\nwww 60 A 192.0.2.300\n',
    );
    await expect(start(`file ${broken} example.org`)).rejects.toThrow(`${broken}:4:`);
  });

  it('fails to start on zone-level faults and on records outside the zone', async () => {
    const noSoa = join(dir, 'db.nosoa');
    writeFileSync(noSoa, '$ORIGIN example.org.\n@ 60 NS ns\n');
    await expect(start(`file ${noSoa} example.org`)).rejects.toThrow(/no SOA record/);
    const outside = join(dir, 'db.outside');
    writeFileSync(
      outside,
      '$ORIGIN example.org.\n@ 60 SOA ns h 1 2 3 4 5\n@ 60 NS ns\nwww.example.net. 60 A 192.0.2.1\n',
    );
    await expect(start(`file ${outside} example.org`)).rejects.toThrow(`${outside}:4:`);
  });

  it('fails to start on a missing file when it is not to be reloaded', async () => {
    await expect(start(`file ${join(dir, 'db.absent')} example.org {\n reload 0\n}`)).rejects.toThrow(
      /ENOENT/,
    );
  });
});

describe('FileHandler as a Transferer', () => {
  it('streams the zone SOA first and last, and nothing for other zones', async () => {
    const zones = await FileZones.load({
      directives: [
        {
          path: zoneFile,
          origins: ['example.org.'],
          reloadMs: 0,
          reloadByMtime: false,
          transferTo: undefined,
        },
      ],
      fallthrough: (await import('@tsdns/core')).Fallthrough.none,
    });
    const h = new FileHandler(zones, undefined);
    expect(h.transfer('example.com.')).toBeUndefined();
    const records: ResourceRecord[] = [];
    for await (const batch of h.transfer('Example.ORG.') ?? []) records.push(...batch);
    expect(records[0].type).toBe('SOA');
    expect(records[records.length - 1].type).toBe('SOA');
    expect(records.length).toBe((zones.groups[0].zones.get('example.org.')?.size ?? 0) + 1);
  });
});
