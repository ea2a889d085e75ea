import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  Opcode,
  Rcode,
  decodeMessage,
  definePlugin,
  encodeMessage,
  getOpcode,
  getRcode,
  type Message,
} from '@tsdns/core';
import {
  eventually,
  freePorts,
  hasTool,
  kdigTransfer as xfr,
  startTestServer,
  type TestServer,
} from '@tsdns/testing';
import auto from './index.js';

const base = mkdtempSync(join(tmpdir(), 'tsdns-auto-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let dirs = 0;
function freshDir(): string {
  const d = join(base, `d${dirs++}`);
  mkdirSync(d);
  return d;
}

let n = 0;
/** Replaces a file in one step, so a scan never reads it half written. */
function put(path: string, text: string): void {
  const tmp = join(base, `.tmp${n++}`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function zoneText(serial: number, address = '192.0.2.10', extra = ''): string {
  return `$TTL 60\n@ SOA ns h ${serial} 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww A ${address}\n${extra}`;
}

/** Answers every query with TXT "next": shows what auto passed on. */
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

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(block: string, zones = 'example'): Promise<TestServer> {
  server = await startTestServer({
    plugins: [auto, nextPlugin],
    corefile: (ports) => `${zones}:${ports[0]} {\n ${block}\n answerer\n}`,
    captureLogs: true,
  });
  return server;
}

/** What the server says about www.NAME: its address, "next" when auto passed it on, or the rcode. */
async function www(s: TestServer, name: string): Promise<string | number> {
  const r = await s.query(`www.${name}`, 'A');
  if (getRcode(r) !== Rcode.NOERROR) return getRcode(r);
  const first = r.answers[0];
  if (first?.type === 'TXT') return 'next';
  expect(r.flags & Flag.AA).toBe(Flag.AA);
  return (first as { data: string }).data;
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('auto', () => {
  it('serves every matching file of the directory, subdirectories included, hidden files not', async () => {
    const d = freshDir();
    put(join(d, 'db.a.example'), zoneText(1, '192.0.2.11'));
    mkdirSync(join(d, 'sub'));
    put(join(d, 'sub', 'db.b.example'), zoneText(1, '192.0.2.12'));
    put(join(d, '.db.c.example'), zoneText(1, '192.0.2.13'));
    put(join(d, 'README'), 'not a zone');
    const s = await start(`auto {\n  directory ${d}\n }`);
    expect(await www(s, 'a.example.')).toBe('192.0.2.11');
    expect(await www(s, 'b.example.')).toBe('192.0.2.12');
    expect(await www(s, 'c.example.')).toBe('next');
    expect(s.logs).toContain(
      `[INFO] plugin/auto: Inserting zone \`a.example.' from: ${join(d, 'db.a.example')}`,
    );
  });

  it('picks up files that appear, drops zones whose file goes, follows renames (a short reload)', async () => {
    const d = freshDir();
    put(join(d, 'db.a.example'), zoneText(1, '192.0.2.11'));
    const s = await start(`auto {\n  directory ${d}\n  reload 50ms\n }`);
    expect(await www(s, 'new.example.')).toBe('next');

    put(join(d, 'db.new.example'), zoneText(1, '192.0.2.20'));
    await eventually(async () => expect(await www(s, 'new.example.')).toBe('192.0.2.20'));

    unlinkSync(join(d, 'db.new.example'));
    await eventually(async () => expect(await www(s, 'new.example.')).toBe('next'));
    expect(s.logs).toContain("[INFO] plugin/auto: Deleting zone `new.example.'");

    renameSync(join(d, 'db.a.example'), join(d, 'db.renamed.example'));
    await eventually(async () => expect(await www(s, 'renamed.example.')).toBe('192.0.2.11'));
    expect(await www(s, 'a.example.')).toBe('next');
  });

  it('reloads a zone when its serial grew, not otherwise, and keeps serving a file that broke', async () => {
    const d = freshDir();
    const path = join(d, 'db.a.example');
    put(path, zoneText(1, '192.0.2.11'));
    const s = await start(`auto {\n  directory ${d}\n  reload 50ms\n }`);
    put(path, zoneText(1, '192.0.2.99'));
    await settle();
    expect(await www(s, 'a.example.')).toBe('192.0.2.11');
    put(path, zoneText(2, '192.0.2.22'));
    await eventually(async () => expect(await www(s, 'a.example.')).toBe('192.0.2.22'));
    expect(s.logs).toContain(
      `[INFO] plugin/auto: Successfully reloaded zone "a.example." in "${path}" with 2 SOA serial`,
    );
    put(path, zoneText(3, '192.0.2.300'));
    await eventually(() => expect(s.logs.some((l) => l.includes('Parsing zone "a.example."'))).toBe(true));
    await settle();
    expect(await www(s, 'a.example.')).toBe('192.0.2.22');
    // A broken file is reported once, not at every scan.
    expect(s.logs.filter((l) => l.includes('Parsing zone "a.example."')).length).toBe(1);
  });

  it('loads a new file that is broken once it is fixed, reporting it once meanwhile', async () => {
    const d = freshDir();
    const path = join(d, 'db.bad.example');
    put(path, 'www A 192.0.2.1\n');
    const s = await start(`auto {\n  directory ${d}\n  reload 50ms\n }`);
    await settle();
    expect(await www(s, 'bad.example.')).toBe('next');
    expect(s.logs.filter((l) => l.includes("Parse zone `bad.example.'")).length).toBe(1);
    put(path, zoneText(1, '192.0.2.5'));
    await eventually(async () => expect(await www(s, 'bad.example.')).toBe('192.0.2.5'));
  });

  it('serves only zones inside ZONES, with REGEXP and ORIGIN_TEMPLATE', async () => {
    const d = freshDir();
    put(join(d, 'a.example.zone'), zoneText(1, '192.0.2.1'));
    put(join(d, 'other.test.zone'), zoneText(1, '192.0.2.2'));
    put(join(d, 'db.b.example'), zoneText(1, '192.0.2.3'));
    const s = await start(`auto example {\n  directory ${d} (.*)\\.zone {1}\n }`, '.');
    expect(await www(s, 'a.example.')).toBe('192.0.2.1');
    expect(await www(s, 'other.test.')).toBe('next');
    expect(await www(s, 'b.example.')).toBe('next');
    expect(s.logs.some((l) => l.includes('Ignoring zone `other.test.'))).toBe(true);
  });

  it('scans once with reload 0', async () => {
    const d = freshDir();
    const s = await start(`auto {\n  directory ${d}\n  reload 0\n }`);
    put(join(d, 'db.late.example'), zoneText(1));
    await settle();
    expect(await www(s, 'late.example.')).toBe('next');
  });

  it('refuses AXFR without transfer to', async () => {
    const d = freshDir();
    put(join(d, 'db.a.example'), zoneText(1));
    const s = await start(`auto {\n  directory ${d}\n }`);
    const r = await s.query('a.example.', 'AXFR', { transport: 'tcp' });
    expect(getRcode(r)).toBe(Rcode.REFUSED);
  });
});

/** A stand-in secondary: answers every NOTIFY it gets and remembers it. */
async function notifyCatcher(): Promise<{ port: number; got: Message[]; close(): void }> {
  const [port] = await freePorts(1);
  const socket: Socket = createSocket('udp4');
  const got: Message[] = [];
  socket.on('message', (buf, rinfo) => {
    const msg = decodeMessage(buf);
    if (getOpcode(msg) !== Opcode.NOTIFY) return;
    got.push(msg);
    const answer = encodeMessage({ ...msg, flags: msg.flags | Flag.QR, answers: [] });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return { port, got, close: () => socket.close() };
}

describe('auto transfer to', () => {
  it.skipIf(!hasTool('kdig'))('lets listed clients AXFR each zone and refuses the rest', async () => {
    const d = freshDir();
    put(join(d, 'db.a.example'), zoneText(7, '192.0.2.7', 'mail A 192.0.2.8\n'));
    const s = await start(`auto {\n  directory ${d}\n  transfer to 127.0.0.1\n }`);
    const axfr = await xfr('AXFR', 'a.example.', s.target);
    expect(axfr.error).toBeUndefined();
    const lines = axfr.records.map((r) => `${r.name} ${r.type}`);
    expect(lines[0]).toBe('a.example. SOA');
    expect(lines.at(-1)).toBe('a.example. SOA');
    expect(lines).toContain('mail.a.example. A');
    expect(lines.length).toBe(6);

    await s.stop();
    server = undefined;
    const t = await start(`auto {\n  directory ${d}\n  transfer to 192.0.2.1\n }`);
    const refused = await xfr('AXFR', 'a.example.', t.target);
    expect(refused.records).toEqual([]);
    expect(refused.error).toMatch(/REFUSED/);
  });

  it('sends NOTIFY for every zone at startup and for each new zone and serial', async () => {
    const d = freshDir();
    put(join(d, 'db.a.example'), zoneText(1));
    const catcher = await notifyCatcher();
    try {
      const s = await start(
        `auto {\n  directory ${d}\n  reload 50ms\n  transfer to 127.0.0.1:${catcher.port}\n }`,
      );
      const notified = () =>
        catcher.got.map(
          (m) =>
            `${m.questions[0].name} ${(m.answers[0] as { data: { serial: number } } | undefined)?.data.serial}`,
        );
      await eventually(() => expect(notified()).toEqual(['a.example. 1']));
      put(join(d, 'db.b.example'), zoneText(4));
      await eventually(() => expect(notified()).toEqual(['a.example. 1', 'b.example. 4']));
      put(join(d, 'db.a.example'), zoneText(2, '192.0.2.99'));
      await eventually(() => expect(notified()).toEqual(['a.example. 1', 'b.example. 4', 'a.example. 2']));
      if (hasTool('kdig')) {
        // IXFR from the previous version is answered with the difference (RFC 1995).
        const ixfr = await xfr('IXFR=1', 'a.example.', s.target);
        expect(ixfr.error).toBeUndefined();
        expect(
          ixfr.records.map((r) => `${r.type} ${r.type === 'SOA' ? r.rdata.split(/\s+/)[2] : r.rdata}`),
        ).toEqual(['SOA 2', 'SOA 1', 'A 192.0.2.10', 'SOA 2', 'A 192.0.2.99', 'SOA 2']);
      }
    } finally {
      catcher.close();
    }
  });
});
