// Job snapshots as jobs:changed carries them, for the shell's pure modules.
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';

export function job(id: string, overrides: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    id,
    kind: 'backup',
    target: 'laptop',
    title: 'Back up laptop',
    state: 'running',
    queuedAt: '2026-11-22T05:00:00.000Z',
    ...overrides,
  };
}
