/**
 * Starts a tsdns server inside the test process from a Corefile string, on free ports, with
 * the plugins the test names: the harness a plugin author's integration tests start from.
 */
import {
  captureLog,
  startServer,
  type LogCapture,
  type Message,
  type PluginDefinition,
  type ServerInstance,
} from '@tsdns/core';
import { query as clientQuery } from './client.js';
import { freePorts } from './ports.js';
import { DEFAULT_HOST, type QueryOptions, type Target } from './query-message.js';

/**
 * A Corefile: its text, or a function from free ports to its text (for servers on several
 * ports, or to let the harness pick the port).
 */
export type TestCorefile = string | ((ports: readonly number[]) => string);

export interface TestServerOptions {
  corefile: TestCorefile;
  /** The plugins compiled in, in chain order (the order of a plugin.cfg). */
  plugins: readonly PluginDefinition[];
  /** How many ports a function `corefile` receives; default 1. */
  portCount?: number;
  /** The name errors cite for the Corefile; default "Corefile". */
  filename?: string;
  /** Port for server block keys without one; default "53" as in CoreDNS. */
  defaultPort?: string;
  /** `{$NAME}` substitution variables; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Print the startup banner; default false. */
  banner?: boolean;
  /** Capture log lines in `logs` instead of printing them; default false. */
  captureLogs?: boolean;
}

export interface TestServer {
  /** The ports given to a function `corefile`; for a text Corefile, every bound port. */
  readonly ports: readonly number[];
  /** The first port. */
  readonly port: number;
  /** 127.0.0.1 and the first port. */
  readonly target: Target;
  /** The running instance (the newest after reloads). */
  readonly instance: ServerInstance;
  /** Log lines written since start, when `captureLogs` is on (else empty). */
  readonly logs: readonly string[];
  /** Queries the server; `port` picks another of its ports. */
  query(name: string, type: string, opts?: QueryOptions & { port?: number }): Promise<Message>;
  /** Graceful reload with a new Corefile; a function receives the same ports. */
  reload(corefile: TestCorefile): Promise<ServerInstance>;
  /** Stops the server and restores logging. */
  stop(): Promise<void>;
}

/** Bind attempts before giving up when another process takes a probed port first. */
const START_ATTEMPTS = 5;

function isAddressInUse(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const filename = options.filename ?? 'Corefile';
  const capture: LogCapture | undefined = options.captureLogs ? captureLog() : undefined;
  const startOptions = {
    plugins: options.plugins,
    defaultPort: options.defaultPort,
    env: options.env,
    quiet: !options.banner,
  };
  let instance: ServerInstance | undefined;
  let ports: readonly number[] = [];
  try {
    const corefile = options.corefile;
    if (typeof corefile === 'string') {
      instance = await startServer({ text: corefile, filename }, startOptions);
    } else {
      for (let attempt = 1; instance === undefined; attempt++) {
        ports = await freePorts(options.portCount ?? 1);
        try {
          instance = await startServer({ text: corefile(ports), filename }, startOptions);
        } catch (err) {
          if (!isAddressInUse(err) || attempt >= START_ATTEMPTS) throw err;
        }
      }
    }
  } catch (err) {
    capture?.restore();
    throw err;
  }
  if (ports.length === 0) ports = [...new Set(instance.listeners.map((l) => l.port))];
  return new RunningTestServer(instance, ports, filename, capture);
}

class RunningTestServer implements TestServer {
  readonly target: Target;

  constructor(
    private readonly started: ServerInstance,
    readonly ports: readonly number[],
    private readonly filename: string,
    private readonly capture: LogCapture | undefined,
  ) {
    this.target = { host: DEFAULT_HOST, port: ports[0] };
  }

  get port(): number {
    return this.ports[0];
  }

  get instance(): ServerInstance {
    return this.started.current;
  }

  get logs(): readonly string[] {
    return this.capture?.lines ?? [];
  }

  query(name: string, type: string, opts: QueryOptions & { port?: number } = {}): Promise<Message> {
    const target = opts.port === undefined ? this.target : { host: DEFAULT_HOST, port: opts.port };
    return clientQuery(target, name, type, opts);
  }

  reload(corefile: TestCorefile): Promise<ServerInstance> {
    const text = typeof corefile === 'string' ? corefile : corefile(this.ports);
    return this.instance.reload({ text, filename: this.filename });
  }

  async stop(): Promise<void> {
    try {
      await this.instance.stop();
    } finally {
      this.capture?.restore();
    }
  }
}
