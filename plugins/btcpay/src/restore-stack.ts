/**
 * A BTCPay restore that keeps a way back:
 *
 * 1. Running: upload the archive's volumes into a staging volume on the host and its dumps
 *    into the database containers; check space first. Nothing of BTCPay changes yet.
 * 2. Stopped: swap the volumes (renames; the current data goes to a rollback volume, the
 *    host's own chain data, SSH keys and logs stay), start the databases on empty data
 *    folders, load the dumps with errors fatal.
 * 3. Start everything that was running (Lightning only after the operator's word when the
 *    archive has channel state).
 * Any failure in 2 or 3 undoes the swap and starts the stack as it was; the supervisor on the
 * host does the same if Lifeboat is gone.
 */
import { randomBytes } from 'node:crypto';
import type { DockerEngine, RestoreContext, RestoreResult } from '../../../src-main/plugin-host/plugin-api.js';
import type { ContainerRef } from '../../../src-main/transport/docker/containers.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';
import { archiveContents } from './archive-contents.js';
import { readOptions } from './btcpay-options.js';
import { MARIADB_DUMP, POSTGRES_DUMP } from './dump-databases.js';
import { failpoint } from './failpoint.js';
import { findStack, type BtcpayStack } from './find-stack.js';
import { hostShell } from './host-shell.js';
import { LIGHTNING_WARNING } from './lightning.js';
import { loadMariadb, loadPostgres } from './load-dump.js';
import { restartReport, withStackState } from './restart-report.js';
import { restoreLayout, type RestoreLayout } from './restore-layout.js';
import { checkStagingSpace, requireSpace } from './stage-volumes.js';
import { q } from './shell-quote.js';
import { startSupervisor, type Supervisor } from './supervisor.js';
import { swapScript, undoScript, type SwapPlan } from './swap-script.js';
import { uploadArchive } from './upload-archive.js';
import { PROJECT_LABEL, startWorkbench, VOLUMES, type Workbench } from './workbench.js';

export async function restoreStack(ctx: RestoreContext): Promise<RestoreResult> {
  const opts = readOptions(ctx.target.options, ctx.local.env);
  const contents = archiveContents(ctx.archive.manifest);
  ctx.progress.report({ kind: 'phase', phase: 'finding BTCPay Server' });
  const engine = await ctx.docker();
  const stack = await findStack(engine, opts.project);
  const jobId = randomBytes(4).toString('hex');
  const layout = await restoreLayout(engine, stack, contents, { exclude: opts.exclude, jobId });
  if (contents.channelState) ctx.log.warn(`${LIGHTNING_WARNING} THIS ARCHIVE HOLDS CHANNEL STATE (LND data/graph).`);

  const question =
    `Replace the data of BTCPay Server (compose project ${stack.project}) with this archive from ${ctx.archive.manifest.startedAt}? ` +
    `BTCPay will be stopped; its current volumes${layout.empty.length > 0 ? ' and database' : ''} are kept in the Docker volume ${layout.rollbackVolume} until you remove it.`;
  if (!(await ctx.confirm(question))) throw new AppError('declined', 'Restore declined: nothing was changed.');

  const bench = await startWorkbench(engine, { image: opts.helperImage ?? stack.postgresImage.name, volumesRoot: stack.volumesRoot, jobId, labels: { [PROJECT_LABEL]: stack.project } });
  const made: string[] = [];
  let keepRollback = false;
  try {
    const space = await checkStagingSpace(bench, [], [], ctx.signal);
    requireSpace({ ...space, neededKiB: Math.ceil(contents.bytes / 1024) }, 'the archive\'s volumes');
    for (const r of layout.replace.filter((x) => !x.exists)) {
      const short = r.volume.startsWith(`${stack.project}_`) ? r.volume.slice(stack.project.length + 1) : r.volume;
      await engine.client.createVolume({ Name: r.volume, Labels: { 'com.docker.compose.project': stack.project, 'com.docker.compose.volume': short } });
      ctx.log.info(`Created the volume ${r.volume}, which this host did not have yet.`);
    }
    for (const v of [layout.incomingVolume, layout.rollbackVolume]) {
      await engine.client.createVolume({ Name: v, Labels: { 'lifeboat.btcpay.restore': jobId, [PROJECT_LABEL]: stack.project } });
      made.push(v);
    }

    ctx.progress.report({ kind: 'phase', phase: 'uploading the archive to the host' });
    const dumpFile = (kind: string): string => `lifeboat-restore-${jobId}-${kind}.sql.gz`;
    const dumps = new Map(layout.empty.map((e) => [e.kind === 'postgres' ? POSTGRES_DUMP : MARIADB_DUMP, { container: e.container.id, file: dumpFile(e.kind) }]));
    const uploaded = await uploadArchive(
      engine,
      ctx.archive,
      { bench, incomingVolume: layout.incomingVolume, volumes: new Set(layout.replace.map((r) => r.from)), rename: { from: contents.project, to: stack.project }, dumps },
      ctx.signal,
    );
    ctx.log.info(`Uploaded ${uploaded.files} files (${uploaded.bytes} bytes) to the host; BTCPay Server is still running.`);

    const plan: SwapPlan = {
      root: VOLUMES,
      keep: `${VOLUMES}/${layout.rollbackVolume}/_data/volumes`,
      incoming: `${VOLUMES}/${layout.incomingVolume}/_data/volumes`,
      discard: `${VOLUMES}/${layout.incomingVolume}/_data/discarded`,
      replace: await Promise.all(layout.replace.map(async (r) => ({ volume: r.volume, carry: r.exists ? await ownPaths(bench, r.volume, layout, uploaded.paths, ctx.signal) : [] }))),
      empty: layout.empty.map((e) => e.volume),
    };
    await bench.sh(`cat > ${q(`${VOLUMES}/${layout.rollbackVolume}/_data/undo.sh`)}`, { input: `${undoScript(plan)}\n`, purpose: 'writing the undo script' });

    const supervisor = await startSupervisor(await hostShell(ctx, opts.remote), { dockerSocket: opts.dockerSocket, graceSeconds: opts.supervisorGraceSeconds, log: ctx.log, project: stack.project });
    const result = await swapAndLoad(ctx, { engine, stack, layout, bench, supervisor, plan, dumps: { postgres: dumps.get(POSTGRES_DUMP)?.file, mariadb: dumps.get(MARIADB_DUMP)?.file }, stopTimeoutSeconds: opts.stopTimeoutSeconds });
    keepRollback = true;
    return result;
  } catch (e) {
    keepRollback ||= (e as { rollbackKept?: boolean }).rollbackKept === true;
    throw e;
  } finally {
    await bench.remove();
    for (const v of made) {
      if (v === layout.rollbackVolume && keepRollback) continue;
      await engine.client.getVolume(v).remove({ force: true }).catch((e: unknown) => ctx.log.warn(`Could not remove the volume ${v}: ${errorMessage(e)}.`));
    }
  }
}

/**
 * Paths of the host's current data the archive leaves to the host (chain data, SSH host keys,
 * logs, current channel state): the topmost ones matching the exclude list, unless the
 * archive brings the same path.
 */
async function ownPaths(bench: Workbench, volume: string, layout: RestoreLayout, archived: ReadonlyMap<string, string>, signal: AbortSignal): Promise<string[]> {
  const { stdout } = await bench.sh(`cd ${q(`${VOLUMES}/${volume}/_data`)} && find . -mindepth 1 -print0`, { signal, purpose: `listing ${volume}` });
  const own: string[] = [];
  for (const found of stdout.split('\0')) {
    if (found === '') continue;
    const rel = found.replace(/^\.\//, '');
    const full = `volumes/${volume}/_data/${rel}`;
    const parent = full.slice(0, full.lastIndexOf('/'));
    if (layout.keepOwn.matches(full) && !layout.keepOwn.excludes(parent) && !bringsFiles(archived, full)) own.push(rel);
  }
  return own;
}

/** The archive has a file (or link) at `path` or under it; an empty folder there does not count. */
function bringsFiles(archived: ReadonlyMap<string, string>, path: string): boolean {
  const type = archived.get(path);
  if (type !== undefined && type !== 'directory') return true;
  for (const [p, t] of archived) if (t !== 'directory' && p.startsWith(`${path}/`)) return true;
  return false;
}

interface SwapInput {
  readonly engine: DockerEngine;
  readonly stack: BtcpayStack;
  readonly layout: RestoreLayout;
  readonly bench: Workbench;
  readonly supervisor: Supervisor;
  readonly plan: SwapPlan;
  readonly dumps: { readonly postgres: string | undefined; readonly mariadb: string | undefined };
  readonly stopTimeoutSeconds: number;
}

async function swapAndLoad(ctx: RestoreContext, s: SwapInput): Promise<RestoreResult> {
  const { engine, layout } = s;
  const startAll = layout.running.map((c) => `docker start ${q(c.id)} >/dev/null && echo "started ${c.name}" || echo "could not start ${c.name}"`);
  const undoInHelper = [
    ...s.stack.containers.map((c) => `docker stop -t 10 ${q(c.id)} >/dev/null 2>&1`),
    `docker run --rm --user 0:0 --network none --entrypoint sh -v ${q(`${s.stack.volumesRoot}:${VOLUMES}`)} ${q(s.bench.image)} ${q(`${VOLUMES}/${layout.rollbackVolume}/_data/undo.sh`)}`,
  ];
  const cleanup = [`docker rm -f ${q(s.bench.id)} >/dev/null 2>&1`, 'exit 0'];
  await s.supervisor.arm([...startAll, ...cleanup].join('\n'));

  let swapped = false;
  const t0 = Date.now();
  let held: ContainerRef[] = [];
  try {
    ctx.progress.report({ kind: 'phase', phase: 'stopping BTCPay Server' });
    await engine.stopInOrder(layout.running, { timeoutSeconds: s.stopTimeoutSeconds });
    await s.supervisor.arm([...undoInHelper, ...startAll, ...cleanup].join('\n'));
    ctx.progress.report({ kind: 'phase', phase: 'putting the archived volumes in place' });
    swapped = true;
    await s.bench.sh(swapScript(s.plan), { purpose: 'putting the archived volumes in place' });
    await failpoint('restore.swapped', ctx.local.env, ctx.signal);
    for (const e of layout.empty) {
      ctx.progress.report({ kind: 'phase', phase: `loading the ${e.kind === 'postgres' ? 'Postgres' : 'MariaDB'} dump` });
      const file = `/tmp/${e.kind === 'postgres' ? s.dumps.postgres : s.dumps.mariadb}`;
      if (e.kind === 'postgres') await loadPostgres(engine, e.container, file, ctx.signal);
      else await loadMariadb(engine, e.container, file, await mariadbPassword(engine, e.container.id), ctx.signal);
    }
    await failpoint('restore.loaded', ctx.local.env, ctx.signal);
  } catch (e) {
    throw await rollBack(ctx, s, e, swapped);
  }

  // The data is in place: from here a lost connection only needs the stack started.
  await s.supervisor.arm([...startAll, ...cleanup].join('\n'));
  if (layout.holdLightning.length > 0) {
    const names = layout.holdLightning.map((c) => c.name).join(', ');
    const go = await ctx.confirm(
      `This archive holds Lightning channel state. Start ${names} only if the old node is gone for good and will never run again: if both ever run, or old state is published, channel funds can be lost. Start them now?`,
    );
    if (!go) held = [...layout.holdLightning];
  }
  ctx.progress.report({ kind: 'phase', phase: 'starting BTCPay Server' });
  const toStart = layout.running.filter((c) => !held.some((h) => h.id === c.id));
  const failed: string[] = [];
  for (const c of toStart) {
    const container = engine.client.getContainer(c.id);
    if (!(await container.inspect()).State.Running) await container.start().catch((e: unknown) => failed.push(`${c.name} (${errorMessage(e)})`));
  }
  const downtimeSeconds = (Date.now() - t0) / 1000;
  await s.supervisor.disarm().catch(() => undefined);
  const report = await restartReport(engine, toStart);
  const notes = [
    `BTCPay Server was stopped for ${downtimeSeconds.toFixed(1)} s; ${report.sentence}`,
    `The data it had before is kept in the Docker volume ${layout.rollbackVolume} (volumes/<name>/_data, and undo.sh to put it back). Remove it with "docker volume rm ${layout.rollbackVolume}" once you are satisfied.`,
    ...(held.length > 0 ? [`Not started, as you asked: ${held.map((c) => c.name).join(', ')}. Start them (docker start ${held.map((c) => c.name).join(' ')}) only when the old Lightning node can never run again.`] : []),
  ];
  if (!report.ok) throw Object.assign(new AppError('plugin', `The archive was restored, but ${failed.length > 0 ? `starting failed for ${failed.join('; ')}` : 'not everything came up'}. ${report.sentence} ${notes[1]}`), { rollbackKept: true });
  return { downtimeSeconds, notes };
}

/** Undo the swap, start what was running, and say what happened. */
async function rollBack(ctx: RestoreContext, s: SwapInput, failure: unknown, swapped: boolean): Promise<Error> {
  ctx.progress.report({ kind: 'phase', phase: 'rolling back' });
  ctx.log.error(`Restore failed: ${errorMessage(failure)} Rolling back.`);
  let undone = 'Nothing had been replaced yet.';
  if (swapped) {
    for (const c of s.stack.containers) await s.engine.client.getContainer(c.id).stop({ t: 10 }).catch(() => undefined);
    try {
      const { stdout } = await s.bench.sh(`sh ${q(`${VOLUMES}/${s.layout.rollbackVolume}/_data/undo.sh`)}`, { purpose: 'putting the previous volumes back' });
      ctx.log.info(stdout.trim());
      undone = 'The data it had before was put back.';
    } catch (e) {
      undone = `Putting the previous data back FAILED (${errorMessage(e)}): it is in the Docker volume ${s.layout.rollbackVolume}; run its undo.sh in a container that mounts ${s.stack.volumesRoot} at ${VOLUMES}.`;
      await s.supervisor.disarm().catch(() => undefined);
      return Object.assign(withStackState(failure, { ok: false, sentence: undone }), { rollbackKept: true });
    }
  }
  for (const c of s.layout.running) {
    const container = s.engine.client.getContainer(c.id);
    if (!(await container.inspect().then((i) => i.State.Running).catch(() => true))) await container.start().catch(() => undefined);
  }
  await s.supervisor.disarm().catch(() => undefined);
  // The uploaded dumps must not stay in the containers' /tmp.
  for (const e of s.layout.empty) {
    const file = `/tmp/${e.kind === 'postgres' ? s.dumps.postgres : s.dumps.mariadb}`;
    await s.engine.exec(e.container.id, ['rm', '-f', file], { allowFailure: true, signal: undefined }).catch(() => undefined);
  }
  const report = await restartReport(s.engine, s.layout.running);
  return withStackState(failure, { ok: report.ok, sentence: `${undone} ${report.sentence}` });
}

async function mariadbPassword(engine: DockerEngine, id: string): Promise<string | undefined> {
  const env = (await engine.client.getContainer(id).inspect()).Config.Env ?? [];
  const hit = env.find((e) => e.startsWith('MYSQL_ROOT_PASSWORD=') || e.startsWith('MARIADB_ROOT_PASSWORD='));
  return hit?.slice(hit.indexOf('=') + 1);
}
