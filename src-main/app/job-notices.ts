import { assertNever } from '../shared/app-error.js';
import { isFinished, type JobKind, type JobSnapshot } from '../shared/models/job.js';

/** A desktop notification about a finished job. */
export interface JobNotice {
  readonly jobId: string;
  readonly outcome: 'succeeded' | 'failed' | 'canceled';
  readonly title: string;
  readonly body: string;
  /** Failures stay on screen until dismissed where the desktop allows it. */
  readonly urgent: boolean;
  /** Cancels were asked for by the operator: shown without a sound. */
  readonly silent: boolean;
}

export interface JobNotices {
  /** The notice a snapshot calls for: the first time a job is seen finished, and never again. */
  noticeFor(job: JobSnapshot): JobNotice | undefined;
}

/** Job ids remembered; far more than the jobs one session runs. */
const REMEMBERED = 1000;

/** Decides which jobs:changed snapshots become a notification, and what it says. */
export function createJobNotices(): JobNotices {
  const told = new Set<string>();
  return {
    noticeFor(job) {
      if (!isFinished(job.state) || told.has(job.id)) return undefined;
      told.add(job.id);
      if (told.size > REMEMBERED) told.delete(told.values().next().value as string);
      return noticeText(job);
    },
  };
}

/** The notice for a finished job (succeeded, failed or canceled). */
export function noticeText(job: JobSnapshot): JobNotice | undefined {
  switch (job.state) {
    case 'succeeded':
      return { jobId: job.id, outcome: 'succeeded', title: `${job.title}: done`, body: successBody(job), urgent: false, silent: false };
    case 'failed':
      return {
        jobId: job.id,
        outcome: 'failed',
        title: `${job.title} failed`,
        body: job.error?.message?.trim() || 'No reason was given. The job’s log in Lifeboat’s Jobs view says what happened.',
        urgent: true,
        silent: false,
      };
    case 'canceled':
      return { jobId: job.id, outcome: 'canceled', title: `${job.title}: canceled`, body: canceledBody(job.kind), urgent: false, silent: true };
    case 'queued':
    case 'running':
    case 'canceling':
      return undefined;
    default:
      return assertNever(job.state, 'job state');
  }
}

function successBody(job: JobSnapshot): string {
  const archive = job.archivePath ? baseName(job.archivePath) : undefined;
  const downtime = job.downtimeSeconds !== undefined ? ` ${job.target} was stopped for ${formatSeconds(job.downtimeSeconds)}.` : '';
  switch (job.kind) {
    case 'backup':
      return (archive ? `Saved ${archive}.` : `${job.target} is backed up.`) + downtime;
    case 'restore':
      return (archive ? `${job.target} was restored from ${archive}.` : `${job.target} was restored.`) + downtime;
    case 'verify':
      return archive ? `${archive} is intact: every file matches its checksum.` : 'The archive is intact.';
    case 'import':
      return archive ? `Imported as ${archive}.` : 'The archive was imported.';
    case 'extract':
      return archive ? `Extracted from ${archive}.` : 'The files were extracted.';
    default:
      return assertNever(job.kind, 'job kind');
  }
}

function canceledBody(kind: JobKind): string {
  switch (kind) {
    case 'backup':
      return 'Canceled before it finished; no archive was kept.';
    case 'restore':
      return 'Canceled before it finished. The job’s log says what was put back.';
    case 'verify':
    case 'import':
    case 'extract':
      return 'Canceled before it finished.';
    default:
      return assertNever(kind, 'job kind');
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
