/**
 * Runs a short operation outside the job queue (a probe, a restore plan): a timeout instead of
 * a Cancel button, and its log lines go to the console instead of a job log.
 */
import type { Logger } from '../plugin-host/index.js';
import { noProgress } from '../shared/models/progress.js';
import type { OperationContext } from '../operations/index.js';

export const DETACHED_TIMEOUT_MS = 120_000;

export async function detachedOperation<T>(work: (op: OperationContext, logs: string[]) => Promise<T>, timeoutMs = DETACHED_TIMEOUT_MS): Promise<T> {
  const logs: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    error: (m) => logs.push(m),
  };
  return work({ signal: AbortSignal.timeout(timeoutMs), progress: noProgress, log }, logs);
}
