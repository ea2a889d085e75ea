import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';

/** Thrown when a CPU profile is asked for while another one is being taken. */
export class ProfileBusyError extends Error {
  override readonly name = 'ProfileBusyError';
}

/** V8 keeps one CPU profiler per isolate; overlapping profiles would cut each other short. */
let cpuProfileRunning = false;

/**
 * Takes a CPU profile of this process for `seconds` (or until `signal` aborts, when the
 * client has gone) through the inspector, in-process: the result is what Chrome DevTools
 * and other tools read as a `.cpuprofile` file. Throws ProfileBusyError when a profile is
 * already running.
 */
export async function takeCpuProfile(seconds: number, signal?: AbortSignal): Promise<Profiler.Profile> {
  if (cpuProfileRunning) throw new ProfileBusyError('a CPU profile is already being taken');
  cpuProfileRunning = true;
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, seconds * 1000);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done);
      if (signal?.aborted === true) done();
    });
    const { profile } = await session.post('Profiler.stop');
    await session.post('Profiler.disable');
    return profile;
  } finally {
    session.disconnect();
    cpuProfileRunning = false;
  }
}

/**
 * Writes a heap snapshot of this process (a `.heapsnapshot` file) to `write` in the chunks
 * V8 produces. V8 walks the whole heap on the main thread: queries wait meanwhile, for
 * about as long as a full garbage collection of a heap this size takes, and the snapshot
 * needs memory of the order of the heap's.
 */
export async function writeHeapSnapshot(write: (chunk: string) => void): Promise<void> {
  const session = new Session();
  session.connect();
  const onChunk = (m: { params: { chunk: string } }): void => write(m.params.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    session.disconnect();
  }
}
