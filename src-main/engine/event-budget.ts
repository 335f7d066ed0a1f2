/**
 * A job's budget of change events: at most `maxEvents` in any span of `windowMs`. State changes
 * are never held back, so they are only recorded; progress asks for a slot that leaves room for
 * the state changes that may still come, which keeps the promise whatever happens next.
 */
import type { Clock } from './clock.js';

export interface EventBudgetOptions {
  readonly clock: Clock;
  readonly maxEvents: number;
  readonly windowMs: number;
}

export interface EventBudget {
  /** An event was emitted now. */
  record(): void;
  /**
   * The earliest time (now or later) at which one more event still leaves room for `reserve`
   * later ones in every span of `windowMs`. Events recorded meanwhile can move it later.
   */
  nextSlot(reserve: number): number;
}

export function createEventBudget(options: EventBudgetOptions): EventBudget {
  const { clock, maxEvents, windowMs } = options;
  // Only the newest maxEvents times can matter for a window that may hold maxEvents.
  const times: number[] = [];

  return {
    record() {
      times.push(clock.now());
      if (times.length > maxEvents) times.shift();
    },
    nextSlot(reserve) {
      const now = clock.now();
      // The span ending at t is (t - windowMs, t]: an event at e has left it once t >= e + windowMs.
      const inWindow = times.filter((e) => e > now - windowMs);
      const allowedBefore = Math.max(0, maxEvents - 1 - reserve);
      if (inWindow.length <= allowedBefore) return now;
      // Wait until all but `allowedBefore` of them have left the span.
      return (inWindow[inWindow.length - allowedBefore - 1] as number) + windowMs;
    },
  };
}
