/**
 * What the window shows of a job beyond the runner's snapshot: the last log lines, the
 * archive it made or read, and the downtime its plugin reported.
 */
import type { JobLogLine, JobSnapshot } from '../shared/models/job.js';
import { isFinished } from '../shared/models/job.js';

/** Lines of log carried in every snapshot; the full log is `jobs:log`. */
export const LOG_TAIL_LINES = 8;
/** Finished jobs `jobs:list` keeps showing, newest ones. */
export const RECENT_FINISHED_JOBS = 50;

export interface JobExtras {
  archivePath?: string;
  downtimeSeconds?: number;
}

export interface JobTracker {
  /** Adds the log tail and extras to a runner snapshot. */
  decorate(snapshot: JobSnapshot): JobSnapshot;
  onLog(jobId: string, line: JobLogLine): void;
  extras(jobId: string): JobExtras;
  /** Unfinished jobs and the most recent finished ones, oldest first. */
  recent(all: readonly JobSnapshot[]): JobSnapshot[];
}

export function formatLogLine(line: JobLogLine): string {
  return `${line.at} ${line.level.toUpperCase().padEnd(5)} ${line.message}`;
}

export function createJobTracker(): JobTracker {
  const tails = new Map<string, string[]>();
  const extras = new Map<string, JobExtras>();

  const decorate = (snapshot: JobSnapshot): JobSnapshot => {
    const tail = tails.get(snapshot.id);
    const x = extras.get(snapshot.id);
    return {
      ...snapshot,
      ...(tail?.length ? { logTail: [...tail] } : {}),
      ...(x?.archivePath !== undefined ? { archivePath: x.archivePath } : {}),
      ...(x?.downtimeSeconds !== undefined ? { downtimeSeconds: x.downtimeSeconds } : {}),
    };
  };

  return {
    decorate,
    onLog(jobId, line) {
      if (line.level === 'debug') return;
      const tail = tails.get(jobId) ?? [];
      tail.push(formatLogLine(line));
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      tails.set(jobId, tail);
    },
    extras(jobId) {
      let x = extras.get(jobId);
      if (!x) extras.set(jobId, (x = {}));
      return x;
    },
    recent(all) {
      const finished = all.filter((j) => isFinished(j.state));
      const keep = new Set(finished.slice(-RECENT_FINISHED_JOBS).map((j) => j.id));
      return all.filter((j) => !isFinished(j.state) || keep.has(j.id)).map(decorate);
    },
  };
}
