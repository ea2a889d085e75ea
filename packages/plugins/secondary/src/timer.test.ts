import { afterEach, describe, expect, it, vi } from 'vitest';
import { LongTimer } from './timer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('LongTimer', () => {
  it('waits out delays longer than setTimeout takes (an SOA expire of 4 weeks)', () => {
    vi.useFakeTimers();
    const t = new LongTimer();
    const fired = vi.fn();
    const fourWeeks = 28 * 24 * 3600 * 1000;
    t.set(fourWeeks, fired);
    vi.advanceTimersByTime(fourWeeks - 1000);
    expect(fired).not.toHaveBeenCalled();
    expect(t.pending).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(t.pending).toBe(false);
  });

  it('replaces a pending timer, and clear cancels it', () => {
    vi.useFakeTimers();
    const t = new LongTimer();
    const first = vi.fn();
    const second = vi.fn();
    t.set(100, first);
    t.set(200, second);
    vi.advanceTimersByTime(300);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    t.set(100, first);
    t.clear();
    vi.advanceTimersByTime(200);
    expect(first).not.toHaveBeenCalled();
  });
});
