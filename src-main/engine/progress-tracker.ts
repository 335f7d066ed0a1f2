/**
 * Turns a job's raw progress updates into snapshots the UI and CLI show: counters, a rate
 * over the last few seconds, ETA and percent when a total is known, and change events
 * throttled to one per interval (the first at once, the last never lost).
 */
import type { ProgressSink, ProgressSnapshot, ProgressUpdate } from '../shared/models/progress.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

export interface ProgressTrackerOptions {
  readonly onChange: (snapshot: ProgressSnapshot) => void;
  readonly clock?: Clock;
  /** Minimum time between change events. Default 125 ms: under ten a second even when delivery bunches them. */
  readonly intervalMs?: number;
  /**
   * The earliest time a change event may go out besides the interval (a job's event budget,
   * shared with its state changes). A held change goes out then, with the latest state.
   */
  readonly notBefore?: () => number;
  /** Span of the sliding window the rate is computed over. */
  readonly rateWindowMs?: number;
}

export interface ProgressTracker {
  readonly sink: ProgressSink;
  /** The latest state, computed now (not throttled). */
  snapshot(): ProgressSnapshot | undefined;
  /** Emit a pending change now (e.g. when the job ends). */
  flush(): void;
  /**
   * The latest state, delivered by the caller some other way (with a job's state change): a
   * pending change is dropped and the interval counts from now.
   */
  take(): ProgressSnapshot | undefined;
  /** Stop emitting; later updates are ignored. */
  dispose(): void;
}

interface Sample {
  readonly t: number;
  readonly bytes: number;
  readonly items: number;
}

/** A rate needs this much history, so the first instants do not show wild numbers. */
const MIN_RATE_SPAN_MS = 500;

export function createProgressTracker(options: ProgressTrackerOptions): ProgressTracker {
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 125;
  const rateWindowMs = options.rateWindowMs ?? 5_000;

  let started = false;
  let phase = '';
  let bytesDone = 0;
  let bytesTotal: number | undefined;
  let itemsDone = 0;
  let itemsTotal: number | undefined;
  let currentItem: string | undefined;
  let samples: Sample[] = [];
  const SAMPLE_EVERY_MS = 100;

  let lastEmit: number | undefined;
  let timer: unknown;
  let pending = false;
  let disposed = false;

  const addSample = (): void => {
    const t = clock.now();
    // Updates can come tens of thousands of times a second (one per small file): samples
    // closer than SAMPLE_EVERY_MS replace the newest, so the window holds a few dozen.
    const newest = samples[samples.length - 1];
    const previous = samples[samples.length - 2];
    if (newest && previous && t - previous.t < SAMPLE_EVERY_MS) samples[samples.length - 1] = { t, bytes: bytesDone, items: itemsDone };
    else samples.push({ t, bytes: bytesDone, items: itemsDone });
    // Keep one sample older than the window as the baseline the rate is measured from.
    while (samples.length > 2 && (samples[1] as Sample).t <= t - rateWindowMs) samples.shift();
  };

  const rates = (): { bytes?: number; items?: number } => {
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!first || !last) return {};
    const span = last.t - first.t;
    if (span < MIN_RATE_SPAN_MS) return {};
    return { bytes: ((last.bytes - first.bytes) * 1000) / span, items: ((last.items - first.items) * 1000) / span };
  };

  const snapshot = (): ProgressSnapshot | undefined => {
    if (!started) return undefined;
    const rate = rates();
    let percent: number | undefined;
    let etaSeconds: number | undefined;
    if (bytesTotal !== undefined && bytesTotal > 0) {
      percent = Math.min(100, (bytesDone / bytesTotal) * 100);
      if (rate.bytes !== undefined && rate.bytes > 0) etaSeconds = Math.max(0, (bytesTotal - bytesDone) / rate.bytes);
    } else if (itemsTotal !== undefined && itemsTotal > 0) {
      percent = Math.min(100, (itemsDone / itemsTotal) * 100);
      if (rate.items !== undefined && rate.items > 0) etaSeconds = Math.max(0, (itemsTotal - itemsDone) / rate.items);
    }
    return {
      phase,
      bytesDone,
      itemsDone,
      ...(bytesTotal !== undefined ? { bytesTotal } : {}),
      ...(itemsTotal !== undefined ? { itemsTotal } : {}),
      ...(currentItem !== undefined ? { currentItem } : {}),
      ...(rate.bytes !== undefined ? { rate: rate.bytes } : {}),
      ...(etaSeconds !== undefined ? { etaSeconds } : {}),
      ...(percent !== undefined ? { percent } : {}),
    };
  };

  const clearTimer = (): void => {
    if (timer !== undefined) {
      clock.clearTimeout(timer);
      timer = undefined;
    }
  };

  const emit = (): void => {
    pending = false;
    clearTimer();
    lastEmit = clock.now();
    const snap = snapshot();
    if (snap) options.onChange(snap);
  };

  /** Emits now if the interval and the budget allow; otherwise one timer delivers the latest state then. */
  const tryEmit = (): void => {
    // A timer is already set: it delivers this update too (plugins may report per small file).
    if (timer !== undefined) {
      pending = true;
      return;
    }
    const now = clock.now();
    const at = Math.max(lastEmit === undefined ? now : lastEmit + intervalMs, options.notBefore?.() ?? now);
    if (at <= now) {
      emit();
      return;
    }
    pending = true;
    timer = clock.setTimeout(() => {
      timer = undefined;
      // The budget may have moved on meanwhile (a state change went out): ask again.
      if (pending && !disposed) tryEmit();
    }, at - now);
  };

  /** False for an update of a kind this host does not know (plugins are plain JavaScript too). */
  const apply = (update: ProgressUpdate): boolean => {
    switch (update.kind) {
      case 'phase':
        // A new phase counts from zero: totals belong to the phase that announced them.
        phase = update.phase;
        bytesDone = 0;
        itemsDone = 0;
        bytesTotal = update.bytesTotal;
        itemsTotal = update.itemsTotal;
        currentItem = undefined;
        samples = [];
        break;
      case 'bytes':
        bytesDone = update.done;
        if (update.total !== undefined) bytesTotal = update.total;
        break;
      case 'item':
        currentItem = update.path;
        // Without a count, each item update is one more item.
        itemsDone = update.itemsDone ?? itemsDone + 1;
        break;
      default:
        return ignoreUnknownUpdate(update);
    }
    started = true;
    addSample();
    return true;
  };

  return {
    sink: {
      report(update) {
        if (disposed || !apply(update)) return;
        tryEmit();
      },
    },
    snapshot,
    flush() {
      if (pending && !disposed) emit();
    },
    take() {
      const snap = snapshot();
      if (disposed || !snap) return snap;
      pending = false;
      clearTimer();
      lastEmit = clock.now();
      return snap;
    },
    dispose() {
      disposed = true;
      pending = false;
      clearTimer();
    },
  };
}

// Type-checked exhaustiveness without failing a job over an update kind from a newer plugin.
function ignoreUnknownUpdate(_update: never): false {
  return false;
}
