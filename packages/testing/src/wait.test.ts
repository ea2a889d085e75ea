import { describe, expect, it } from 'vitest';
import { eventually, waitFor } from './wait.js';

describe('waitFor', () => {
  it('resolves once the check holds, sync or async', async () => {
    let n = 0;
    await waitFor(() => ++n >= 3, { interval: 1 });
    expect(n).toBe(3);
    let m = 0;
    await waitFor(async () => ++m >= 2, { interval: 1 });
    expect(m).toBe(2);
  });

  it('rejects after the timeout, naming what it waited for and the detail', async () => {
    await expect(
      waitFor(() => false, { timeout: 30, what: 'the zone', detail: () => 'peer log' }),
    ).rejects.toThrow(/^timed out after 30 ms waiting for the zone\npeer log$/);
  });
});

describe('eventually', () => {
  it('retries the assertion until it passes', async () => {
    let n = 0;
    await eventually(
      () => {
        if (++n < 3) throw new Error('not yet');
      },
      { interval: 1 },
    );
    expect(n).toBe(3);
  });

  it("rethrows the assertion's last error after the timeout", async () => {
    let n = 0;
    await expect(
      eventually(
        () => {
          throw new Error(`attempt ${++n}`);
        },
        { timeout: 30, interval: 5 },
      ),
    ).rejects.toThrow(new RegExp(`^attempt ${'\\d+'}$`));
    expect(n).toBeGreaterThan(1);
  });
});
