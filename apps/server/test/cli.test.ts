// The `tsdns` command line, run as a real process: flags, startup output and exit codes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rcode, getRcode } from '@tsdns/core';
import { answersQuery, query, waitFor } from '@tsdns/testing';
import { pluginTable } from '../src/generated/plugins.js';
import { pluginsText, versionText } from '../src/version.js';
import { runTsdns, spawnTsdns, startTsdns } from './support/tsdns-process.js';

describe('tsdns flags that print and exit', () => {
  it('-version prints name-version and the platform line', async () => {
    for (const flag of ['-version', '--version']) {
      const r = await runTsdns({ args: [flag] });
      expect(r).toMatchObject({ code: 0, stdout: versionText(), stderr: '' });
    }
    expect(versionText()).toMatch(/^tsdns-\d+\.\d+\.\d+\n[a-z0-9]+\/[a-z0-9]+, node v\d+\.\d+\.\d+\n$/);
  });

  it('-plugins lists the compiled-in plugins the way coredns -plugins does', async () => {
    const r = await runTsdns({ args: ['-plugins'] });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(pluginsText(pluginTable) + '\n');
    expect(r.stdout).toContain(
      'Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  default\n\nOther plugins:\n',
    );
    for (const p of pluginTable) expect(r.stdout).toContain(`\n  dns.${p.directive}\n`);
  });

  it('-help prints the usage and exits 0; a bad flag prints it and exits 2', async () => {
    const help = await runTsdns({ args: ['-help'] });
    expect(help.code).toBe(0);
    expect(help.stderr).toMatch(/^Usage of tsdns:\n {2}-conf string\n/);
    const bad = await runTsdns({ args: ['-cpu', '50'] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^flag provided but not defined: -cpu\nUsage of tsdns:/);
  });

  it('refuses extra arguments with exit code 1', async () => {
    const r = await runTsdns({ args: ['-quiet', 'surplus'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('extra command line arguments: [surplus]\n');
  });
});

describe('tsdns startup', () => {
  it('fails on a directive that is not compiled in, citing file and line, exit code 1', async () => {
    const r = await runTsdns({
      corefile: (p) => `.:${p[0]} {\n    whoami\n    nosuchplugin arg\n}\n`,
    });
    // One assertion on the whole run, so a failure shows all of it.
    expect(r).toMatchObject({
      code: 1,
      signal: null,
      stderr: expect.stringContaining("Corefile:3 - Error during parsing: Unknown directive 'nosuchplugin'"),
      stdout: expect.not.stringMatching(/tsdns-\d/),
    });
  });

  it('fails when the -conf file cannot be read, exit code 1', async () => {
    const r = await runTsdns({ args: ['-conf', 'does-not-exist'] });
    expect(r).toMatchObject({ code: 1, stderr: 'open does-not-exist: no such file or directory\n' });
  });

  it('prints the served zones then the version, and serves', async () => {
    const p = await startTsdns({ corefile: (ports) => `example.org:${ports[0]} {\n  whoami\n}\n` });
    const port = p.ports[0];
    expect(p.stdout()).toContain(`example.org.:${port}\n`);
    expect(p.stdout()).toContain(versionText());
    expect(p.stdout().indexOf(`example.org.:${port}`)).toBeLessThan(p.stdout().indexOf(versionText()));
    const r = await query({ port }, 'example.org', 'A');
    expect(r.additionals[0]).toMatchObject({ name: 'example.org.', type: 'A', data: '127.0.0.1' });
  });

  it('-quiet suppresses the startup output but not the service', async () => {
    const p = await spawnTsdns({
      corefile: (ports) => `.:${ports[0]} {\n  whoami\n}\n`,
      args: ['-conf', 'Corefile', '-quiet'],
    });
    // -quiet prints nothing when ready: poll until it answers.
    await waitFor(() => answersQuery({ port: p.ports[0] }, 'ready.example.', 'A', false), {
      timeout: 10_000,
      what: 'tsdns to answer',
    });
    expect(p.stdout()).toBe('');
  });

  it('-dns.port (and -p) is the port of server blocks that name none', async () => {
    for (const flag of ['-dns.port', '--p']) {
      const p = await startTsdns({
        corefile: 'example.org {\n  whoami\n}\n',
        portCount: 1,
        args: (ports) => ['-conf', 'Corefile', flag, String(ports[0])],
      });
      const r = await query({ port: p.ports[0] }, 'www.example.org', 'A');
      expect(r.additionals[0]).toMatchObject({ name: 'www.example.org.', type: 'A' });
      p.signal('SIGTERM');
      expect(await p.exited).toEqual({ code: 0, signal: null });
    }
  });

  it("without -conf serves CoreDNS's default Corefile (whoami and log) on -dns.port", async () => {
    const p = await startTsdns({ portCount: 1, args: (ports) => ['-dns.port', String(ports[0])] });
    expect(p.stdout()).toContain(`.:${p.ports[0]}\n`);
    const r = await query({ port: p.ports[0] }, 'default.example', 'A', { transport: 'tcp' });
    expect(r.additionals[0]).toMatchObject({ name: 'default.example.', type: 'A', data: '127.0.0.1' });
    await p.waitForStdout(/\[INFO\] .*"A IN default\.example\. tcp /);
  });

  it('without -conf reads ./Corefile from the working directory', async () => {
    const p = await startTsdns({
      portCount: 1,
      args: [],
      corefile: (ports) => `example.net:${ports[0]} {\n  whoami\n}\n`,
    });
    const r = await query({ port: p.ports[0] }, 'example.net', 'A');
    expect(r.additionals[0]).toMatchObject({ name: 'example.net.', type: 'A' });
    expect(getRcode(await query({ port: p.ports[0] }, 'example.com', 'A'))).toBe(Rcode.REFUSED);
  });

  it('-pidfile holds the process id while running and is removed at exit', async () => {
    const p = await startTsdns({
      corefile: (ports) => `.:${ports[0]} {\n  whoami\n}\n`,
      args: ['-conf', 'Corefile', '-pidfile', 'tsdns.pid'],
    });
    const pidfile = join(p.dir, 'tsdns.pid');
    expect(readFileSync(pidfile, 'utf8')).toBe(`${p.child.pid}\n`);
    p.signal('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(pidfile)).toBe(false);
  });

  it('SIGTERM and SIGINT stop it gracefully with exit code 0', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const p = await startTsdns({ corefile: (ports) => `.:${ports[0]} {\n  whoami\n}\n` });
      p.signal(sig);
      expect(await p.exited).toEqual({ code: 0, signal: null });
      expect(p.stdout()).toContain(`[INFO] ${sig}: Shutting down servers then terminating`);
      await expect(query({ port: p.ports[0] }, 'x.', 'A', { timeout: 300 })).rejects.toThrow();
    }
  });
});
