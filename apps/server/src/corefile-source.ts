/**
 * Where the Corefile comes from, as in CoreDNS: the -conf file ("stdin" reads standard
 * input), else ./Corefile, else the built-in default that answers every name with whoami.
 */
import { readFile } from 'node:fs/promises';
import type { CorefileSource } from '@tsdns/core';

export const DEFAULT_COREFILE_NAME = 'Corefile';

/** CoreDNS's Corefile when none is found: whoami and log for the root zone on the default port. */
export function defaultCorefile(port: number): string {
  return `.:${port} {\nwhoami\nlog\n}\n`;
}

export interface CorefileLoader {
  /** Reads the Corefile now (again on every reload, so edits take effect). */
  load(): Promise<CorefileSource>;
}

/** Node's "ENOENT: no such file or directory, open 'x'" without the code and the call. */
const NODE_FS_MESSAGE = /^[A-Z0-9_]+: (.*?)(?:, [a-z]+(?: '.*')?)?$/;

/**
 * Reads a Corefile, failing with Go's wording ("open Corefile: no such file or directory"),
 * which is what CoreDNS prints when its -conf file is missing or unreadable.
 */
async function readCorefile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const m = NODE_FS_MESSAGE.exec(e.message);
    throw Object.assign(new Error(`open ${path}: ${m ? m[1] : e.message}`, { cause: e }), { code: e.code });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function corefileLoader(conf: string | undefined, port: number): CorefileLoader {
  if (conf === 'stdin') {
    // Standard input can be read once; a reload serves the same text again.
    let text: Promise<string> | undefined;
    return {
      async load() {
        text ??= readStdin();
        return { text: await text, filename: 'stdin' };
      },
    };
  }
  if (conf !== undefined) {
    return {
      async load() {
        return { text: await readCorefile(conf), filename: conf };
      },
    };
  }
  return {
    async load() {
      try {
        return { text: await readCorefile(DEFAULT_COREFILE_NAME), filename: DEFAULT_COREFILE_NAME };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        return { text: defaultCorefile(port), filename: DEFAULT_COREFILE_NAME };
      }
    },
  };
}
