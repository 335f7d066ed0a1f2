/**
 * A Bitnobi restore, Bitnobi's own way (a new container, bitnobiRestore.sh, startScript.sh),
 * with a way back: the old container is stopped and renamed, not removed, and comes back
 * under its name, started, if anything fails.
 */
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import type { DockerEngine, RestoreContext, RestoreResult } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage, isAppError } from '../../../src-main/shared/app-error.js';
import { readOptions, type BitnobiOptions } from './bitnobi-options.js';
import { createContainer, renameContainer } from './container-config.js';
import { q, runIn, waitUntilAnswering } from './in-container.js';
import { describePorts, restoreLayout, type RestoreLayout } from './restore-layout.js';

export async function restoreBitnobi(ctx: RestoreContext): Promise<RestoreResult> {
  const opts = readOptions(ctx.target.options);
  const engine = await ctx.docker();
  const layout = await restoreLayout(engine, ctx.archive.manifest, opts);
  if (layout.versionChange) {
    ctx.log.warn(`DIFFERENT BITNOBI IMAGE. ${layout.versionChange}`);
    if (!opts.acrossVersions) {
      throw new AppError('declined', `${layout.versionChange} Nothing was changed. To restore across versions anyway, set the target's option acrossVersions (--opt acrossVersions=true).`);
    }
  }
  const question = layout.old
    ? `Replace the Bitnobi container ${opts.container} with a new one from ${layout.image} holding the backup ${layout.folder}? The current container is stopped and kept as ${layout.keptAs}.`
    : `Create the Bitnobi container ${opts.container} from ${layout.image} and restore the backup ${layout.folder} into it?`;
  if (!(await ctx.confirm(question))) throw new AppError('declined', 'Restore declined: nothing was changed.');

  const t0 = Date.now();
  if (layout.old) {
    ctx.progress.report({ kind: 'phase', phase: `stopping ${opts.container}` });
    await engine.client.getContainer(layout.old.id).stop({ t: 30 }).catch((e: unknown) => {
      if (!/not running|304/i.test(errorMessage(e))) throw e;
    });
    await renameContainer(engine, layout.old.id, layout.keptAs);
  }
  let newId: string | undefined;
  try {
    ctx.progress.report({ kind: 'phase', phase: `creating ${opts.container}` });
    newId = await createContainer(engine, layout.next, { name: opts.container, image: layout.image, secrets: layout.secrets });
    ctx.progress.report({ kind: 'phase', phase: 'putting the backup folder in place' });
    await runIn(engine, newId, '/', `mkdir -p -- ${q(opts.backupDir)}`, { purpose: 'Making the backup folder' });
    await engine.writePath(newId, opts.backupDir, backupTar(ctx));
    ctx.progress.report({ kind: 'phase', phase: 'running bitnobiRestore.sh' });
    await runIn(engine, newId, opts.home, `${opts.restoreCommand} ${q(relativeTo(opts.home, `${opts.backupDir}/${layout.folder}`))}`, { purpose: opts.restoreCommand, signal: ctx.signal });
    ctx.progress.report({ kind: 'phase', phase: 'starting Bitnobi' });
    await runIn(engine, newId, opts.home, opts.startCommand, { purpose: `Starting Bitnobi (${opts.startCommand})`, signal: ctx.signal });
    if (!(await waitUntilAnswering(engine, newId, opts.probePort, opts.probeTimeoutSeconds, ctx.signal))) {
      throw new AppError('plugin', `The restored Bitnobi does not answer on port ${opts.probePort} after ${opts.probeTimeoutSeconds} s.`);
    }
  } catch (e) {
    throw await rollBack(ctx, engine, opts, layout, newId, e);
  }
  const downtimeSeconds = (Date.now() - t0) / 1000;
  return {
    downtimeSeconds,
    notes: [
      `Bitnobi runs in a new container ${opts.container} (${layout.image}, ports ${describePorts(layout.next)}) and answers on port ${opts.probePort}.`,
      ...(layout.old ? [`The previous container is kept, stopped, as ${layout.keptAs}. Remove it (docker rm ${layout.keptAs}) once you are satisfied.`] : []),
    ],
  };
}

/** The archive's `backup/<folder>/...` as a tar of `<folder>/...`, for Docker's archive API. */
function backupTar(ctx: RestoreContext): NodeJS.ReadableStream & import('node:stream').Readable {
  const p = pack();
  void (async () => {
    for await (const e of ctx.archive.entries({ paths: ['backup'] })) {
      const name = e.path.replace(/^backup\//, '');
      if (name === e.path || name === '') {
        e.body?.resume();
        continue;
      }
      const header = { name, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
      if (e.type === 'file' && e.body) await pipeline(e.body, p.entry({ ...header, type: 'file', size: e.size }));
      else if (e.type === 'directory') p.entry({ ...header, type: 'directory' });
      else if (e.type === 'symlink') p.entry({ ...header, type: 'symlink', linkname: e.linkname ?? '' });
      else if (e.type === 'hardlink') p.entry({ ...header, type: 'link', linkname: (e.linkname ?? '').replace(/^backup\//, '') });
    }
    p.finalize();
  })().catch((e: unknown) => p.destroy(e as Error));
  return p as unknown as NodeJS.ReadableStream & import('node:stream').Readable;
}

function relativeTo(home: string, path: string): string {
  return path.startsWith(`${home}/`) ? path.slice(home.length + 1) : path;
}

async function rollBack(ctx: RestoreContext, engine: DockerEngine, opts: BitnobiOptions, layout: RestoreLayout, newId: string | undefined, failure: unknown): Promise<Error> {
  ctx.progress.report({ kind: 'phase', phase: 'rolling back' });
  if (newId) await engine.client.getContainer(newId).remove({ force: true }).catch(() => undefined);
  let state = 'The new container was removed.';
  if (layout.old) {
    try {
      await renameContainer(engine, layout.old.id, opts.container);
      await engine.client.getContainer(layout.old.id).start();
      await runIn(engine, layout.old.id, opts.home, opts.startCommand, { purpose: `Starting Bitnobi (${opts.startCommand})` });
      const up = await waitUntilAnswering(engine, layout.old.id, opts.probePort, opts.probeTimeoutSeconds);
      state += ` The previous container is back as ${opts.container}, started${up ? `, and answers on port ${opts.probePort}` : `, but does NOT answer on port ${opts.probePort}: check it (docker exec -it ${opts.container} sh)`}.`;
    } catch (e) {
      state += ` Putting the previous container back FAILED (${errorMessage(e)}): it is ${layout.keptAs}; rename it (docker rename ${layout.keptAs} ${opts.container}) and start it.`;
    }
  }
  ctx.log.error(state);
  return new AppError(isAppError(failure) ? failure.code : 'plugin', `${errorMessage(failure)} ${state}`, { cause: failure });
}

