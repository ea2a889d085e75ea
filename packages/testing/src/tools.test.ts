import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTool, parseDigOutput, runTool, type ToolRun } from './tools.js';

// Output captured from the real tools (Debian's kdig 3.2 and dig 9.18) against a test server.
function fixture(name: string, exitCode = 0): ToolRun {
  const read = (ext: string): string => {
    const path = new URL(`./test-fixtures/${name}.${ext}`, import.meta.url);
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  };
  return { exitCode, stdout: read('stdout'), stderr: read('stderr') };
}

describe('parseDigOutput', () => {
  it("reads dig's header, flags, EDNS, sections and size", () => {
    const r = parseDigOutput(fixture('dig-plain'));
    expect(r).toMatchObject({
      opcode: 'QUERY',
      status: 'NOERROR',
      flags: ['qr', 'aa', 'rd'],
      counts: { query: 1, answer: 2, authority: 0, additional: 1 },
      edns: { version: 0, flags: [], udp: 1232 },
      question: [{ name: 'example.org.', class: 'IN', type: 'A' }],
      transport: 'UDP',
      retriedOverTcp: false,
      size: 116,
    });
    expect(r.id).toBeTypeOf('number');
    expect(r.answer).toEqual([
      {
        name: 'example.org.',
        ttl: 300,
        class: 'IN',
        type: 'A',
        rdata: '192.0.2.1',
        line: 'example.org.\t\t300\tIN\tA\t192.0.2.1',
      },
      {
        name: 'example.org.',
        ttl: 60,
        class: 'IN',
        type: 'TXT',
        rdata: '"hello world" "x"',
        line: 'example.org.\t\t60\tIN\tTXT\t"hello world" "x"',
      },
    ]);
  });

  it("reads kdig's format, EDNS version and flags", () => {
    const r = parseDigOutput(fixture('kdig-edns'));
    expect(r).toMatchObject({
      opcode: 'QUERY',
      status: 'NOERROR',
      flags: ['qr', 'aa', 'rd'],
      counts: { query: 1, answer: 2, authority: 0, additional: 1 },
      edns: { version: 1, flags: ['do'], udp: 900 },
      question: [{ name: 'example.org.', class: 'IN', type: 'A' }],
      transport: 'UDP',
      size: 104,
    });
    expect(r.answer.map((a) => [a.name, a.ttl, a.type, a.rdata])).toEqual([
      ['example.org.', 300, 'A', '192.0.2.1'],
      ['example.org.', 60, 'TXT', '"hello world" "x"'],
    ]);
  });

  it('notices a truncated answer retried over TCP (dig and kdig)', () => {
    for (const name of ['dig-tc', 'kdig-tc']) {
      const r = parseDigOutput(fixture(name));
      expect(r.retriedOverTcp, name).toBe(true);
      expect(r.transport, name).toBe('TCP');
      expect(r.answer, name).toHaveLength(41);
      expect(r.counts?.answer, name).toBe(41);
      expect(r.edns, name).toBeUndefined();
    }
  });

  it('leaves the answer fields empty when no server answered', () => {
    for (const [name, code] of [
      ['dig-refused', 9],
      ['kdig-refused', 1],
    ] as const) {
      const r = parseDigOutput(fixture(name, code));
      expect(r.exitCode).toBe(code);
      expect(r.status, name).toBeUndefined();
      expect(r.answer, name).toEqual([]);
      expect(r.flags, name).toEqual([]);
    }
  });

  it('takes the extended rcode kdig prints in the EDNS line as the status', () => {
    const stdout = [
      ';; ->>HEADER<<- opcode: QUERY; status: NOERROR; id: 7',
      ';; Flags: qr rd; QUERY: 1; ANSWER: 0; AUTHORITY: 0; ADDITIONAL: 1',
      '',
      ';; EDNS PSEUDOSECTION:',
      ';; Version: 0; flags: ; UDP size: 1232 B; ext-rcode: BADVERS',
      '',
    ].join('\n');
    const r = parseDigOutput({ exitCode: 0, stdout, stderr: '' });
    expect(r.status).toBe('BADVERS');
    expect(r.id).toBe(7);
  });
});

describe('hasTool and runTool', () => {
  it('finds programs on PATH and not made-up ones', () => {
    expect(hasTool('node')).toBe(true);
    expect(hasTool('no-such-tool-tsdns')).toBe(false);
  });

  it('returns a non-zero exit as a result', async () => {
    const r = await runTool(process.execPath, ['-e', 'process.stderr.write("x"); process.exit(3)']);
    expect(r).toEqual({ exitCode: 3, stdout: '', stderr: 'x' });
  });

  it('rejects when the program does not exist', async () => {
    await expect(runTool('no-such-tool-tsdns', [])).rejects.toThrow(/no-such-tool-tsdns/);
  });
});
