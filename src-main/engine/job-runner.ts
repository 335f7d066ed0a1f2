/**
 * Runs jobs (backups, restores, verifications...) with a global concurrency limit and one
 * job per target at a time, through the states queued → running → succeeded | failed, or
 * → canceling → canceled. Cancel is cooperative: the job's signal fires and the job ends
 * when its work has settled, so plugins get to restart what they stopped. Each job's change
 * events, state changes and progress together, stay within a budget of ten in any second.
 */
import { randomUUID } from 'node:crypto';
import { AppError, assertNever, errorMessage, isAppError } from '../shared/app-error.js';
import type { JobKind, JobLogLine, JobSnapshot, JobState } from '../shared/models/job.js';
import { isFinished } from '../shared/models/job.js';
import type { ProgressSink, ProgressSnapshot } from '../shared/models/progress.js';
import type { Logger } from '../plugin-host/index.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { EventBudget } from './event-budget.js';
import { createEventBudget } from './event-budget.js';
import type { JobLog } from './job-log.js';
import { createJobLog } from './job-log.js';
import type { ProgressTracker } from './progress-tracker.js';
import { createProgressTracker } from './progress-tracker.js';

/** What a job's work gets from the runner. */
export interface JobContext {
  /** Fires when the job is canceled. */
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  readonly log: Logger;
}

export interface JobSpec<T> {
  readonly kind: JobKind;
  /** Target name; only one job per target runs at a time. */
  readonly target: string;
  readonly title: string;
  /** Values replaced by `***` in the job's log and error message. */
  readonly secrets?: readonly string[];
  run(ctx: JobContext): Promise<T>;
}

export interface JobHandle<T> {
  readonly id: string;
  /** Resolves with the final snapshot when the job has finished, whatever the outcome. */
  readonly done: Promise<JobSnapshot>;
  /** The job's result; rejects with the job's error (AppError 'canceled' when canceled). */
  result(): Promise<T>;
  cancel(): void;
}

export interface JobRunner {
  enqueue<T>(spec: JobSpec<T>): JobHandle<T>;
  get(id: string): JobSnapshot | undefined;
  /** Every job this runner has seen, oldest first. */
  list(): JobSnapshot[];
  /** The job's log lines; throws AppError('not-found') for an unknown id. */
  log(id: string): JobLogLine[];
  /** Cancel one job; throws AppError('not-found') for an unknown id. Finished jobs are left alone. */
  cancel(id: string): void;
  /** Cancel every unfinished job and wait until all of them have finished. */
  cancelAll(): Promise<void>;
  onDidChange(listener: (job: JobSnapshot) => void): () => void;
  onDidLog(listener: (jobId: string, line: JobLogLine) => void): () => void;
}

export interface JobRunnerOptions {
  /** Jobs running at once, across targets. Default 2. */
  readonly concurrency?: number;
  /** For tests: timestamps, rates and progress throttling follow this clock. */
  readonly clock?: Clock;
  /** Minimum time between progress change events per job. Default {@link PROGRESS_INTERVAL_MS}. */
  readonly progressIntervalMs?: number;
}

/**
 * At most this many change events per job (state changes included) in any
 * {@link JOB_EVENT_WINDOW_MS}: ten a second, as the window promises, with 125 ms to spare for
 * delivery, which can bunch events together (a WebSocket, IPC, a busy page).
 */
export const JOB_EVENTS_PER_WINDOW = 10;
export const JOB_EVENT_WINDOW_MS = 1_125;
/** State changes that can still follow a progress event: canceling, then the final state. */
const MAX_STATE_CHANGES_AHEAD = 2;
/**
 * Progress events this far apart, with the state changes that may still come, just fit the
 * budget: steady progress (about seven a second) is never held back by it.
 */
export const PROGRESS_INTERVAL_MS = Math.ceil(JOB_EVENT_WINDOW_MS / (JOB_EVENTS_PER_WINDOW - MAX_STATE_CHANGES_AHEAD));

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Job {
  readonly id: string;
  readonly spec: JobSpec<unknown>;
  readonly controller: AbortController;
  readonly log: JobLog;
  readonly tracker: ProgressTracker;
  readonly budget: EventBudget;
  readonly done: Promise<JobSnapshot>;
  readonly resolveDone: (snapshot: JobSnapshot) => void;
  state: JobState;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  progress?: ProgressSnapshot;
  error?: { code: string; message: string };
  result?: unknown;
  outcome?: Outcome;
}

export function createJobRunner(options: JobRunnerOptions = {}): JobRunner {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const clock = options.clock ?? systemClock;
  const jobs = new Map<string, Job>();
  const changeListeners = new Set<(job: JobSnapshot) => void>();
  const logListeners = new Set<(jobId: string, line: JobLogLine) => void>();

  const isoNow = (): string => new Date(clock.now()).toISOString();

  const snapshotOf = (job: Job): JobSnapshot => ({
    id: job.id,
    kind: job.spec.kind,
    target: job.spec.target,
    title: job.spec.title,
    state: job.state,
    queuedAt: job.queuedAt,
    ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
    ...(job.progress !== undefined ? { progress: job.progress } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
    ...(job.result !== undefined ? { result: job.result } : {}),
  });

  const notify = (job: Job): void => {
    job.budget.record();
    const snapshot = snapshotOf(job);
    for (const listener of [...changeListeners]) {
      try {
        listener(snapshot);
      } catch (e) {
        // A broken listener must not stop jobs or other listeners.
        console.error('Lifeboat: job change listener failed:', e);
      }
    }
  };

  const isActive = (j: Job): boolean => j.state === 'running' || j.state === 'canceling';
  const occupied = (target: string): boolean => [...jobs.values()].some((j) => j.spec.target === target && isActive(j));

  // Set while cancelAll walks the jobs, so canceling one does not start the next.
  let holding = false;

  const pump = (): void => {
    if (holding) return;
    // Counted afresh each round: a listener may enqueue (and so start) jobs while one starts.
    for (;;) {
      const all = [...jobs.values()];
      if (all.filter(isActive).length >= concurrency) return;
      const next = all.find((j) => j.state === 'queued' && !occupied(j.spec.target));
      if (!next) return;
      start(next);
    }
  };

  /** A state change carries the latest progress, so no progress event is held back behind it or spent before it. */
  const carryProgress = (job: Job): void => {
    const latest = job.tracker.take();
    if (latest !== undefined) job.progress = latest;
  };

  const finish = (job: Job, state: 'succeeded' | 'failed' | 'canceled', outcome: Outcome): void => {
    carryProgress(job);
    job.tracker.dispose();
    job.state = state;
    job.finishedAt = isoNow();
    job.outcome = outcome;
    const snapshot = snapshotOf(job);
    notify(job);
    job.resolveDone(snapshot);
    pump();
  };

  const settle = (job: Job, outcome: Outcome): void => {
    if (job.controller.signal.aborted) {
      // Whatever the work did after the abort, the operator asked to stop: the job is canceled.
      // A failure other than the cancel itself (say, a service that did not restart) matters.
      if (!outcome.ok && !(isAppError(outcome.error) && outcome.error.code === 'canceled')) {
        job.log.write('warn', `While canceling: ${describeCause(outcome.error)}`);
      }
      job.log.write('info', 'Canceled.');
      finish(job, 'canceled', { ok: false, error: new AppError('canceled', `${job.spec.title}: canceled.`) });
      return;
    }
    if (outcome.ok) {
      if (isPlainData(outcome.value)) job.result = outcome.value;
      finish(job, 'succeeded', outcome);
      return;
    }
    const e = outcome.error;
    if (isAppError(e)) {
      job.error = { code: e.code, message: job.log.redact(e.message) };
      job.log.write('error', e.message);
      if (e.cause !== undefined) job.log.write('debug', `Caused by: ${describeCause(e.cause)}`);
    } else {
      // Not an expected failure: a bug. The operator sees the message; the log keeps the stack.
      job.error = { code: 'bug', message: job.log.redact(errorMessage(e)) };
      job.log.write('error', e instanceof Error && e.stack ? e.stack : `Unexpected failure: ${errorMessage(e)}`);
    }
    finish(job, 'failed', outcome);
  };

  const start = (job: Job): void => {
    job.state = 'running';
    job.startedAt = isoNow();
    notify(job);
    const ctx: JobContext = { signal: job.controller.signal, progress: job.tracker.sink, log: job.log.logger };
    let work: Promise<unknown>;
    try {
      work = Promise.resolve(job.spec.run(ctx));
    } catch (e) {
      work = Promise.reject(e);
    }
    work.then(
      (value) => settle(job, { ok: true, value }),
      (error: unknown) => settle(job, { ok: false, error }),
    );
  };

  const cancelJob = (job: Job): void => {
    if (job.state === 'queued') {
      job.controller.abort();
      job.log.write('info', 'Canceled before it started.');
      finish(job, 'canceled', { ok: false, error: new AppError('canceled', `${job.spec.title}: canceled before it started.`) });
      return;
    }
    if (job.state === 'running') {
      carryProgress(job);
      job.state = 'canceling';
      job.log.write('info', 'Canceling: waiting for the work to stop and undo what it did.');
      notify(job);
      job.controller.abort(new AppError('canceled', `${job.spec.title}: canceled.`));
    }
  };

  const mustGet = (id: string): Job => {
    const job = jobs.get(id);
    if (!job) throw new AppError('not-found', `No job with id "${id}".`);
    return job;
  };

  return {
    enqueue<T>(spec: JobSpec<T>): JobHandle<T> {
      const id = randomUUID();
      let resolveDone!: (snapshot: JobSnapshot) => void;
      const done = new Promise<JobSnapshot>((resolve) => {
        resolveDone = resolve;
      });
      const budget = createEventBudget({ clock, maxEvents: JOB_EVENTS_PER_WINDOW, windowMs: JOB_EVENT_WINDOW_MS });
      const job: Job = {
        id,
        spec: spec as JobSpec<unknown>,
        controller: new AbortController(),
        log: createJobLog({
          clock,
          ...(spec.secrets ? { secrets: spec.secrets } : {}),
          onLine: (line) => {
            for (const listener of [...logListeners]) {
              try {
                listener(id, line);
              } catch (e) {
                console.error('Lifeboat: job log listener failed:', e);
              }
            }
          },
        }),
        tracker: createProgressTracker({
          clock,
          intervalMs: options.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
          notBefore: () => {
            const current = jobs.get(id);
            return budget.nextSlot(current ? stateChangesAhead(current.state) : 0);
          },
          onChange: (progress) => {
            const current = jobs.get(id);
            if (!current || isFinished(current.state)) return;
            current.progress = progress;
            notify(current);
          },
        }),
        budget,
        done,
        resolveDone,
        state: 'queued',
        queuedAt: isoNow(),
      };
      jobs.set(id, job);
      notify(job);
      pump();
      return {
        id,
        done,
        result: async () => {
          await done;
          const outcome = job.outcome as Outcome;
          if (!outcome.ok) throw outcome.error;
          return outcome.value as T;
        },
        cancel: () => cancelJob(job),
      };
    },
    get: (id) => {
      const job = jobs.get(id);
      return job ? snapshotOf(job) : undefined;
    },
    list: () => [...jobs.values()].map(snapshotOf),
    log: (id) => mustGet(id).log.lines(),
    cancel: (id) => cancelJob(mustGet(id)),
    async cancelAll() {
      const unfinished = [...jobs.values()].filter((j) => !isFinished(j.state));
      holding = true;
      try {
        for (const job of unfinished) cancelJob(job);
      } finally {
        holding = false;
      }
      await Promise.all(unfinished.map((j) => j.done));
    },
    onDidChange(listener) {
      changeListeners.add(listener);
      return () => {
        changeListeners.delete(listener);
      };
    },
    onDidLog(listener) {
      logListeners.add(listener);
      return () => {
        logListeners.delete(listener);
      };
    },
  } satisfies JobRunner;
}

/** How many more state changes a job in `state` may still announce. */
function stateChangesAhead(state: JobState): number {
  switch (state) {
    case 'queued':
      return 3;
    case 'running':
      return MAX_STATE_CHANGES_AHEAD;
    case 'canceling':
      return 1;
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return 0;
    default:
      return assertNever(state);
  }
}

/** Only plain data goes into snapshots (they cross IPC); streams or class instances stay out. */
function isPlainData(value: unknown): boolean {
  if (value === undefined) return false;
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
