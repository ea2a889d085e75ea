import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings the `tsdns` executable applies to itself before it serves, each with the
 * reason it suits a DNS server:
 *
 * - `--no-concurrent-array-buffer-sweeping`: Node allocates an ArrayBuffer for every
 *   datagram it receives, so every query leaves one behind. By default V8 hands the
 *   freeing of dead ArrayBuffers to a helper thread after each young-generation collection;
 *   that thread then frees into the allocator the main thread is allocating the next
 *   receive buffers from, and competes with it (and on small hosts with everything else)
 *   for a core. Freeing them on the main thread, right after the collection, cut tsdns's CPU
 *   per query by 5-7% on the two-core benchmark host and took the helper threads' share
 *   from 0.3 to under 0.1 µs per query. Concurrent marking and parallel scavenging, which
 *   large zones and caches need, are left alone.
 */
export const RUNTIME_FLAGS: readonly string[] = ['--no-concurrent-array-buffer-sweeping'];

/** The flag's name without its `--` or `--no-` prefix, with `_` read as `-` as V8 does. */
function flagName(arg: string): string | undefined {
  if (!arg.startsWith('--')) return undefined;
  let name = arg.slice(2).split('=')[0].replaceAll('_', '-');
  if (name.startsWith('no-')) name = name.slice(3);
  return name;
}

/**
 * The runtime flags to apply: those the operator did not set either way on Node's command
 * line (`node --concurrent-array-buffer-sweeping .../tsdns` keeps V8's default).
 */
export function runtimeFlagsFor(execArgv: readonly string[]): string[] {
  const given = new Set<string>();
  for (const arg of execArgv) {
    const name = flagName(arg);
    if (name !== undefined) given.add(name);
  }
  return RUNTIME_FLAGS.filter((flag) => !given.has(flagName(flag)!));
}

/**
 * Applies the runtime flags (see RUNTIME_FLAGS) the operator did not set, and returns them.
 * V8 reads these when it next collects, so they take effect at once.
 */
export function tuneRuntime(execArgv: readonly string[] = process.execArgv): string[] {
  const flags = runtimeFlagsFor(execArgv);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
