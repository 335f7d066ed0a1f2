import type { ProgressSnapshot } from './progress.js';

export type JobState = 'queued' | 'running' | 'canceling' | 'canceled' | 'succeeded' | 'failed';
export type JobKind = 'backup' | 'restore' | 'verify' | 'import' | 'extract';

export interface JobLogLine {
  /** ISO 8601. */
  readonly at: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface JobSnapshot {
  readonly id: string;
  readonly kind: JobKind;
  readonly target: string;
  readonly title: string;
  readonly state: JobState;
  readonly queuedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly progress?: ProgressSnapshot;
  readonly error?: { readonly code: string; readonly message: string };
  readonly result?: unknown;
  /** The last lines of the job's log (redacted), newest last; the full log is `jobs:log`. */
  readonly logTail?: readonly string[];
  /** Seconds the target was stopped, when the plugin reported it (backups, restores). */
  readonly downtimeSeconds?: number;
  /** The archive the job made or read (backup, verify, restore, import, extract). */
  readonly archivePath?: string;
}

/** What the job-starting calls answer. */
export interface JobStarted {
  readonly jobId: string;
}

export function isFinished(state: JobState): boolean {
  return state === 'canceled' || state === 'succeeded' || state === 'failed';
}
