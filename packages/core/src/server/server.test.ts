import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from './instance.js';
import { ListenError } from './listener.js';
import type { ServerInstance, StartOptions } from './types.js';
import { events, testPlugins } from './test-support/plugins.js';
import {
  TcpTestClient,
  frame,
  makeQuery,
  tcpExchange,
  udpExchange,
  udpExchangeRaw,
} from './test-support/client.js';
import { CorefileError } from '../corefile/errors.js';
import { Rcode } from '../wire/constants.js';
import { encodeMessage } from '../wire/encode.js';
import { getRcode } from '../wire/header.js';
import type { Message } from '../wire/types.js';
import { captureLog, type LogCapture } from '../log.js';

const running: ServerInstance[] = [];
let logs: LogCapture;

beforeEach(() => {
  logs = captureLog();
  events.length = 0;
});

afterEach(async () => {
  for (const inst of running.splice(0)) await inst.stop();
  logs.restore();
});

async function start(text: string, opts: Partial<StartOptions> = {}): Promise<ServerInstance> {
  const inst = await startServer(
    { text, filename: 'Corefile' },
    { plugins: testPlugins, quiet: true, defaultPort: '0', ...opts },
  );
  running.push(inst);
  return inst;
}

/** The bound port of the listener serving `zone` (the only one, when no zone is given). */
function portOf(inst: ServerInstance, zone?: string): number {
  const l = inst.current.listeners.find(
    (x) => x.transport === 'udp' && (zone === undefined || x.zones.includes(zone)),
  );
  if (l === undefined) throw new Error(`no listener for ${zone}`);
  return l.port;
}

const decoder = new TextDecoder();
function txt(msg: Message): string {
  expect(getRcode(msg)).toBe(Rcode.NOERROR);
  const rr = msg.answers[0];
  if (rr?.type !== 'TXT') throw new Error(`expected a TXT answer, got ${JSON.stringify(msg)}`);
  return rr.data.map((b) => decoder.decode(b)).join('');
}

/** A port free for both UDP and TCP on the wildcard address right now. */
async function freePort(): Promise<number> {
  for (;;) {
    const udp = createSocket('udp6');
    await new Promise<void>((resolve) => udp.bind(0, '::', resolve));
    const port = udp.address().port;
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '::', () => s.close(() => resolve(true)));
    });
    await new Promise<void>((resolve) => udp.close(resolve));
    if (free) return port;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('routing (chapter 3, example 3-15)', () => {
  it('picks the server block by port and longest zone, and REFUSES the rest', async () => {
    const other = await freePort();
    const inst = await start(`
# First entry
foo.example {
    answer first
}

# Third entry
bar.example {
    answer third
}

# Fourth entry
bar.example:${other} {
    answer fourth
}

# Fifth entry
. {
    marka
    answer fifth
}
`);
    const main = portOf(inst, 'foo.example.');
    expect(main).not.toBe(other);
    expect(portOf(inst, 'bar.example.')).toBe(main);
    expect(txt(await udpExchange(main, makeQuery('www.foo.example.')))).toBe('first');
    expect(txt(await udpExchange(main, makeQuery('bar.example.', 'MX')))).toBe('third');
    expect(txt(await udpExchange(other, makeQuery('bar.example.', 'MX')))).toBe('fourth');
    expect(txt(await tcpExchange(other, makeQuery('x.bar.example.')))).toBe('fourth');
    expect(txt(await udpExchange(main, makeQuery('www.example.com.')))).toBe('fifth');
    expect(txt(await udpExchange(main, makeQuery('foo.example.com.')))).toBe('fifth');
    expect(getRcode(await udpExchange(other, makeQuery('www.example.com.')))).toBe(Rcode.REFUSED);
    expect(getRcode(await udpExchange(other, makeQuery('www.foo.example.')))).toBe(Rcode.REFUSED);
    expect(events).toEqual([
      'answer:first',
      'answer:third',
      'answer:fourth',
      'answer:fourth',
      'mark:marka',
      'answer:fifth',
      'mark:marka',
      'answer:fifth',
    ]);
  });

  it('fails at startup, naming file and line, on a tls:// entry (not served yet)', async () => {
    const err = await start(
      'foo.example {\n  answer first\n}\n\ntls://foo.example {\n  answer second\n}\n',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorefileError);
    expect((err as Error).message).toBe(
      'Corefile:5 - Error during parsing: tls://foo.example.:853: the tls:// transport is not supported yet',
    );
  });

  it('rejects grpc:// and https:// keys the same way', async () => {
    await expect(start('grpc://bar.example {\n answer x\n}\n')).rejects.toThrow(
      /Corefile:1 .*grpc:\/\/ transport is not supported yet/,
    );
    await expect(start('. {\n answer x\n}\nhttps://. {\n answer y\n}\n')).rejects.toThrow(
      /Corefile:4 .*https:\/\/ transport is not supported yet/,
    );
  });

  it('gives every key of a block its own setup and chain', async () => {
    const inst = await start('a.example b.example {\n  answer zone\n}\n');
    const port = portOf(inst);
    expect(txt(await udpExchange(port, makeQuery('x.a.example.')))).toBe('zone a.example.');
    expect(txt(await udpExchange(port, makeQuery('x.b.example.')))).toBe('zone b.example.');
  });

  it('REFUSES a zone whose block has no handler plugin', async () => {
    const inst = await start('example.org {\n  configonly\n}\n');
    expect(getRcode(await udpExchange(portOf(inst), makeQuery('example.org.')))).toBe(Rcode.REFUSED);
  });

  it('listens where the block asks (bind) and keeps separate listeners apart', async () => {
    const inst = await start(
      'a.example {\n  listen 127.0.0.1\n  answer a\n}\nb.example {\n  listen ::1\n  answer b\n}\n',
    );
    const v4 = inst.listeners.find((l) => l.address === '127.0.0.1' && l.transport === 'udp')!;
    const v6 = inst.listeners.find((l) => l.address === '::1' && l.transport === 'udp')!;
    expect(v4.zones).toEqual(['a.example.']);
    expect(v6.zones).toEqual(['b.example.']);
    expect(txt(await udpExchange(v4.port, makeQuery('a.example.')))).toBe('a');
    expect(txt(await udpExchange(v6.port, makeQuery('b.example.'), '::1'))).toBe('b');
    expect(getRcode(await udpExchange(v4.port, makeQuery('b.example.')))).toBe(Rcode.REFUSED);
  });

  it('binds TCP on the port UDP got for port 0', async () => {
    const inst = await start('. {\n  answer x\n}\n');
    const [udp, tcp] = [
      inst.listeners.find((l) => l.transport === 'udp')!,
      inst.listeners.find((l) => l.transport === 'tcp')!,
    ];
    expect(udp.port).toBeGreaterThan(0);
    expect(tcp.port).toBe(udp.port);
    expect(udp.configuredPort).toBe('0');
  });
});

describe('setup', () => {
  it('orders the chain by plugin.cfg, whatever the Corefile order', async () => {
    const inst = await start('. {\n  answer end\n  markc\n  marka\n  markb\n}\n');
    await udpExchange(portOf(inst), makeQuery('example.org.'));
    expect(events).toEqual(['mark:marka', 'mark:markb', 'mark:markc', 'answer:end']);
  });

  it('reports an unknown directive with file and line', async () => {
    await expect(start('. {\n  answer x\n  nosuchthing 1 2\n}\n')).rejects.toThrow(
      "Corefile:3 - Error during parsing: Unknown directive 'nosuchthing'",
    );
  });

  it('gives the standard error when a once-only plugin is repeated', async () => {
    await expect(start('. {\n  debugon\n  answer x\n  debugon\n}\n')).rejects.toThrow(
      'Corefile:4 - Error during parsing: plugin/debugon: this plugin can only be used once per Server Block',
    );
  });

  it('prefixes setup errors that are not Corefile errors with the plugin and the line', async () => {
    await expect(start('. {\n  marka\n  answer a b\n}\n')).rejects.toThrow(
      "Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'b'",
    );
    const throwing = {
      name: 'thrower',
      setup: () => {
        throw new Error('cannot open /nonexistent');
      },
    };
    const err = await startServer(
      { text: '. {\n  thrower\n}\n', filename: 'Corefile' },
      { plugins: [throwing], quiet: true, defaultPort: '0' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorefileError);
    expect((err as Error).message).toBe(
      'Corefile:2 - Error during parsing: plugin/thrower: cannot open /nonexistent',
    );
  });

  it('rejects a zone defined twice on one listener', async () => {
    await expect(start('example.org {\n  answer a\n}\nexample.org {\n  answer b\n}\n')).rejects.toThrow(
      'Corefile:4 - Error during parsing: cannot serve dns://example.org.:0 - it is already defined',
    );
  });

  it('rejects a listen address that is not an IP address', async () => {
    await expect(start('. {\n  listen localhost\n  answer a\n}\n')).rejects.toThrow(
      "Corefile:1 - Error during parsing: cannot listen on 'localhost': not an IP address",
    );
  });

  it('fails with a ListenError, and runs the shutdown hooks, when the port is taken', async () => {
    const squatter: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
    const port = squatter.address().port;
    try {
      const err = await start(`.:${port} {\n  listen 127.0.0.1\n  hooks h\n  answer a\n}\n`).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ListenError);
      expect((err as Error).message).toBe(`listen udp 127.0.0.1:${port}: bind: address already in use`);
      expect(events).toEqual([
        'setup:h',
        'hook:h:firstStartup',
        'hook:h:startup',
        'hook:h:shutdown',
        'hook:h:finalShutdown',
      ]);
    } finally {
      squatter.close();
    }
  });

  it('prints the startup banner unless quiet', async () => {
    const inst = await start('example.org {\n  listen 127.0.0.1\n  answer a\n}\n. {\n  answer b\n}\n', {
      quiet: false,
    });
    const port = portOf(inst, 'example.org.');
    const root = portOf(inst, '.');
    expect(logs.lines).toEqual([`example.org.:${port} on 127.0.0.1`, `.:${root}`]);
  });
});

describe('lifecycle hooks (table 9-1)', () => {
  it('runs startup hooks in order on start and shutdown hooks on stop', async () => {
    const inst = await start('. {\n  hooks one\n  answer a\n}\nexample.org {\n  hooks two\n  answer b\n}\n');
    expect(events).toEqual([
      'setup:one',
      'setup:two',
      'hook:one:firstStartup',
      'hook:two:firstStartup',
      'hook:one:startup',
      'hook:two:startup',
    ]);
    events.length = 0;
    await inst.stop();
    expect(events).toEqual([
      'hook:one:shutdown',
      'hook:two:shutdown',
      'hook:one:finalShutdown',
      'hook:two:finalShutdown',
    ]);
    expect(inst.state).toBe('stopped');
    await inst.stop();
    expect(events).toHaveLength(4);
  });

  it('on reload: old onRestart, new setup and onStartup (no onFirstStartup), old onShutdown', async () => {
    const inst = await start('. {\n  hooks old\n  answer a\n}\n');
    events.length = 0;
    const next = await inst.reload({ text: '. {\n  hooks new\n  answer b\n}\n', filename: 'Corefile' });
    expect(events).toEqual(['hook:old:restart', 'setup:new', 'hook:new:startup', 'hook:old:shutdown']);
    expect(inst.state).toBe('replaced');
    expect(next.state).toBe('running');
    expect(next.generation).toBe(1);
    expect(inst.current).toBe(next);
    expect(logs.lines).toEqual(['[INFO] Reloading', '[INFO] Reloading complete']);
    events.length = 0;
    await inst.stop(); // a replaced instance stops the current one
    expect(events).toEqual(['hook:new:shutdown', 'hook:new:finalShutdown']);
    expect(next.state).toBe('stopped');
  });

  it('on a failed reload: old onRestart then onRestartFailed, and the error names file and line', async () => {
    const inst = await start('. {\n  hooks old\n  answer a\n}\n');
    const port = portOf(inst);
    events.length = 0;
    let failed: Error | undefined;
    inst.on('reloadFailed', (e) => (failed = e));
    const err = await inst
      .reload({ text: '. {\n  hooks new\n  answer b\n  bogus\n}\n', filename: '/etc/Corefile' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorefileError);
    expect((err as Error).message).toBe("/etc/Corefile:4 - Error during parsing: Unknown directive 'bogus'");
    expect(failed).toBe(err);
    expect(events).toEqual(['hook:old:restart', 'hook:old:restartFailed']);
    expect(logs.lines).toEqual([
      '[INFO] Reloading',
      "[ERROR] Restart failed: /etc/Corefile:4 - Error during parsing: Unknown directive 'bogus'",
    ]);
    expect(inst.state).toBe('running');
    expect(inst.current).toBe(inst);
    expect(txt(await udpExchange(port, makeQuery('example.org.')))).toBe('a');
  });

  it('on a new instance whose startup hook fails: cleans it up and keeps the old one', async () => {
    const inst = await start('. {\n  hooks old\n  answer a\n}\n');
    events.length = 0;
    await expect(
      inst.reload({ text: '. {\n  hooks new fail startup\n  answer b\n}\n', filename: 'Corefile' }),
    ).rejects.toThrow('plugin/hooks: startup failed on purpose');
    expect(events).toEqual([
      'hook:old:restart',
      'setup:new',
      'hook:new:startup',
      'hook:new:shutdown',
      'hook:new:finalShutdown',
      'hook:old:restartFailed',
    ]);
    expect(txt(await udpExchange(portOf(inst), makeQuery('example.org.')))).toBe('a');
  });

  it('fails the start when an onStartup hook fails, after cleaning up', async () => {
    await expect(start('. {\n  hooks h fail startup\n  answer a\n}\n')).rejects.toThrow(
      'plugin/hooks: startup failed on purpose',
    );
    expect(events).toEqual([
      'setup:h',
      'hook:h:firstStartup',
      'hook:h:startup',
      'hook:h:shutdown',
      'hook:h:finalShutdown',
    ]);
  });

  it('logs failing shutdown hooks and still stops', async () => {
    const inst = await start('. {\n  hooks h fail shutdown\n  answer a\n}\n');
    await inst.stop();
    expect(inst.state).toBe('stopped');
    expect(logs.lines).toContain('[ERROR] plugin/hooks: shutdown failed on purpose');
    expect(events.slice(-2)).toEqual(['hook:h:shutdown', 'hook:h:finalShutdown']);
  });
});

describe('reload', () => {
  it('hands the listeners over: same port, new answers, old TCP connections keep working', async () => {
    const inst = await start('. {\n  answer one\n}\n');
    const port = portOf(inst);
    const conn = await TcpTestClient.connect(port);
    await conn.write(frame(encodeMessage(makeQuery('a.example.'))));
    await conn.waitFor(1);
    let seen: ServerInstance | undefined;
    inst.on('reload', (n) => (seen = n));
    const next = await inst.reload({ text: '. {\n  answer two\n}\n', filename: 'Corefile' });
    expect(seen).toBe(next);
    expect(portOf(next)).toBe(port);
    expect(txt(await udpExchange(port, makeQuery('example.org.')))).toBe('two');
    await conn.write(frame(encodeMessage(makeQuery('b.example.'))));
    const answers = await conn.waitFor(2);
    expect(answers.map(txt)).toEqual(['one', 'two']);
    conn.close();
  });

  it('reuses the instance source when none is given', async () => {
    const inst = await start('. {\n  hooks same\n  answer one\n}\n');
    const next = await inst.reload();
    expect(next.source).toBe(inst.source);
    expect(txt(await udpExchange(portOf(next), makeQuery('example.org.')))).toBe('one');
  });

  it('closes listeners no longer wanted and binds new ones', async () => {
    const keep = await freePort();
    const drop = await freePort();
    const add = await freePort();
    const inst = await start(`.:${keep} {\n  answer keep\n}\n.:${drop} {\n  answer drop\n}\n`);
    expect(txt(await udpExchange(drop, makeQuery('x.')))).toBe('drop');
    const next = await inst.reload({
      text: `.:${keep} {\n  answer keep2\n}\n.:${add} {\n  answer add\n}\n`,
      filename: 'Corefile',
    });
    expect(next.listeners.map((l) => l.port).sort()).toEqual([keep, keep, add, add].sort());
    expect(txt(await udpExchange(keep, makeQuery('x.')))).toBe('keep2');
    expect(txt(await tcpExchange(add, makeQuery('x.')))).toBe('add');
    expect(await udpExchangeRaw(drop, encodeMessage(makeQuery('x.')), '127.0.0.1', 300)).toBeUndefined();
    await expect(TcpTestClient.connect(drop)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('moves a port from one address to the wildcard (a bind change)', async () => {
    const port = await freePort();
    const inst = await start(`.:${port} {\n  listen 127.0.0.1\n  answer specific\n}\n`);
    expect(txt(await udpExchange(port, makeQuery('x.')))).toBe('specific');
    const next = await inst.reload({ text: `.:${port} {\n  answer wildcard\n}\n`, filename: 'Corefile' });
    expect(next.listeners.map((l) => l.address)).toEqual(['::', '::']);
    expect(txt(await udpExchange(port, makeQuery('x.')))).toBe('wildcard');
    expect(txt(await tcpExchange(port, makeQuery('x.'), '::1'))).toBe('wildcard');
  });

  it('listens again on a released address when the reload fails after all', async () => {
    const port = await freePort();
    const squatter: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
    const taken = squatter.address().port;
    try {
      const inst = await start(`.:${port} {\n  listen 127.0.0.1\n  answer old\n}\n`);
      await expect(
        inst.reload({
          text: `.:${port} {\n  answer new\n}\n.:${taken} {\n  listen 127.0.0.1\n  answer other\n}\n`,
          filename: 'Corefile',
        }),
      ).rejects.toThrow(`listen udp 127.0.0.1:${taken}: bind: address already in use`);
      expect(inst.current).toBe(inst);
      expect(inst.listeners.map((l) => `${l.address}:${l.port}`)).toEqual([
        `127.0.0.1:${port}`,
        `127.0.0.1:${port}`,
      ]);
      expect(txt(await udpExchange(port, makeQuery('x.')))).toBe('old');
      expect(txt(await tcpExchange(port, makeQuery('x.')))).toBe('old');
    } finally {
      squatter.close();
    }
  });

  it('lets in-flight queries of the old instance finish', async () => {
    const inst = await start('. {\n  answer slow delay 300\n}\n');
    const port = portOf(inst);
    const pending = udpExchange(port, makeQuery('example.org.'));
    await sleep(50);
    const next = await inst.reload({ text: '. {\n  answer fast\n}\n', filename: 'Corefile' });
    expect(txt(await pending)).toBe('slow');
    expect(txt(await udpExchange(portOf(next), makeQuery('example.org.')))).toBe('fast');
  });

  it('keeps answering every query of a query loop across good and broken reloads', async () => {
    const inst = await start('. {\n  answer v0\n}\n');
    const port = portOf(inst);
    let stop = false;
    let asked = 0;
    const seen = new Set<string>();
    const loop = (async () => {
      while (!stop) {
        const answers = await Promise.all(
          Array.from({ length: 4 }, () => udpExchange(port, makeQuery('loop.example.'), '127.0.0.1', 1000)),
        );
        for (const a of answers) seen.add(txt(a));
        asked += answers.length;
      }
    })();
    let current: ServerInstance = inst;
    for (let i = 1; i <= 6; i++) {
      await sleep(20);
      current = await current.reload({ text: `. {\n  answer v${i}\n}\n`, filename: 'Corefile' });
      await expect(
        current.reload({ text: `. {\n  answer v${i}\n  broken\n}\n`, filename: 'Corefile' }),
      ).rejects.toThrow(/Unknown directive 'broken'/);
    }
    await sleep(50);
    stop = true;
    await loop;
    expect(asked).toBeGreaterThan(20);
    expect(seen.has('v6')).toBe(true);
    expect(seen.size).toBeGreaterThan(2);
  });

  it('serialises concurrent reloads and a stop', async () => {
    const inst = await start('. {\n  answer a\n}\n');
    const r1 = inst.reload({ text: '. {\n  answer b\n}\n', filename: 'Corefile' });
    const r2 = inst.reload({ text: '. {\n  answer c\n}\n', filename: 'Corefile' });
    const [n1, n2] = await Promise.all([r1, r2]);
    expect(n1.generation).toBe(1);
    expect(n2.generation).toBe(2);
    expect(txt(await udpExchange(portOf(n2), makeQuery('x.')))).toBe('c');
    await inst.stop();
    expect(n2.state).toBe('stopped');
    await expect(inst.reload()).rejects.toThrow('cannot reload: the server is stopped');
  });
});

describe('stop', () => {
  it('lets an in-flight query finish, then closes the sockets', async () => {
    const inst = await start('. {\n  answer slow delay 200\n}\n');
    const port = portOf(inst);
    const pending = tcpExchange(port, makeQuery('example.org.'));
    await sleep(50);
    await inst.stop();
    expect(txt(await pending)).toBe('slow');
    await expect(TcpTestClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('answers over the network', () => {
  it('answers SERVFAIL and logs the panic when a handler throws; HandlerError gives its rcode', async () => {
    const inst = await start(
      'throw.example {\n  fail throw\n}\nhandler.example {\n  fail handler 5\n}\nreject.example {\n  fail reject\n}\n',
      {
        defaultPort: '0',
      },
    );
    const port = portOf(inst, 'throw.example.');
    expect(getRcode(await udpExchange(port, makeQuery('throw.example.')))).toBe(Rcode.SERVFAIL);
    expect(getRcode(await udpExchange(port, makeQuery('handler.example.')))).toBe(Rcode.REFUSED);
    expect(getRcode(await tcpExchange(port, makeQuery('reject.example.')))).toBe(Rcode.SERVFAIL);
    expect(logs.lines).toEqual([
      `[ERROR] Recovered from panic in server: "dns://:${port}" Error: boom`,
      `[ERROR] Recovered from panic in server: "dns://:${port}" Error: async boom`,
    ]);
  });

  it('truncates large UDP answers with TC and sends them whole over TCP', async () => {
    const inst = await start('. {\n  many 100\n}\n');
    const port = portOf(inst);
    const udp = await udpExchange(port, makeQuery('example.org.'));
    expect(udp.flags & 0x0200).toBe(0x0200);
    expect(udp.answers.length).toBeLessThan(100);
    const edns = await udpExchange(port, makeQuery('example.org.', 'A', { udpSize: 4096 }));
    expect(edns.answers).toHaveLength(100);
    const tcp = await tcpExchange(port, makeQuery('example.org.'));
    expect(tcp.flags & 0x0200).toBe(0);
    expect(tcp.answers).toHaveLength(100);
  });

  it('answers an answer too large for any message truncated over UDP (TC), SERVFAIL over TCP', async () => {
    // 30000 A records: about 480 KB, more than one DNS message can hold.
    const inst = await start('. {\n  many 30000\n}\n');
    const port = portOf(inst);
    for (const udpSize of [undefined, 4096, 65535]) {
      const udp = await udpExchange(port, makeQuery('example.org.', 'A', { udpSize }));
      expect(getRcode(udp)).toBe(Rcode.NOERROR);
      expect(udp.flags & 0x0200).toBe(0x0200);
      expect(udp.answers.length).toBeGreaterThan(0);
      expect(encodeMessage(udp).length).toBeLessThanOrEqual(Math.min(udpSize ?? 512, 65507));
    }
    expect(logs.lines).toEqual([]);
    const tcp = await tcpExchange(port, makeQuery('example.org.'));
    expect(getRcode(tcp)).toBe(Rcode.SERVFAIL);
    expect(tcp.answers).toEqual([]);
    expect(logs.lines).toEqual([
      expect.stringMatching(
        /^\[ERROR\] Could not encode the response to "A IN example\.org\." .*65535 octets/,
      ),
    ]);
  });

  it('does not answer garbage shorter than a header, and FORMERRs undecodable messages', async () => {
    const inst = await start('. {\n  answer a\n}\n');
    const port = portOf(inst);
    expect(await udpExchangeRaw(port, new Uint8Array([1, 2, 3, 4]), '127.0.0.1', 300)).toBeUndefined();
    const bytes = encodeMessage(makeQuery('example.org.'));
    bytes[11] = 1; // an additional record that is not there
    const a = await udpExchangeRaw(port, bytes);
    expect(a).toBeDefined();
    expect(a![3] & 0xf).toBe(Rcode.FORMERR);
  });
});

describe('DNS over TCP', () => {
  it('reassembles a message split across writes, and answers several sent in one write', async () => {
    const inst = await start('. {\n  answer a\n}\n');
    const client = await TcpTestClient.connect(portOf(inst));
    const one = frame(encodeMessage(makeQuery('one.example.', 'A', { id: 1 })));
    await client.write(one.subarray(0, 1));
    await sleep(20);
    await client.write(one.subarray(1, 7));
    await sleep(20);
    await client.write(one.subarray(7));
    await client.waitFor(1);
    const two = frame(encodeMessage(makeQuery('two.example.', 'A', { id: 2 })));
    const three = frame(encodeMessage(makeQuery('three.example.', 'A', { id: 3 })));
    const four = frame(encodeMessage(makeQuery('four.example.', 'A', { id: 4 })));
    await client.write(Buffer.concat([two, three, four.subarray(0, 5)]));
    await sleep(20);
    await client.write(four.subarray(5));
    const answers = await client.waitFor(4);
    expect(answers.map((a) => a.id)).toEqual([1, 2, 3, 4]);
    expect(answers.map((a) => a.questions[0].name)).toEqual([
      'one.example.',
      'two.example.',
      'three.example.',
      'four.example.',
    ]);
    client.close();
  });

  it('answers pipelined queries as they complete, out of order', async () => {
    const inst = await start(
      'slow.example {\n  answer slow delay 200\n}\nfast.example {\n  answer fast\n}\n',
    );
    const client = await TcpTestClient.connect(portOf(inst, 'slow.example.'));
    await client.write(
      Buffer.concat([
        frame(encodeMessage(makeQuery('slow.example.', 'A', { id: 10 }))),
        frame(encodeMessage(makeQuery('fast.example.', 'A', { id: 11 }))),
      ]),
    );
    const answers = await client.waitFor(2);
    expect(answers.map((a) => a.id)).toEqual([11, 10]);
    client.close();
  });

  it('closes only the connection that sends a frame shorter than a header', async () => {
    const inst = await start('. {\n  answer a\n}\n');
    const port = portOf(inst);
    const good = await TcpTestClient.connect(port);
    const bad = await TcpTestClient.connect(port);
    const empty = await TcpTestClient.connect(port);
    await bad.write(Buffer.from([0, 5, 1, 2, 3, 4, 5]));
    await empty.write(Buffer.from([0, 0]));
    expect(await bad.waitClosed()).toBe(true);
    expect(await empty.waitClosed()).toBe(true);
    await good.write(frame(encodeMessage(makeQuery('still.example.'))));
    expect(txt((await good.waitFor(1))[0])).toBe('a');
    good.close();
  });

  it('closes idle connections after the idle timeout', async () => {
    const inst = await start('. {\n  answer a\n}\n', { tcp: { idleTimeoutMs: 150 } });
    const client = await TcpTestClient.connect(portOf(inst));
    const t0 = Date.now();
    expect(await client.waitClosed(2000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('caps concurrent connections', async () => {
    const inst = await start('. {\n  answer a\n}\n', { tcp: { maxConnections: 2 } });
    const port = portOf(inst);
    const a = await TcpTestClient.connect(port);
    const b = await TcpTestClient.connect(port);
    await sleep(50);
    const c = await TcpTestClient.connect(port);
    expect(await c.waitClosed(1000)).toBe(true);
    await a.write(frame(encodeMessage(makeQuery('x.'))));
    expect(await a.waitFor(1)).toHaveLength(1);
    a.close();
    b.close();
  });

  it('bounds the queries of one connection in flight without losing any', async () => {
    const inst = await start('. {\n  answer slow delay 60\n}\n', { tcp: { maxInflightPerConnection: 2 } });
    const client = await TcpTestClient.connect(portOf(inst));
    const t0 = Date.now();
    await client.write(
      Buffer.concat(
        Array.from({ length: 6 }, (_, i) => frame(encodeMessage(makeQuery('x.', 'A', { id: i })))),
      ),
    );
    const answers = await client.waitFor(6);
    expect(answers.map((a) => a.id).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // two at a time: three rounds of 60 ms
    expect(Date.now() - t0).toBeGreaterThanOrEqual(170);
    client.close();
  });
});
