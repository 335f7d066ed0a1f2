/** A function whose calls are coalesced; `flush` runs a pending call now, `cancel` drops it. */
export interface Throttled {
  (): void;
  flush(): void;
  cancel(): void;
}

export interface ThrottleTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ThrottleTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `run` at most once per `intervalMs`: the first call runs at once, calls during the
 * interval collapse into one run at its end, so the last state always gets shown. Used for the
 * tray menu, which jobs:changed (up to 10 a second per job) would otherwise rebuild constantly.
 */
export function throttle(run: () => void, intervalMs: number, timers: ThrottleTimers = realTimers): Throttled {
  let timer: unknown;
  let pending = false;

  const fire = (): void => {
    pending = false;
    // The interval starts again from this run, so back-to-back bursts stay spaced.
    timer = timers.setTimeout(() => {
      timer = undefined;
      if (pending) fire();
    }, intervalMs);
    run();
  };

  const throttled = (): void => {
    if (timer === undefined) fire();
    else pending = true;
  };
  throttled.flush = (): void => {
    if (!pending) return;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    fire();
  };
  throttled.cancel = (): void => {
    pending = false;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  return throttled;
}
