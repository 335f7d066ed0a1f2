import { mkdir, readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JobLogLine, JobSnapshot } from '../shared/models/job.js';
import { writeFileAtomic } from '../archive/write-file-atomic.js';

/** What a finished job leaves on disk: its final state and its whole (redacted) log. */
export interface JobRecord {
  readonly job: JobSnapshot;
  readonly log: readonly JobLogLine[];
}

/** `$XDG_STATE_HOME/lifeboat/jobs`, else `~/.local/state/lifeboat/jobs`. */
export function defaultJobHistoryDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'lifeboat', 'jobs');
}

const KEEP = 500;

/**
 * Keeps finished jobs with their logs, one JSON file each (mode 0600), the newest 500, so an
 * operator can read what last night's cron backup said. Logs are redacted before they get here.
 */
export async function saveJobRecord(dir: string, record: JobRecord): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const at = (record.job.finishedAt ?? record.job.queuedAt).replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const safeTarget = record.job.target.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64);
  const path = join(dir, `${at}-${record.job.kind}-${safeTarget}-${record.job.id}.json`);
  await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  for (const old of names.slice(0, Math.max(0, names.length - KEEP))) await rm(join(dir, old), { force: true });
  return path;
}
