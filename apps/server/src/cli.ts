/**
 * The `tsdns` program: CoreDNS's command line and process behaviour (coremain.Run and
 * Caddy's signal traps) around core's server runtime and the compiled-in plugin table.
 */
import { log, setQuiet, startServer, type ServerInstance } from '@tsdns/core';
import { corefileLoader } from './corefile-source.js';
import { FlagError, parseFlags, usage } from './flags.js';
import { pluginTable, type PluginTableEntry } from './generated/plugins.js';
import { removePidfile, writePidfile } from './pidfile.js';
import { SignalTrap } from './signals.js';
import { APP_NAME, pluginsText, versionText } from './version.js';

/** Exit codes: Go's flag package exits 2 on a command-line mistake, log.Fatal exits 1. */
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_USAGE = 2;
/** Caddy's exit code when a second stop signal cuts a graceful shutdown short. */
export const EXIT_FORCED = 2;

/**
 * CoreDNS's fatal errors (mustLogFatal) go to stderr as the bare message, without a level
 * prefix, so the operator sees e.g. "Corefile:3 - Error during parsing: Unknown directive 'x'".
 */
function fatal(message: string): number {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  return EXIT_FATAL;
}

/** A plugin whose definition names another directive would be reached under the wrong name. */
function checkTable(table: readonly PluginTableEntry[]): string | undefined {
  for (const p of table) {
    if (p.definition.name !== p.directive) {
      return `plugin.cfg lists "${p.directive}" from ${p.packageName}, but that package defines "${p.definition.name}"`;
    }
  }
  return undefined;
}

/**
 * Runs the program. Resolves with the exit code: at once for -version, -plugins, -help and
 * startup failures; after a SIGTERM or SIGINT has stopped the server otherwise.
 */
export async function run(argv: readonly string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`${err.message}\n${usage(APP_NAME)}`);
    return EXIT_USAGE;
  }
  if (flags.help) {
    process.stderr.write(usage(APP_NAME));
    return EXIT_OK;
  }
  if (flags.rest.length > 0) return fatal(`extra command line arguments: [${flags.rest.join(' ')}]`);
  if (flags.version) {
    process.stdout.write(versionText());
    return EXIT_OK;
  }
  if (flags.plugins) {
    // CoreDNS prints the list with Println: one more newline after the last plugin.
    process.stdout.write(pluginsText(pluginTable) + '\n');
    return EXIT_OK;
  }
  const tableError = checkTable(pluginTable);
  if (tableError !== undefined) return fatal(tableError);

  setQuiet(flags.quiet);
  const pidfile = flags.pidfile;
  const trap = new SignalTrap({
    onStopped() {
      if (pidfile !== undefined) removePidfile(pidfile);
    },
    onForceQuit() {
      if (pidfile !== undefined) removePidfile(pidfile);
      process.exit(EXIT_FORCED);
    },
  });
  const loader = corefileLoader(flags.conf, flags.port);
  let instance: ServerInstance;
  try {
    instance = await startServer(await loader.load(), {
      plugins: pluginTable.map((p) => p.definition),
      defaultPort: String(flags.port),
      quiet: flags.quiet,
    });
  } catch (err) {
    trap.dispose();
    return fatal((err as Error).message);
  }
  if (pidfile !== undefined) {
    try {
      writePidfile(pidfile);
    } catch (err) {
      log.error(`Could not write pidfile: ${(err as Error).message}`);
    }
  }
  trap.attach(instance, loader);
  // Last: whoever waits for this line may rely on the pid file and the signal handlers.
  if (!flags.quiet) process.stdout.write(versionText());
  await trap.done;
  return EXIT_OK;
}
