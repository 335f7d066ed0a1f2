import { AppError } from '../shared/app-error.js';
import type { JobLogLine, JobSnapshot } from '../shared/models/job.js';
import { createJobRunner, defaultJobHistoryDir, saveJobRecord, type JobSpec } from '../engine/index.js';
import type { CliContext } from './cli-context.js';
import { progressLine } from './format.js';

/** A job as the CLI runs it: exactly the engine's job spec. */
export type CliJob<T> = JobSpec<T>;

const PLAIN_PROGRESS_EVERY_MS = 10_000;

/**
 * Runs one operation as a job, showing its log and progress on stderr (a redrawn bar on a
 * TTY, a plain line now and then otherwise), and keeps its log in the job history. Ctrl-C or
 * SIGTERM cancels cleanly (the plugin restarts what it stopped); a second Ctrl-C exits at once.
 */
export async function runCliJob<T>(cli: CliContext, job: CliJob<T>): Promise<T> {
  const runner = createJobRunner({ concurrency: 1 });
  const term = cli.term;
  let barShown = false;
  let lastPlain = 0;
  let lastPhase = '';
  const clearBar = () => {
    if (barShown) term.write('\r\x1b[K');
    barShown = false;
  };
  const handle = runner.enqueue({ ...job });
  const offLog = runner.onDidLog((id: string, line: JobLogLine) => {
    if (id !== handle.id || line.level === 'debug') return;
    clearBar();
    term.write(`${line.level === 'info' ? '' : line.level + ': '}${line.message}\n`);
  });
  const offChange = runner.onDidChange((snap: JobSnapshot) => {
    if (snap.id !== handle.id || !snap.progress) return;
    if (snap.state === 'canceling') return;
    const p = snap.progress;
    if (term.fancy) {
      term.write(`\r\x1b[K${progressLine(p, term.columns, true)}`);
      barShown = true;
    } else {
      const now = Date.now();
      if (p.phase !== lastPhase || now - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
        lastPhase = p.phase;
        lastPlain = now;
        term.write(progressLine(p, 200, false) + '\n');
      }
    }
  });
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      clearBar();
      term.write('Interrupted again: exiting now. Check the target, things may be left stopped.\n');
      process.exit(130);
    }
    clearBar();
    term.write(`${sig === 'SIGINT' ? 'Ctrl-C' : sig}: canceling; waiting for the plugin to put things back (press again to force)…\n`);
    handle.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const final = await handle.done;
    clearBar();
    await saveJobRecord(defaultJobHistoryDir(), { job: final, log: runner.log(handle.id) }).catch((e: Error) =>
      term.write(`warning: could not keep this job's log: ${e.message}\n`),
    );
    if (final.state === 'succeeded') return await handle.result();
    if (final.state === 'canceled') throw new AppError('canceled', `${job.title}: canceled.`);
    return await handle.result();
  } finally {
    clearBar();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    offLog();
    offChange();
  }
}
