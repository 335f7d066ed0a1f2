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
}

export function isFinished(state: JobState): boolean {
  return state === 'canceled' || state === 'succeeded' || state === 'failed';
}
