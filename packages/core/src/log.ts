/**
 * Process-wide logging in CoreDNS's format: one line per message, no timestamp,
 * `[LEVEL] ` then, for plugin loggers, `plugin/NAME: ` then the message. Lines go to stdout
 * (CoreDNS logs to stdout too, so container log collectors see one stream).
 *
 * Debug lines are written only while debug logging is on: the server turns it on when any
 * server block of the running instance has the `debug` directive, as CoreDNS does.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'FATAL';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Logs at FATAL and ends the process with exit code 1 (CoreDNS's log.Fatal). */
  fatal(message: string): never;
}

/** Where log lines go; tests replace it with `captureLog`. */
export interface LogSink {
  /** Receives one complete line without the trailing newline. */
  write(line: string): void;
  /** Ends the process after a FATAL line. */
  exit(code: number): never;
}

const stdoutSink: LogSink = {
  write(line) {
    process.stdout.write(line + '\n');
  },
  exit(code) {
    process.exit(code);
  },
};

let sink: LogSink = stdoutSink;
let debugOn = false;
let quiet = false;

/** Turns debug lines on or off for the whole process. */
export function setDebugLogging(on: boolean): void {
  debugOn = on;
}

export function isDebugLogging(): boolean {
  return debugOn;
}

/**
 * Quiet mode (CoreDNS's -quiet): suppresses the startup banner only; log lines are
 * never suppressed.
 */
export function setQuiet(on: boolean): void {
  quiet = on;
}

export function isQuiet(): boolean {
  return quiet;
}

/** Prints informational startup output (the served zones), unless quiet. */
export function banner(text: string): void {
  if (quiet) return;
  for (const line of text.split('\n')) if (line !== '') sink.write(line);
}

function emit(level: LogLevel, prefix: string, message: string): void {
  sink.write(`[${level}] ${prefix}${message}`);
}

class PrefixLogger implements Logger {
  constructor(private readonly prefix: string) {}
  debug(message: string): void {
    if (debugOn) emit('DEBUG', this.prefix, message);
  }
  info(message: string): void {
    emit('INFO', this.prefix, message);
  }
  warning(message: string): void {
    emit('WARNING', this.prefix, message);
  }
  error(message: string): void {
    emit('ERROR', this.prefix, message);
  }
  fatal(message: string): never {
    emit('FATAL', this.prefix, message);
    return sink.exit(1);
  }
}

/** The logger for messages that do not come from a plugin: `[INFO] message`. */
export const log: Logger = new PrefixLogger('');

const pluginLoggers = new Map<string, Logger>();

/** The logger of one plugin: `[INFO] plugin/NAME: message`. Loggers are cached per name. */
export function pluginLogger(name: string): Logger {
  let l = pluginLoggers.get(name);
  if (l === undefined) {
    l = new PrefixLogger(`plugin/${name}: `);
    pluginLoggers.set(name, l);
  }
  return l;
}

/** Thrown by a captured FATAL line instead of ending the process. */
export class FatalLogExit extends Error {
  override readonly name = 'FatalLogExit';
  constructor(readonly code: number) {
    super(`log.fatal called (exit code ${code})`);
  }
}

export interface LogCapture {
  /** Every line written since the capture started (without newlines). */
  readonly lines: string[];
  /** Removes the captured lines seen so far. */
  clear(): void;
  /** Restores the previous sink. */
  restore(): void;
}

/**
 * Captures log and banner lines instead of writing them (for tests). A FATAL line throws
 * FatalLogExit instead of ending the process. Captures nest: `restore` puts back the sink
 * that was active when this capture began.
 */
export function captureLog(options: { echo?: boolean } = {}): LogCapture {
  const previous = sink;
  const lines: string[] = [];
  sink = {
    write(line) {
      lines.push(line);
      if (options.echo === true) previous.write(line);
    },
    exit(code) {
      throw new FatalLogExit(code);
    },
  };
  return {
    lines,
    clear() {
      lines.length = 0;
    },
    restore() {
      sink = previous;
    },
  };
}
