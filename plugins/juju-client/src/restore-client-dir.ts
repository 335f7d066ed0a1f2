/**
 * Restore of the Juju client directory. The folder in place is never deleted: it is moved
 * aside to `<dir>.lifeboat-<YYYYMMDD-HHMMSS>` first and moved back if extraction fails.
 */
import { lstat, mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RestoreContext, RestoreResult } from '../../../src-main/plugin-host/plugin-api.js';
import { archiveRootFor, detectClientDir, expandHome } from './client-dir.js';
import { readOptions } from './juju-options.js';
import { PluginError } from './plugin-error.js';

/** Where a restore puts the client folder, and which archive folder it takes it from. */
export interface RestoreTarget {
  /** The folder to restore: option `to`, else where the backup was taken from, else where Juju looks. */
  readonly dir: string;
  /** The archive folder holding the client directory. */
  readonly root: string;
}

export async function restoreTargetOf(ctx: RestoreContext): Promise<RestoreTarget> {
  const options = readOptions(ctx);
  const metadata = ctx.archive.manifest.metadata;
  const sourcePath = typeof metadata.sourcePath === 'string' ? metadata.sourcePath : undefined;
  const dir = options.to
    ? expandHome(options.to, ctx.local.homedir)
    : sourcePath ?? (await detectClientDir(ctx, undefined)).path;
  return { dir, root: await archiveRootOf(ctx, sourcePath) };
}

export async function restoreClientDir(ctx: RestoreContext): Promise<RestoreResult> {
  const { dir, root } = await restoreTargetOf(ctx);
  ctx.log.info(`Restoring ${root}/ from the archive to ${dir}.`);

  const notes: string[] = [];
  let aside: string | undefined;
  if (await pathExists(dir)) {
    aside = await asidePathFor(dir, new Date());
    const ok = await ctx.confirm(`Replace ${dir} with the archive's copy? The current folder is kept as ${aside}.`);
    if (!ok) throw new PluginError('declined', `Restore declined: ${dir} was left as it is.`);
    await rename(dir, aside);
    ctx.log.info(`Moved the current ${dir} aside to ${aside}; it is the way back if this restore is not what you wanted.`);
    notes.push(`The previous folder is kept as ${aside}; delete it once you no longer need it.`);
  } else {
    await mkdir(dirname(dir), { recursive: true });
  }

  ctx.progress.report({ kind: 'phase', phase: `Restoring ${dir}` });
  try {
    const result = await ctx.archive.extractTo(dir, { strip: root });
    notes.unshift(`Restored ${result.files} files (${result.bytes} bytes) to ${dir}.`);
    return { notes };
  } catch (e) {
    if (aside) await moveBack(ctx, dir, aside);
    throw e;
  }
}

/**
 * The archive folder holding the client directory: the one the backup recorded, else the
 * one a backup made from here would use, else the single top-level folder of the archive.
 */
async function archiveRootOf(ctx: RestoreContext, sourcePath: string | undefined): Promise<string> {
  const recorded = ctx.archive.manifest.metadata.archiveRoot;
  if (typeof recorded === 'string' && recorded) return recorded;
  if (sourcePath) return archiveRootFor(sourcePath, ctx.local.homedir);
  const tops = new Set(
    ctx.archive.manifest.entries.map((e) => e.path.split('/')[0]!).filter((p) => p && p !== 'lifeboat'),
  );
  if (tops.size === 1) return [...tops][0]!;
  throw new PluginError(
    'plugin',
    'This archive does not say which folder holds the Juju client directory (it was not made by the juju-client plugin?). ' +
      'Extract it with `lifeboat extract ARCHIVE --to DIR` instead.',
  );
}

/** `<dir>.lifeboat-<YYYYMMDD-HHMMSS>` (UTC, like archive names), with `-2`, `-3`... if taken. */
export async function asidePathFor(dir: string, now: Date): Promise<string> {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const base = `${dir.replace(/\/+$/, '')}.lifeboat-${stamp}`;
  let candidate = base;
  for (let n = 2; await pathExists(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/** Puts the moved-aside folder back after a failed extraction, so nothing is lost. */
async function moveBack(ctx: RestoreContext, dir: string, aside: string): Promise<void> {
  try {
    // extractTo moves its staging folder into place only on success, so `dir` is normally
    // absent here; an empty folder left behind is safe to remove, anything else is kept.
    if (await pathExists(dir)) {
      if ((await readdir(dir)).length === 0) await rmdir(dir);
      else {
        ctx.log.error(`The restore failed and left files in ${dir}; your previous folder is still at ${aside}.`);
        return;
      }
    }
    await rename(aside, dir);
    ctx.log.warn(`The restore failed; moved ${aside} back to ${dir}.`);
  } catch (e) {
    ctx.log.error(`The restore failed and ${aside} could not be moved back to ${dir} (${String(e)}); move it back by hand.`);
  }
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
