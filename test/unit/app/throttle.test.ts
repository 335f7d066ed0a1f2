// The tray menu is rebuilt from a burst of progress events at most once per interval, and
// always with the last state: a burst is never lost, only coalesced.
import { describe, expect, it } from 'vitest';
import { throttle, type ThrottleTimers } from '../../../src-main/app/throttle.js';

/** Timers the test fires by hand, so nothing depends on the clock. */
function manualTimers(): ThrottleTimers & { fireAll(): void; pending(): number } {
  const queue = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout(run) {
      queue.set(++next, run);
      return next;
    },
    clearTimeout(handle) {
      queue.delete(handle as number);
    },
    fireAll() {
      const runs = [...queue.values()];
      queue.clear();
      for (const run of runs) run();
    },
    pending: () => queue.size,
  };
}

describe('throttle', () => {
  it('runs the first call at once and a burst after it once, with the latest state', () => {
    const timers = manualTimers();
    let state = 0;
    const seen: number[] = [];
    const refresh = throttle(() => seen.push(state), 500, timers);
    state = 1;
    refresh();
    for (state = 2; state <= 10; state++) refresh();
    state = 10;
    expect(seen).toEqual([1]);
    timers.fireAll();
    expect(seen).toEqual([1, 10]);
    // Quiet afterwards: the interval ends with nothing pending, and the next call runs at once.
    timers.fireAll();
    expect(seen).toEqual([1, 10]);
    expect(timers.pending()).toBe(0);
    state = 11;
    refresh();
    expect(seen).toEqual([1, 10, 11]);
  });

  it('flush runs a pending call now; cancel drops it', () => {
    const timers = manualTimers();
    const seen: string[] = [];
    let state = 'a';
    const refresh = throttle(() => seen.push(state), 500, timers);
    refresh();
    state = 'b';
    refresh();
    refresh.flush();
    expect(seen).toEqual(['a', 'b']);
    state = 'c';
    refresh();
    refresh.cancel();
    timers.fireAll();
    expect(seen).toEqual(['a', 'b']);
    expect(timers.pending()).toBe(0);
  });
});
