/**
 * A BTCPay backup, in btcpay-backup.sh's layout (`postgres.sql.gz`, `mariadb.sql.gz`,
 * `volumes/<volume>/_data/...`), without its faults:
 *
 * 1. Before anything stops: find the stack, start the helper, check there is room for the
 *    copy, start the supervisor on the host.
 * 2. Stopped (the downtime): the services that write to the databases. The databases keep
 *    running (their folders are not archived: the dumps are); the dumps (their ends checked,
 *    parked raw in the encrypted spool) and a raw copy of the volumes on the host's own disk
 *    are taken side by side.
 * 3. Everything that was running is started again, whatever happened in 2, and checked.
 * 4. Running again: the dumps are gzipped into the archive, then the copy of the volumes is
 *    read in (compressed, encrypted here).
 */
import { randomBytes } from 'node:crypto';
import type { BackupContext, BackupResult, DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import type { ContainerRef, StoppedContainers } from '../../../src-main/transport/docker/containers.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { readOptions } from './btcpay-options.js';
import { excludeSet, volumeExcluded } from './excludes.js';
import { findStack, type BtcpayStack } from './find-stack.js';
import { addParkedDump, dumpMariadb, dumpPostgres, type DumpResult, type ParkedDump } from './dump-databases.js';
import { failpoint } from './failpoint.js';
import { hostShell } from './host-shell.js';
import { LIGHTNING_WARNING, lightningNames } from './lightning.js';
import { restartReport, withStackState } from './restart-report.js';
import { checkStagingSpace, copyToStaging, requireSpace } from './stage-volumes.js';
import { q } from './shell-quote.js';
import { startSupervisor, type Supervisor } from './supervisor.js';
import { PROJECT_LABEL, startWorkbench, VOLUMES, type Workbench } from './workbench.js';
import { AppError } from '../../../src-main/shared/app-error.js';

export const METADATA_KEY = 'btcpay';

/** What a BTCPay archive's manifest says about it (metadata.btcpay). */
export interface BtcpayMetadata {
  readonly format: 'btcpay-backup.sh';
  readonly project: string;
  readonly volumes: readonly string[];
  readonly excludes: readonly string[];
  readonly dumps: readonly DumpResult[];
  readonly postgresImage: { readonly name: string; readonly id: string };
  /** Recorded since verify --deep test-restores the MariaDB dump (older archives lack it). */
  readonly mariadbImage?: { readonly name: string; readonly id: string };
  /** From the first container stopped to the last one started. */
  readonly downtimeSeconds: number;
  readonly stoppedContainers: readonly string[];
  readonly lightning: { readonly nodes: readonly string[]; readonly channelStateIncluded: boolean; readonly warning?: string };
}

export async function backupStack(ctx: BackupContext): Promise<BackupResult> {
  const opts = readOptions(ctx.target.options, ctx.local.env);
  ctx.progress.report({ kind: 'phase', phase: 'finding BTCPay Server' });
  const engine = await ctx.docker();
  const stack = await findStack(engine, opts.project);
  const set = excludeSet(stack.project, { extra: opts.exclude, includeLightningState: opts.includeLightningState });
  const volumes = stack.volumes.filter((v) => !volumeExcluded(v, set));
  if (!stack.postgres.running) {
    throw new AppError('plugin', `Postgres (${stack.postgres.name}) is not running, so its database cannot be dumped. Nothing was stopped. Start BTCPay Server (btcpay-up.sh) and back up again.`);
  }
  const lightning = lightningNames(stack);
  if (lightning.length > 0) {
    ctx.log.warn(`${LIGHTNING_WARNING} ${opts.includeLightningState ? 'This backup INCLUDES the channel state (LND data/graph), as the target asks.' : 'Channel state (LND data/graph) is left out of this backup.'}`);
  }

  const jobId = randomBytes(4).toString('hex');
  const stagingVolume = `lifeboat-staging-${jobId}`;
  ctx.progress.report({ kind: 'phase', phase: 'checking free space on the host' });
  const bench = await startWorkbench(engine, { image: opts.helperImage ?? stack.postgresImage.name, volumesRoot: stack.volumesRoot, jobId, labels: { [PROJECT_LABEL]: stack.project } });
  let staged = false;
  try {
    requireSpace(await checkStagingSpace(bench, volumes, set.patterns, ctx.signal), 'the copy of the volumes');
    await engine.client.createVolume({ Name: stagingVolume, Labels: { 'lifeboat.btcpay.staging': jobId, [PROJECT_LABEL]: stack.project } });
    staged = true;
    const supervisor = await startSupervisor(await hostShell(ctx, opts.remote), { dockerSocket: opts.dockerSocket, graceSeconds: opts.supervisorGraceSeconds, log: ctx.log, project: stack.project });
    const window = await stoppedWindow(ctx, { engine, stack, bench, supervisor, stagingVolume, volumes, patterns: set.patterns, stopTimeoutSeconds: opts.stopTimeoutSeconds });

    ctx.progress.report({ kind: 'phase', phase: 'compressing the database dumps' });
    for (const d of window.dumps) await addParkedDump(ctx.archive, d);
    ctx.progress.report({ kind: 'phase', phase: 'archiving the volumes' });
    await ctx.archive.addTarStream(await bench.read(`${VOLUMES}/${stagingVolume}/_data/volumes`), { exclude: set.patterns });
    const metadata: BtcpayMetadata = {
      format: 'btcpay-backup.sh',
      project: stack.project,
      volumes,
      excludes: set.patterns,
      dumps: window.dumps.map((d) => ({ name: d.name, sqlBytes: d.sqlBytes })),
      postgresImage: stack.postgresImage,
      ...(stack.mariadbImage ? { mariadbImage: stack.mariadbImage } : {}),
      downtimeSeconds: window.downtimeSeconds,
      stoppedContainers: window.stopped,
      lightning: { nodes: lightning, channelStateIncluded: opts.includeLightningState && lightning.length > 0, ...(lightning.length > 0 ? { warning: LIGHTNING_WARNING } : {}) },
    };
    ctx.archive.setMetadata(METADATA_KEY, metadata);
    return {
      downtimeSeconds: window.downtimeSeconds,
      notes: [
        `BTCPay Server was stopped for ${window.downtimeSeconds.toFixed(1)} s (${window.stopped.length} containers); ${window.restart}`,
        ...(lightning.length > 0 ? [`Lightning: ${metadata.lightning.channelStateIncluded ? 'channel state INCLUDED — never restore it while the old node may still run' : 'channel state left out'}.`] : []),
      ],
    };
  } finally {
    await bench.remove();
    if (staged) await engine.client.getVolume(stagingVolume).remove({ force: true }).catch((e: unknown) => ctx.log.warn(`Could not remove the staging volume ${stagingVolume}: ${errorMessage(e)}. Remove it with docker volume rm.`));
  }
}

interface WindowInput {
  readonly engine: DockerEngine;
  readonly stack: BtcpayStack;
  readonly bench: Workbench;
  readonly supervisor: Supervisor;
  readonly stagingVolume: string;
  readonly volumes: readonly string[];
  readonly patterns: readonly string[];
  readonly stopTimeoutSeconds: number;
}

/**
 * Steps 2 and 3: stop the services that write to the databases (the databases themselves
 * keep running: their folders are not archived, the dumps are), then dump and copy the
 * volumes side by side; then start everything that was stopped, whatever happened.
 */
async function stoppedWindow(ctx: BackupContext, w: WindowInput): Promise<{ downtimeSeconds: number; stopped: string[]; dumps: ParkedDump[]; restart: string }> {
  const running = w.stack.containers.filter((c) => c.running);
  const databases = [w.stack.postgres, w.stack.mariadb].filter((c): c is ContainerRef => c !== undefined);
  const writers = running.filter((c) => !databases.some((d) => d.id === c.id));
  await w.supervisor.arm(recoveryScript(running, w.bench, w.stagingVolume));
  const dumps: ParkedDump[] = [];
  let stopped: StoppedContainers | undefined;
  let failure: unknown;
  const t0 = Date.now();
  try {
    ctx.progress.report({ kind: 'phase', phase: 'stopping BTCPay Server' });
    stopped = await w.engine.stopInOrder(writers, { timeoutSeconds: w.stopTimeoutSeconds });
    await failpoint('backup.stopped', ctx.local.env, ctx.signal);
    ctx.progress.report({ kind: 'phase', phase: 'dumping the databases and copying the volumes on the host' });
    // One failing stops the other: no point finishing a copy for a backup that failed.
    const both = new AbortController();
    const signal = AbortSignal.any([ctx.signal, both.signal]);
    const stop = (e: unknown): never => {
      both.abort();
      throw e;
    };
    const dumping = (async () => {
      dumps.push(await dumpPostgres(w.engine, ctx.archive, w.stack.postgres.id, signal));
      if (w.stack.mariadb?.running) dumps.push(await dumpMariadb(w.engine, ctx.archive, w.stack.mariadb.id, signal));
    })().catch(stop);
    const copying = copyToStaging(w.bench, w.stagingVolume, w.volumes, w.patterns, signal).catch(stop);
    const settled = await Promise.allSettled([dumping, copying]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // The first failure, not the "canceled" the other got because of it.
    if (failed) throw settled.map((r) => (r.status === 'rejected' ? r.reason : undefined)).find((e) => e !== undefined && (e as { code?: string }).code !== 'canceled') ?? failed.reason;
    await failpoint('backup.copied', ctx.local.env, ctx.signal);
  } catch (e) {
    failure = e;
  }
  ctx.progress.report({ kind: 'phase', phase: 'starting BTCPay Server' });
  const startErrors: string[] = [];
  await stopped?.restore().catch((e: unknown) => startErrors.push(errorMessage(e)));
  const downtimeSeconds = (Date.now() - t0) / 1000;
  const report = await restartReport(w.engine, running);
  await w.supervisor.disarm().catch((e: unknown) => ctx.log.warn(`Could not stop the supervisor in ${w.supervisor.dir}: ${errorMessage(e)}. It will find the stack running and leave it.`));
  (report.ok ? ctx.log.info : ctx.log.error)(report.sentence);
  if (failure !== undefined || !report.ok) for (const d of dumps) await d.parked.close().catch(() => undefined);
  if (failure !== undefined) throw withStackState(failure, report);
  if (!report.ok) throw new AppError('plugin', `The backup was not kept because the stack did not come back: ${startErrors.join('; ')}. ${report.sentence}`);
  return { downtimeSeconds, stopped: stopped?.stopped.map((c) => c.name) ?? [], dumps, restart: report.sentence };
}

/** What the supervisor runs if Lifeboat is gone while the stack is stopped. */
function recoveryScript(running: readonly ContainerRef[], bench: Workbench, stagingVolume: string): string {
  return [
    ...running.map((c) => `docker start ${q(c.id)} >/dev/null && echo "started ${c.name}" || echo "could not start ${c.name}"`),
    `docker rm -f ${q(bench.id)} >/dev/null 2>&1`,
    `docker volume rm -f ${q(stagingVolume)} >/dev/null 2>&1`,
    'exit 0',
  ].join('\n');
}
