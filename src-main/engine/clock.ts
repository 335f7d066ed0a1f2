/**
 * Time as the engine sees it. Injected so tests can move time by hand instead of waiting.
 */
export interface Clock {
  /** Milliseconds, monotonic enough for rates and throttling. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
