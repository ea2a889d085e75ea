/**
 * Runs a real etcd (Debian's etcd-server) for tests: on free loopback ports, in a temporary
 * data directory, optionally with TLS; stopped and restarted on the same ports and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3, type IOptions } from 'etcd3';
import { freePorts, hasTool, runTool } from '@tsdns/testing';

export const hasEtcd = hasTool('etcd');
export const hasEtcdctl = hasTool('etcdctl');

export interface EtcdTlsFiles {
  cert: string;
  key: string;
  ca: string;
  /** Require clients to present a certificate signed by `ca`. */
  clientCertAuth: boolean;
  /** A client certificate and key for etcdctl (needed with clientCertAuth). */
  clientCert?: string;
  clientKey?: string;
}

export interface EtcdServerOptions {
  tls?: EtcdTlsFiles;
}

export class EtcdServer {
  readonly dataDir: string;
  #child: ChildProcess | undefined;
  #output = '';

  private constructor(
    readonly clientPort: number,
    readonly peerPort: number,
    readonly options: EtcdServerOptions,
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'tsdns-etcd-'));
  }

  static async start(options: EtcdServerOptions = {}): Promise<EtcdServer> {
    const [clientPort, peerPort] = await freePorts(2);
    const server = new EtcdServer(clientPort, peerPort, options);
    try {
      await server.resume();
    } catch (e) {
      await server.destroy();
      throw e;
    }
    return server;
  }

  get scheme(): 'http' | 'https' {
    return this.options.tls === undefined ? 'http' : 'https';
  }

  /** The client URL, as an `endpoint` argument. */
  get endpoint(): string {
    return `${this.scheme}://127.0.0.1:${this.clientPort}`;
  }

  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts etcd (again) on the same ports and data; resolves when it answers. */
  async resume(): Promise<void> {
    if (this.#child !== undefined) return;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      '--name',
      'default',
      '--data-dir',
      this.dataDir,
      '--listen-client-urls',
      this.endpoint,
      '--advertise-client-urls',
      this.endpoint,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `default=${peer}`,
      '--logger',
      'zap',
      '--log-level',
      'warn',
    ];
    const tls = this.options.tls;
    if (tls !== undefined) {
      args.push('--cert-file', tls.cert, '--key-file', tls.key, '--trusted-ca-file', tls.ca);
      if (tls.clientCertAuth) args.push('--client-cert-auth');
    }
    const child = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const collect = (chunk: Buffer): void => {
      this.#output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    await this.#waitHealthy();
  }

  async #waitHealthy(): Promise<void> {
    const deadline = Date.now() + 20_000;
    const args = [
      '--endpoints',
      this.endpoint,
      '--command-timeout=1s',
      ...this.etcdctlTlsArgs(),
      'endpoint',
      'health',
    ];
    for (;;) {
      if (this.#child === undefined) throw new Error(`etcd exited:\n${this.#output}`);
      if (hasEtcdctl) {
        const r = await runTool('etcdctl', args);
        // With auth on, health still answers (it only needs the cluster to be up).
        if (r.exitCode === 0 || /is healthy/.test(r.stdout + r.stderr)) return;
      } else {
        const client = this.client();
        try {
          await client.get('health-probe').options({ deadline: Date.now() + 1000 });
          return;
        } catch {
          // not yet
        } finally {
          client.close();
        }
      }
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy:\n${this.#output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** TLS flags for etcdctl: the CA, and the client certificate when there is one. */
  etcdctlTlsArgs(): string[] {
    const tls = this.options.tls;
    if (tls === undefined) return [];
    const out = ['--cacert', tls.ca];
    if (tls.clientCert !== undefined && tls.clientKey !== undefined)
      out.push('--cert', tls.clientCert, '--key', tls.clientKey);
    return out;
  }

  /** Runs etcdctl against this server. */
  async etcdctl(args: readonly string[], extra: readonly string[] = []): Promise<string> {
    const r = await runTool('etcdctl', [
      '--endpoints',
      this.endpoint,
      ...this.etcdctlTlsArgs(),
      ...extra,
      ...args,
    ]);
    if (r.exitCode !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** An etcd3 client for writing test data. */
  client(options: Partial<IOptions> = {}): Etcd3 {
    return new Etcd3({ hosts: `127.0.0.1:${this.clientPort}`, ...options });
  }

  /** Stops etcd (SIGTERM) and waits for it to exit; data stays. */
  async pause(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    this.#child = undefined;
  }

  /** Stops etcd and removes its data. */
  async destroy(): Promise<void> {
    await this.pause();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
