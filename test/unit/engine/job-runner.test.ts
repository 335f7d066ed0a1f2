import { describe, expect, it } from 'vitest';
import { createJobRunner, registerSecret } from '../../../src-main/engine/index.js';
import type { JobContext } from '../../../src-main/engine/index.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import type { JobSnapshot, JobState } from '../../../src-main/shared/models/job.js';
import { createManualClock } from './manual-clock.js';

/** A job body the test finishes by hand. */
function gate<T = string>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  let ctx!: JobContext;
  let started = false;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return {
    run: (c: JobContext) => {
      ctx = c;
      started = true;
      return promise;
    },
    open: (value: T) => open(value),
    fail: (error: unknown) => fail(error),
    get ctx() {
      return ctx;
    },
    get started() {
      return started;
    },
  };
}

/** A job that resolves only when canceled, like a plugin that stops and cleans up. */
function untilCanceled(cleanup?: () => Promise<void>) {
  return async (ctx: JobContext) => {
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    await cleanup?.();
    throw new AppError('canceled', 'stopped');
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('job runner', () => {
  it('runs a job through queued → running → succeeded and returns its result', async () => {
    const runner = createJobRunner();
    const states: JobState[] = [];
    runner.onDidChange((job) => states.push(job.state));
    const handle = runner.enqueue({ kind: 'backup', target: 'notes', title: 'Back up notes', run: async () => ({ files: 3 }) });
    await expect(handle.result()).resolves.toEqual({ files: 3 });
    const final = await handle.done;
    expect(final).toMatchObject({ state: 'succeeded', kind: 'backup', target: 'notes', title: 'Back up notes', result: { files: 3 } });
    expect(final.startedAt).toBeDefined();
    expect(final.finishedAt).toBeDefined();
    expect(states[0]).toBe('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('succeeded');
    expect(runner.get(handle.id)?.state).toBe('succeeded');
    expect(runner.list().map((j) => j.id)).toEqual([handle.id]);
  });

  it('runs one job per target at a time; a second job for a busy target waits', async () => {
    const runner = createJobRunner({ concurrency: 4 });
    const first = gate();
    const second = gate();
    const other = gate();
    const a = runner.enqueue({ kind: 'backup', target: 'db', title: 'a', run: first.run });
    const b = runner.enqueue({ kind: 'restore', target: 'db', title: 'b', run: second.run });
    const c = runner.enqueue({ kind: 'backup', target: 'web', title: 'c', run: other.run });
    expect(runner.get(a.id)?.state).toBe('running');
    expect(runner.get(b.id)?.state).toBe('queued');
    expect(runner.get(c.id)?.state).toBe('running');
    expect(second.started).toBe(false);

    first.open('done');
    await a.done;
    expect(runner.get(b.id)?.state).toBe('running');
    second.open('x');
    other.open('y');
    await Promise.all([b.done, c.done]);
  });

  it('never runs more jobs than the concurrency limit', async () => {
    const runner = createJobRunner({ concurrency: 2 });
    const gates = [gate(), gate(), gate()];
    const handles = gates.map((g, i) => runner.enqueue({ kind: 'backup', target: `t${i}`, title: `job ${i}`, run: g.run }));
    expect(handles.map((h) => runner.get(h.id)?.state)).toEqual(['running', 'running', 'queued']);
    gates[1]?.open('');
    await handles[1]?.done;
    expect(runner.get(handles[2]!.id)?.state).toBe('running');
    gates[0]?.open('');
    gates[2]?.open('');
    await Promise.all(handles.map((h) => h.done));
  });

  it('keeps the limit when a listener enqueues jobs as others start', () => {
    const runner = createJobRunner({ concurrency: 2 });
    let added = 0;
    runner.onDidChange((job) => {
      if (job.state === 'running' && added < 3) {
        added += 1;
        runner.enqueue({ kind: 'backup', target: `extra${added}`, title: '', run: gate().run });
      }
    });
    runner.enqueue({ kind: 'backup', target: 'first', title: '', run: gate().run });
    expect(runner.list().filter((j) => j.state === 'running')).toHaveLength(2);
  });

  it('defaults to two jobs at once', () => {
    const runner = createJobRunner();
    const ids = [0, 1, 2].map((i) => runner.enqueue({ kind: 'verify', target: `t${i}`, title: '', run: gate().run }).id);
    expect(ids.map((id) => runner.get(id)?.state)).toEqual(['running', 'running', 'queued']);
  });

  it('cancels a queued job at once, without ever running it', async () => {
    const runner = createJobRunner({ concurrency: 1 });
    const busy = gate();
    const never = gate();
    runner.enqueue({ kind: 'backup', target: 'a', title: 'busy', run: busy.run });
    const queued = runner.enqueue({ kind: 'backup', target: 'b', title: 'waiting', run: never.run });
    queued.cancel();
    expect(runner.get(queued.id)?.state).toBe('canceled');
    await expect(queued.result()).rejects.toMatchObject({ code: 'canceled' });
    busy.open('');
    await flush();
    expect(never.started).toBe(false);
  });

  it('cancels a running job cooperatively: canceling while it cleans up, canceled when it has', async () => {
    const runner = createJobRunner();
    let cleaned = false;
    let release!: () => void;
    const cleanupDone = new Promise<void>((r) => (release = r));
    const handle = runner.enqueue({
      kind: 'backup',
      target: 'svc',
      title: 'Back up svc',
      run: untilCanceled(async () => {
        await cleanupDone;
        cleaned = true;
      }),
    });
    runner.cancel(handle.id);
    expect(runner.get(handle.id)?.state).toBe('canceling');
    // While it restarts what it stopped, the target stays busy.
    const next = gate();
    const waiting = runner.enqueue({ kind: 'restore', target: 'svc', title: 'next', run: next.run });
    await flush();
    expect(runner.get(waiting.id)?.state).toBe('queued');

    release();
    const final = await handle.done;
    expect(cleaned).toBe(true);
    expect(final.state).toBe('canceled');
    expect(final.error).toBeUndefined();
    await expect(handle.result()).rejects.toMatchObject({ code: 'canceled' });
    expect(runner.get(waiting.id)?.state).toBe('running');
    next.open('');
    await waiting.done;
  });

  it('ends canceled whatever the work throws after the abort, and logs a failure during cleanup', async () => {
    const runner = createJobRunner();
    const handle = runner.enqueue({
      kind: 'backup',
      target: 'svc',
      title: 't',
      run: async (ctx) => {
        await new Promise((r) => ctx.signal.addEventListener('abort', r));
        throw new Error('service did not restart');
      },
    });
    handle.cancel();
    expect((await handle.done).state).toBe('canceled');
    expect(runner.log(handle.id).some((l) => l.level === 'warn' && l.message.includes('service did not restart'))).toBe(true);
  });

  it('fails with the AppError code and message, or "bug" with the stack in the log', async () => {
    const runner = createJobRunner();
    const expected = runner.enqueue({
      kind: 'backup',
      target: 'a',
      title: 'a',
      run: async () => {
        throw new AppError('unreachable', 'Host db1 did not answer. Check the network.');
      },
    });
    const bug = runner.enqueue({
      kind: 'backup',
      target: 'b',
      title: 'b',
      run: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const a = await expected.done;
    expect(a.state).toBe('failed');
    expect(a.error).toEqual({ code: 'unreachable', message: 'Host db1 did not answer. Check the network.' });
    await expect(expected.result()).rejects.toBeInstanceOf(AppError);

    const b = await bug.done;
    expect(b.error).toEqual({ code: 'bug', message: 'cannot read properties of undefined' });
    const log = runner.log(bug.id).map((l) => l.message).join('\n');
    expect(log).toContain('TypeError: cannot read properties of undefined');
    expect(log).toMatch(/at .*job-runner\.test\.ts/);
  });

  it('treats a synchronous throw from run as a failure', async () => {
    const runner = createJobRunner();
    const handle = runner.enqueue({
      kind: 'verify',
      target: 'x',
      title: 'x',
      run: () => {
        throw new AppError('config', 'bad');
      },
    });
    expect((await handle.done).error?.code).toBe('config');
  });

  it('keeps timestamped log lines with the job, redacting the job’s secrets and registered ones', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const runner = createJobRunner({ clock });
    const lines: string[] = [];
    runner.onDidLog((_id, line) => lines.push(line.message));
    const forget = registerSecret('global-passphrase-42');
    try {
      const handle = runner.enqueue({
        kind: 'backup',
        target: 'db',
        title: 'db',
        secrets: ['s3cr3t-pw'],
        run: async (ctx) => {
          ctx.log.info('connecting with password s3cr3t-pw');
          ctx.log.debug('passphrase is global-passphrase-42');
          throw new AppError('unreachable', 'login failed for s3cr3t-pw');
        },
      });
      const final = await handle.done;
      expect(final.error?.message).toBe('login failed for ***');
      const log = runner.log(handle.id);
      expect(log[0]).toEqual({ at: '2026-01-02T03:04:05.000Z', level: 'info', message: 'connecting with password ***' });
      expect(log[1]?.message).toBe('passphrase is ***');
      const all = JSON.stringify(log) + lines.join('\n');
      expect(all).not.toContain('s3cr3t-pw');
      expect(all).not.toContain('global-passphrase-42');
      expect(lines.length).toBe(log.length);
    } finally {
      forget();
    }
  });

  it('puts throttled progress in the job snapshot, and the last update survives the end of the job', async () => {
    const clock = createManualClock();
    const runner = createJobRunner({ clock });
    const seen: JobSnapshot[] = [];
    runner.onDidChange((j) => seen.push(j));
    const g = gate();
    const handle = runner.enqueue({ kind: 'backup', target: 't', title: 't', run: g.run });
    g.ctx.progress.report({ kind: 'phase', phase: 'Archiving', bytesTotal: 100 });
    for (let i = 1; i <= 40; i++) g.ctx.progress.report({ kind: 'bytes', done: i });
    const duringBurst = seen.filter((s) => s.progress !== undefined).length;
    expect(duringBurst).toBe(1);
    g.open('ok');
    const final = await handle.done;
    expect(final.progress).toMatchObject({ phase: 'Archiving', bytesDone: 40, percent: 40 });
  });

  it('cancelAll cancels queued and running jobs and waits until all have finished', async () => {
    const runner = createJobRunner({ concurrency: 1 });
    let restarted = false;
    const running = runner.enqueue({
      kind: 'backup',
      target: 'a',
      title: 'a',
      run: untilCanceled(async () => {
        await flush();
        restarted = true;
      }),
    });
    const queued = runner.enqueue({ kind: 'backup', target: 'b', title: 'b', run: gate().run });
    await runner.cancelAll();
    expect(restarted).toBe(true);
    expect(runner.get(running.id)?.state).toBe('canceled');
    expect(runner.get(queued.id)?.state).toBe('canceled');
  });

  it('unsubscribes listeners, and says when a job id is unknown', async () => {
    const runner = createJobRunner();
    let calls = 0;
    const off = runner.onDidChange(() => calls++);
    off();
    await runner.enqueue({ kind: 'backup', target: 'a', title: 'a', run: async () => 1 }).done;
    expect(calls).toBe(0);
    expect(runner.get('nope')).toBeUndefined();
    expect(() => runner.log('nope')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => runner.cancel('nope')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });

  it('leaves a finished job alone when it is canceled', async () => {
    const runner = createJobRunner();
    const handle = runner.enqueue({ kind: 'backup', target: 'a', title: 'a', run: async () => 'ok' });
    await handle.done;
    handle.cancel();
    expect(runner.get(handle.id)?.state).toBe('succeeded');
    await expect(handle.result()).resolves.toBe('ok');
  });
});
