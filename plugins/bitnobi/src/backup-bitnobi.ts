/**
 * A Bitnobi backup, Bitnobi's own way, done for the operator through the Docker API: halt its
 * processes, run bitnobiBackup.sh, find the folder it made, start Bitnobi again (always, also
 * after a failure or a cancel), check it answers, then stream that folder into the archive
 * as `backup/backup-YYYYMMDD_HHMM/...` while Bitnobi runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackupContext, BackupResult, DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage, isAppError } from '../../../src-main/shared/app-error.js';
import { readOptions, type BitnobiOptions } from './bitnobi-options.js';
import { readContainer, type BitnobiContainer } from './container-config.js';
import { backupFolders, q, runIn, waitUntilAnswering } from './in-container.js';
import { startWatchdog, surveyWatchdogs } from './watchdog.js';

export const METADATA_KEY = 'bitnobi';

export interface BitnobiMetadata {
  /** The folder bitnobiBackup.sh made, as `backup/<folder>` holds it. */
  readonly folder: string;
  readonly container: BitnobiContainer;
  readonly version?: string;
  readonly haltedSeconds: number;
  readonly home: string;
  readonly backupDir: string;
}

export async function backupBitnobi(ctx: BackupContext): Promise<BackupResult> {
  const opts = readOptions(ctx.target.options);
  const engine = await ctx.docker();
  const ref = await engine.findContainer(opts.container);
  if (!ref) throw new AppError('not-found', `No container named ${opts.container} on this Docker engine. Check the target's "container" option (docker ps -a).`);
  if (!ref.running) throw new AppError('plugin', `The Bitnobi container ${opts.container} is not running, so nothing was backed up. Start it (docker start ${opts.container}), run ./startScript.sh in it, and back up again.`);
  const { config } = await readContainer(engine, ref.id);
  const version = (await engine.exec(ref.id, ['cat', `${opts.home}/VERSION`], { allowFailure: true, signal: undefined }).catch(() => undefined))?.stdout.trim() || undefined;
  // By name: its refusal names the container as the operator knows it.
  await surveyWatchdogs(engine, opts.container, ctx.log);
  await waitForOwnMinute(ctx, engine, ref.id, opts);
  const before = await backupFolders(engine, ref.id, opts.backupDir);

  const window = await haltedWindow(ctx, engine, ref.id, opts, before);
  ctx.progress.report({ kind: 'phase', phase: 'archiving the backup folder' });
  await ctx.archive.addTarStream(await engine.readPath(ref.id, `${opts.backupDir}/${window.folder}`), { prefix: 'backup' });
  const metadata: BitnobiMetadata = { folder: window.folder, container: config, ...(version ? { version } : {}), haltedSeconds: window.haltedSeconds, home: opts.home, backupDir: opts.backupDir };
  ctx.archive.setMetadata(METADATA_KEY, metadata);
  const notes = [`Bitnobi was halted for ${window.haltedSeconds.toFixed(1)} s; ${window.answer}`];
  if (opts.keepOnHost) {
    notes.push(`Bitnobi's own copy stays in ${opts.backupDir}/${window.folder} (the host folder mounted there).`);
  } else {
    await runIn(engine, ref.id, opts.home, `rm -rf -- ${q(`${opts.backupDir}/${window.folder}`)}`, { purpose: 'Removing the backup folder on the host' });
  }
  return { downtimeSeconds: window.haltedSeconds, notes };
}

/**
 * bitnobiBackup.sh names its folder by the minute: a second backup within the same minute
 * would find the name taken. Wait for the next minute instead.
 */
async function waitForOwnMinute(ctx: BackupContext, engine: DockerEngine, id: string, opts: BitnobiOptions): Promise<void> {
  const now = (await runIn(engine, id, opts.home, 'date +%Y%m%d_%H%M_%S', { purpose: 'Reading the container\'s clock' })).trim();
  const [day, hm, sec] = now.split('_');
  if (!(await backupFolders(engine, id, opts.backupDir)).has(`backup-${day}_${hm}`)) return;
  const wait = 61 - Number(sec);
  ctx.log.info(`A backup folder for this minute (backup-${day}_${hm}) exists already; waiting ${wait} s so bitnobiBackup.sh makes a folder of its own.`);
  try {
    await sleep(wait * 1000, undefined, { signal: ctx.signal });
  } catch {
    throw new AppError('canceled', 'Canceled before Bitnobi was halted: nothing was changed.');
  }
}

async function haltedWindow(
  ctx: BackupContext,
  engine: DockerEngine,
  id: string,
  opts: BitnobiOptions,
  before: ReadonlySet<string>,
): Promise<{ folder: string; haltedSeconds: number; answer: string }> {
  let failure: unknown;
  let folder: string | undefined;
  // Before the halt: if Lifeboat goes away while Bitnobi is halted, this starts it again.
  const watchdog = await startWatchdog(engine, { ...opts, graceSeconds: opts.supervisorGraceSeconds, before, log: ctx.log });
  try {
    const t0 = Date.now();
    try {
      ctx.progress.report({ kind: 'phase', phase: 'halting Bitnobi' });
      await runIn(engine, id, opts.home, watchdog.step('halt', opts.haltCommand), { purpose: `Halting Bitnobi (${opts.haltCommand})`, signal: ctx.signal });
      ctx.progress.report({ kind: 'phase', phase: 'running bitnobiBackup.sh' });
      await runIn(engine, id, opts.home, watchdog.step('backup', opts.backupCommand), { purpose: opts.backupCommand, signal: ctx.signal });
      const made = [...(await backupFolders(engine, id, opts.backupDir))].filter((f) => !before.has(f));
      if (made.length !== 1) throw new AppError('plugin', `${opts.backupCommand} ran, but ${made.length === 0 ? 'no new backup folder appeared' : `several new folders appeared (${made.join(', ')})`} in ${opts.backupDir}.`);
      folder = made[0]!;
    } catch (e) {
      failure = e;
    }
    // Whatever happened: Bitnobi runs again. Not cancelable.
    ctx.progress.report({ kind: 'phase', phase: 'starting Bitnobi' });
    let startError: string | undefined;
    try {
      await runIn(engine, id, opts.home, opts.startCommand, { purpose: `Starting Bitnobi (${opts.startCommand})` });
    } catch (e) {
      if (isAppError(e) && e.code === 'unreachable') throw lostTouch(e, opts, watchdog.dir);
      startError = errorMessage(e);
    }
    const haltedSeconds = (Date.now() - t0) / 1000;
    await watchdog.disarm();
    const up = await waitUntilAnswering(engine, id, opts.probePort, opts.probeTimeoutSeconds);
    const answer = up
      ? `it answers on port ${opts.probePort} again.`
      : `it does NOT answer on port ${opts.probePort}${startError ? ` (${startError})` : ''}. Check it: docker exec -it ${opts.container} sh, then ${opts.startCommand}.`;
    (up ? ctx.log.info : ctx.log.error)(`Bitnobi: ${answer}`);
    if (failure !== undefined) {
      // A half-made folder must not pass for a backup on the host.
      const partial = [...(await backupFolders(engine, id, opts.backupDir).catch(() => new Set<string>()))].filter((f) => !before.has(f));
      for (const f of partial) await runIn(engine, id, opts.home, `rm -rf -- ${q(`${opts.backupDir}/${f}`)}`, { purpose: 'Removing the unfinished backup folder' }).catch(() => undefined);
      const removed = partial.length > 0 ? ` The unfinished folder ${partial.join(', ')} was removed.` : '';
      const message = `${errorMessage(failure)}${removed} Bitnobi was started again: ${answer}`;
      throw new AppError(isAppError(failure) ? failure.code : 'plugin', message, { cause: failure });
    }
    // A good backup is kept even when Bitnobi does not answer afterwards; the result says so.
    return { folder: folder!, haltedSeconds, answer };
  } finally {
    // Never left renewing the lease (the process would not end): a no-op once disarmed.
    await watchdog.abandon();
  }
}

/**
 * The Docker engine is out of reach (the SSH connection dropped) with Bitnobi halted: nothing
 * more can be done from here, and the watchdog in the container takes over.
 */
function lostTouch(cause: AppError, opts: BitnobiOptions, watchdogDir: string): AppError {
  return new AppError(
    'unreachable',
    `Lost touch with the Docker engine while Bitnobi was halted: ${cause.message} No archive was made. The watchdog Lifeboat left in the container starts Bitnobi again ${opts.supervisorGraceSeconds} s after the last word from Lifeboat, once the step that was running ends; the next backup reports what it did. Until then, \`docker exec ${opts.container} sh -c 'cat ${watchdogDir}*/recovery.log'\` on the host shows it.`,
    { cause },
  );
}
