import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RUNTIME_FLAGS, runtimeFlagsFor } from './runtime.js';

describe('runtime flags', () => {
  it('applies every flag the operator did not set', () => {
    expect(runtimeFlagsFor([])).toEqual(RUNTIME_FLAGS);
    expect(runtimeFlagsFor(['--max-semi-space-size=4', '--inspect'])).toEqual(RUNTIME_FLAGS);
  });

  it("leaves a flag the operator set either way, in V8's spellings", () => {
    expect(runtimeFlagsFor(['--concurrent-array-buffer-sweeping'])).toEqual([]);
    expect(runtimeFlagsFor(['--no-concurrent-array-buffer-sweeping'])).toEqual([]);
    expect(runtimeFlagsFor(['--concurrent_array_buffer_sweeping'])).toEqual([]);
  });

  it('names flags this Node accepts', () => {
    // A flag V8 does not know is ignored with a warning; running node with each one
    // and no warning proves the names right for the Node in use.
    for (const flag of RUNTIME_FLAGS) {
      const r = spawnSync(process.execPath, [flag, '-e', ''], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
    }
  });
});
