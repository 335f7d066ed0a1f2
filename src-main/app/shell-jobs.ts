import { isFinished, type JobSnapshot } from '../shared/models/job.js';

/**
 * What the desktop shell keeps of the jobs: the ones in flight (for the tray and the close
 * prompt) and the failures the operator has not seen in the window yet. Fed with every
 * jobs:changed snapshot; no Electron in it.
 */
export interface ShellJobs {
  /** Applies one snapshot. `windowSeen` says whether the window is showing and focused now. */
  apply(job: JobSnapshot, windowSeen: boolean): void;
  /** Queued, running and canceling jobs, in the order they were first seen. */
  active(): readonly JobSnapshot[];
  /** Failures that happened while the window was not seen, oldest first. */
  unseenFailures(): readonly JobSnapshot[];
  /** The window was shown: its Jobs view shows every failure, so the tray stops asking. */
  markSeen(): void;
}

/** Kept at most; older unseen failures drop off (the Jobs view still lists them). */
const MAX_UNSEEN = 5;
const MAX_COUNTED = 1000;

export function createShellJobs(): ShellJobs {
  const active = new Map<string, JobSnapshot>();
  const unseen = new Map<string, JobSnapshot>();
  // Failures already counted once, so a repeated snapshot of one cannot bring it back.
  const counted = new Set<string>();
  return {
    apply(job, windowSeen) {
      if (!isFinished(job.state)) {
        active.set(job.id, job);
        return;
      }
      active.delete(job.id);
      if (job.state !== 'failed' || counted.has(job.id)) return;
      counted.add(job.id);
      if (counted.size > MAX_COUNTED) counted.delete(counted.values().next().value as string);
      if (windowSeen) return;
      unseen.set(job.id, job);
      if (unseen.size > MAX_UNSEEN) unseen.delete(unseen.keys().next().value as string);
    },
    active: () => [...active.values()],
    unseenFailures: () => [...unseen.values()],
    markSeen() {
      unseen.clear();
    },
  };
}
