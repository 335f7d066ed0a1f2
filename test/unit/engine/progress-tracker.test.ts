import { describe, expect, it } from 'vitest';
import { createProgressTracker } from '../../../src-main/engine/index.js';
import type { ProgressSnapshot } from '../../../src-main/shared/models/progress.js';
import { createManualClock } from './manual-clock.js';

function setup(notBefore?: () => number) {
  const clock = createManualClock();
  const seen: ProgressSnapshot[] = [];
  const times: number[] = [];
  const tracker = createProgressTracker({
    clock,
    onChange: (s) => {
      seen.push(s);
      times.push(clock.now());
    },
    ...(notBefore ? { notBefore } : {}),
  });
  return { clock, seen, times, tracker, report: tracker.sink.report };
}

describe('progress tracker', () => {
  it('shows the first update at once and throttles a burst to one event per window, keeping the last', () => {
    const { clock, seen, report } = setup();
    report({ kind: 'phase', phase: 'Archiving', bytesTotal: 1000 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ phase: 'Archiving', bytesDone: 0, bytesTotal: 1000, percent: 0 });

    for (let i = 1; i <= 50; i++) report({ kind: 'bytes', done: i * 10 });
    expect(seen).toHaveLength(1);
    clock.advance(124);
    expect(seen).toHaveLength(1);
    clock.advance(1);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ bytesDone: 500, percent: 50 });

    // Nothing new: no event.
    clock.advance(1000);
    expect(seen).toHaveLength(2);
  });

  it('emits one event per 125 ms however often the work reports, so bunched delivery still shows under ten a second', () => {
    const { clock, seen, times, report } = setup();
    report({ kind: 'phase', phase: 'Copying' });
    for (let ms = 0; ms < 2000; ms += 5) {
      clock.advance(5);
      report({ kind: 'bytes', done: ms * 100 });
    }
    clock.advance(200);
    expect(seen.length).toBeGreaterThanOrEqual(16);
    expect(seen.length).toBeLessThanOrEqual(18);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(125);
    expect(seen.at(-1)?.bytesDone).toBe(1995 * 100);
  });

  it('holds a change until notBefore allows it, then delivers the latest state', () => {
    let notBefore = 0;
    const { clock, seen, times, report } = setup(() => notBefore);
    const start = clock.now();
    notBefore = start + 400;
    report({ kind: 'phase', phase: 'Waiting for room' });
    report({ kind: 'bytes', done: 1 });
    clock.advance(200);
    // The budget moves later while the change waits (a state change went out): it waits again.
    notBefore = start + 700;
    report({ kind: 'bytes', done: 2 });
    clock.advance(450);
    expect(seen).toHaveLength(0);
    clock.advance(50);
    expect(seen).toHaveLength(1);
    expect(times[0]).toBe(start + 700);
    expect(seen[0]).toMatchObject({ phase: 'Waiting for room', bytesDone: 2 });
  });

  it('take hands over the latest state for a state change to carry: the pending change is dropped and the interval starts again', () => {
    const { clock, seen, tracker, report } = setup();
    expect(tracker.take()).toBeUndefined();
    report({ kind: 'phase', phase: 'P', bytesTotal: 10 });
    report({ kind: 'bytes', done: 7 });
    expect(tracker.take()).toMatchObject({ phase: 'P', bytesDone: 7, percent: 70 });
    clock.advance(1000);
    expect(seen).toHaveLength(1);
    report({ kind: 'bytes', done: 8 });
    expect(seen).toHaveLength(2);
    report({ kind: 'bytes', done: 9 });
    expect(tracker.take()?.bytesDone).toBe(9);
    clock.advance(100);
    report({ kind: 'bytes', done: 10 });
    clock.advance(24);
    expect(seen).toHaveLength(2);
    clock.advance(1);
    expect(seen.at(-1)?.bytesDone).toBe(10);
  });

  it('computes the rate over the last seconds and an ETA only when the total is known', () => {
    const { clock, tracker, report } = setup();
    report({ kind: 'phase', phase: 'Dumping' });
    // 1 MB/s for 10 s.
    for (let s = 1; s <= 10; s++) {
      clock.advance(1000);
      report({ kind: 'bytes', done: s * 1_000_000 });
    }
    let snap = tracker.snapshot();
    expect(snap?.rate).toBeCloseTo(1_000_000, -3);
    expect(snap?.etaSeconds).toBeUndefined();
    expect(snap?.percent).toBeUndefined();

    // Then it slows to 100 kB/s: after the window has passed, the rate shows the new speed only.
    for (let s = 1; s <= 6; s++) {
      clock.advance(1000);
      report({ kind: 'bytes', done: 10_000_000 + s * 100_000, total: 20_000_000 });
    }
    snap = tracker.snapshot();
    expect(snap?.rate).toBeCloseTo(100_000, -3);
    expect(snap?.percent).toBeCloseTo(53, 0);
    // 9.4 MB left at 100 kB/s.
    expect(snap?.etaSeconds).toBeCloseTo(94, 0);
  });

  it('counts items, shows the current one, and uses item totals for percent and ETA without a byte total', () => {
    const { clock, tracker, report } = setup();
    report({ kind: 'phase', phase: 'Copying files', itemsTotal: 4 });
    clock.advance(1000);
    report({ kind: 'item', path: 'a.txt' });
    clock.advance(1000);
    report({ kind: 'item', path: 'b.txt' });
    const snap = tracker.snapshot();
    expect(snap).toMatchObject({ itemsDone: 2, itemsTotal: 4, currentItem: 'b.txt', percent: 50 });
    expect(snap?.etaSeconds).toBeCloseTo(2, 5);

    report({ kind: 'item', path: 'd.txt', itemsDone: 4 });
    expect(tracker.snapshot()).toMatchObject({ itemsDone: 4, percent: 100, etaSeconds: 0 });
  });

  it('starts each phase from zero with that phase’s totals', () => {
    const { tracker, report } = setup();
    report({ kind: 'phase', phase: 'One', bytesTotal: 10 });
    report({ kind: 'bytes', done: 10 });
    report({ kind: 'item', path: 'x' });
    report({ kind: 'phase', phase: 'Two' });
    const snap = tracker.snapshot();
    expect(snap).toMatchObject({ phase: 'Two', bytesDone: 0, itemsDone: 0 });
    expect(snap?.bytesTotal).toBeUndefined();
    expect(snap?.currentItem).toBeUndefined();
  });

  it('flush delivers a pending change at once; after dispose nothing is emitted', () => {
    const { clock, seen, tracker, report } = setup();
    report({ kind: 'phase', phase: 'P' });
    report({ kind: 'bytes', done: 5 });
    expect(seen).toHaveLength(1);
    tracker.flush();
    expect(seen).toHaveLength(2);
    expect(seen[1]?.bytesDone).toBe(5);
    report({ kind: 'bytes', done: 6 });
    tracker.dispose();
    clock.advance(1000);
    report({ kind: 'bytes', done: 7 });
    expect(seen).toHaveLength(2);
  });

  it('ignores an update of a kind it does not know, as a newer plugin might send', () => {
    const { seen, tracker, report } = setup();
    report({ kind: 'percent', value: 5 } as never);
    expect(seen).toHaveLength(0);
    expect(tracker.snapshot()).toBeUndefined();
  });
});
