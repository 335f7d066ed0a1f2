import { assertNever } from '../shared/app-error.js';
import type { JobSnapshot } from '../shared/models/job.js';

/** One line of the tray's menu, before Electron turns it into a MenuItem. */
export type TrayMenuEntry =
  /** A job's title and how far it is; not clickable. */
  | { readonly kind: 'job'; readonly jobId: string; readonly label: string }
  /** Cancels the job above it; disabled once it is canceling. */
  | { readonly kind: 'cancel'; readonly jobId: string; readonly label: string; readonly enabled: boolean }
  /** A job that failed while the window was not showing; clicking shows the window. */
  | { readonly kind: 'failure'; readonly jobId: string; readonly label: string }
  | { readonly kind: 'more'; readonly label: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'show'; readonly label: string }
  | { readonly kind: 'quit'; readonly label: string };

export interface TrayModel {
  readonly tooltip: string;
  readonly entries: readonly TrayMenuEntry[];
  /** True while a failure has not been seen in the window: the tray asks for attention. */
  readonly attention: boolean;
}

export interface TrayModelInput {
  /** Queued, running and canceling jobs (finished ones are ignored). */
  readonly jobs: readonly JobSnapshot[];
  /** Jobs that failed while the window was hidden or unfocused, newest last. */
  readonly unseenFailures?: readonly JobSnapshot[];
}

/** More jobs than this are summed up in one line: a tray menu taller than the screen is useless. */
export const TRAY_MAX_JOBS = 8;

/** What a job is doing, as the tray says it after its title. */
export function jobStatusText(job: JobSnapshot): string {
  switch (job.state) {
    case 'queued':
      return 'queued';
    case 'canceling':
      return 'canceling…';
    case 'running': {
      const percent = job.progress?.percent;
      if (percent !== undefined && Number.isFinite(percent)) return `${Math.min(100, Math.max(0, Math.floor(percent)))} %`;
      return job.progress?.phase || 'running';
    }
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return job.state;
    default:
      return assertNever(job.state, 'job state');
  }
}

/**
 * The tray's menu and tooltip for the jobs in flight: each running or queued job with its
 * percent and a Cancel entry, failures the operator has not seen yet, then Show and Quit.
 */
export function trayModel({ jobs, unseenFailures = [] }: TrayModelInput): TrayModel {
  const active = jobs
    .filter((j) => j.state === 'running' || j.state === 'canceling' || j.state === 'queued')
    .sort((a, b) => rank(a) - rank(b) || a.queuedAt.localeCompare(b.queuedAt));
  const entries: TrayMenuEntry[] = [];

  for (const job of [...unseenFailures].reverse()) {
    entries.push({ kind: 'failure', jobId: job.id, label: `Failed: ${job.title} — show Lifeboat` });
  }
  if (unseenFailures.length > 0) entries.push({ kind: 'separator' });

  for (const job of active.slice(0, TRAY_MAX_JOBS)) {
    entries.push({ kind: 'job', jobId: job.id, label: `${job.title} — ${jobStatusText(job)}` });
    entries.push({ kind: 'cancel', jobId: job.id, label: `Cancel ${job.title}`, enabled: job.state !== 'canceling' });
  }
  if (active.length > TRAY_MAX_JOBS) entries.push({ kind: 'more', label: `${active.length - TRAY_MAX_JOBS} more in Lifeboat's Jobs view` });
  if (active.length > 0) entries.push({ kind: 'separator' });

  entries.push({ kind: 'show', label: 'Show Lifeboat' });
  entries.push({ kind: 'quit', label: 'Quit' });
  return { tooltip: tooltipFor(active, unseenFailures), entries, attention: unseenFailures.length > 0 };
}

function rank(job: JobSnapshot): number {
  return job.state === 'queued' ? 1 : 0;
}

function tooltipFor(active: readonly JobSnapshot[], unseenFailures: readonly JobSnapshot[]): string {
  const parts: string[] = [];
  const failed = unseenFailures.at(-1);
  if (failed) {
    parts.push(unseenFailures.length === 1 ? `${failed.title} failed` : `${unseenFailures.length} jobs failed`);
  }
  const only = active.length === 1 ? active[0] : undefined;
  if (only) parts.push(`${only.title} ${jobStatusText(only)}`);
  else if (active.length > 1) parts.push(`${active.length} jobs in progress`);
  return parts.length === 0 ? 'Lifeboat' : `Lifeboat — ${parts.join('; ')}`;
}
