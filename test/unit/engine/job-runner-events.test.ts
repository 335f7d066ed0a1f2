// How many change events a job sends: the window promises at most ten a second per job,
// state changes included, however fast a plugin reports progress.
import { describe, expect, it } from 'vitest';
import { createJobRunner } from '../../../src-main/engine/index.js';
import type { JobContext } from '../../../src-main/engine/index.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { createManualClock } from './manual-clock.js';

interface Seen {
  readonly t: number;
  readonly job: JobSnapshot;
}

/** The most events in any window [t, t + width). */
function busiest(events: readonly Seen[], width: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < events.length; i++) {
    while ((events[i] as Seen).t - (events[j] as Seen).t >= width) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Each state as it was first announced, in order. */
function statesOf(events: readonly Seen[]): string[] {
  return events.map((e) => e.job.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
}

/** A runner on a hand-moved clock, one job whose body the test drives, and every event it sent. */
function setup() {
  const clock = createManualClock();
  const runner = createJobRunner({ clock });
  const seen: Seen[] = [];
  runner.onDidChange((job) => seen.push({ t: clock.now(), job }));
  let ctx!: JobContext;
  let finish!: (outcome: { ok: boolean }) => void;
  const work = new Promise<string>((resolve, reject) => {
    finish = ({ ok }) => (ok ? resolve('done') : reject(new AppError('canceled', 'stopped')));
  });
  const handle = runner.enqueue({
    kind: 'backup',
    target: 'db',
    title: 'Back up db',
    run: (c) => {
      ctx = c;
      return work;
    },
  });
  let bytes = 0;
  /** The plugin reports a few bytes every `stepMs` for `forMs`. */
  const reportFor = (forMs: number, stepMs: number): void => {
    for (let ms = 0; ms < forMs; ms += stepMs) {
      clock.advance(stepMs);
      bytes += 1000;
      ctx.progress.report({ kind: 'bytes', done: bytes });
    }
  };
  return { clock, seen, handle, ctx: () => ctx, finish, reportFor, lastBytes: () => bytes };
}

/** A small deterministic generator, so the mixed cases below are the same on every run. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

describe('job runner: change events per job', () => {
  it('sends at most ten in any second while a plugin reports continuously; the first progress at once, the last with the final state', async () => {
    const { seen, handle, ctx, finish, reportFor, lastBytes } = setup();
    expect(statesOf(seen)).toEqual(['queued', 'running']);
    ctx().progress.report({ kind: 'phase', phase: 'Archiving', bytesTotal: 10_000_000 });
    expect(seen.at(-1)?.job.progress).toMatchObject({ phase: 'Archiving', bytesDone: 0 });

    reportFor(5_000, 3);
    finish({ ok: true });
    const final = await handle.done;

    expect(busiest(seen, 1000)).toBeLessThanOrEqual(10);
    // Delivery may bunch events a little: still ten at most in a second and then some.
    expect(busiest(seen, 1125)).toBeLessThanOrEqual(10);
    // The bar still moves several times a second.
    expect(seen.length).toBeGreaterThanOrEqual(5 * 6);
    expect(statesOf(seen)).toEqual(['queued', 'running', 'succeeded']);
    expect(seen.at(-1)?.job).toEqual(final);
    expect(final.progress).toMatchObject({ phase: 'Archiving', bytesDone: lastBytes() });
  });

  it('keeps the budget for a short job that is canceled in its first second, never dropping a state', async () => {
    const { seen, handle, ctx, finish, reportFor, lastBytes } = setup();
    ctx().progress.report({ kind: 'phase', phase: 'Dumping' });
    reportFor(700, 1);
    handle.cancel();
    // A state change goes out at once, carrying the latest progress.
    expect(seen.at(-1)?.job).toMatchObject({ state: 'canceling', progress: { bytesDone: lastBytes() } });
    // The plugin keeps reporting while it restarts what it stopped.
    reportFor(200, 1);
    finish({ ok: false });
    const final = await handle.done;

    expect(busiest(seen, 1125)).toBeLessThanOrEqual(10);
    expect(statesOf(seen)).toEqual(['queued', 'running', 'canceling', 'canceled']);
    expect(final).toMatchObject({ state: 'canceled', progress: { phase: 'Dumping', bytesDone: lastBytes() } });
  });

  it('holds for any mix of report rates, cancel times and cleanup lengths', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const { seen, handle, ctx, finish, reportFor, lastBytes } = setup();
      ctx().progress.report({ kind: 'phase', phase: `seed ${seed}` });
      const step = 1 + Math.floor(next() * 60);
      reportFor(Math.floor(next() * 3000), step);
      const cancel = next() < 0.5;
      if (cancel) {
        handle.cancel();
        reportFor(Math.floor(next() * 600), step);
      }
      finish({ ok: !cancel });
      const final = await handle.done;

      const context = `seed ${seed}: ${seen.map((e) => `${e.t - (seen[0] as Seen).t}:${e.job.state}`).join(' ')}`;
      expect(busiest(seen, 1125), context).toBeLessThanOrEqual(10);
      expect(statesOf(seen), context).toEqual(cancel ? ['queued', 'running', 'canceling', 'canceled'] : ['queued', 'running', 'succeeded']);
      expect(final.progress?.bytesDone, context).toBe(lastBytes());
    }
  });

  it('counts each job on its own', async () => {
    const clock = createManualClock();
    const runner = createJobRunner({ clock, concurrency: 2 });
    const seen = new Map<string, Seen[]>();
    runner.onDidChange((job) => seen.set(job.id, [...(seen.get(job.id) ?? []), { t: clock.now(), job }]));
    const contexts: JobContext[] = [];
    const opens: Array<() => void> = [];
    const handles = ['a', 'b'].map((target) =>
      runner.enqueue({
        kind: 'backup',
        target,
        title: target,
        run: (c) => {
          contexts.push(c);
          return new Promise<void>((resolve) => opens.push(resolve));
        },
      }),
    );
    for (let ms = 1; ms <= 3000; ms++) {
      clock.advance(1);
      for (const c of contexts) c.progress.report({ kind: 'bytes', done: ms });
    }
    for (const open of opens) open();
    await Promise.all(handles.map((h) => h.done));
    for (const h of handles) {
      const events = seen.get(h.id) ?? [];
      // Each job alone keeps to the budget and uses most of it: one job's events do not hold the other's back.
      expect(busiest(events, 1125)).toBeLessThanOrEqual(10);
      expect(events.length).toBeGreaterThanOrEqual(3 * 6);
      expect(events.at(-1)?.job).toMatchObject({ state: 'succeeded', progress: { bytesDone: 3000 } });
    }
  });
});
