/**
 * Backup of the Juju client directory: the whole folder as one archive folder named after
 * its place under $HOME, with its layout recorded so a restore can put it back.
 */
import type { BackupContext, BackupResult } from '../../../src-main/plugin-host/plugin-api.js';
import { archiveRootFor, detectClientDir, detectLayout, isReadableDirectory } from './client-dir.js';
import { readOptions } from './juju-options.js';
import { PluginError, hasErrorCode } from './plugin-error.js';
import { unreadableFilesError } from './unreadable-files.js';

export async function backupClientDir(ctx: BackupContext): Promise<BackupResult> {
  const options = readOptions(ctx);
  const found = await detectClientDir(ctx, options.dir);
  const dir = found.path;
  if (!(await isReadableDirectory(dir))) {
    throw new PluginError(
      'not-found',
      `No readable Juju client directory at ${dir} (found by ${found.foundBy}). ` +
        'Set the option dir to the folder to back up, e.g. --opt dir=~/.local/share/juju.',
    );
  }
  const layout = await detectLayout(dir);
  const archiveRoot = archiveRootFor(dir, ctx.local.homedir);
  ctx.log.info(`Backing up ${dir} (${found.foundBy}, Juju ${layout} layout) as ${archiveRoot}/ in the archive.`);
  if (options.exclude.length) ctx.log.info(`Leaving out: ${options.exclude.join(', ')}.`);
  if (layout === 'unknown') {
    ctx.log.warn(`${dir} has none of the files Juju writes (controllers.yaml, environments.yaml...); backing it up anyway.`);
  }

  ctx.archive.setMetadata('layout', layout);
  ctx.archive.setMetadata('sourcePath', dir);
  ctx.archive.setMetadata('archiveRoot', archiveRoot);
  if (options.exclude.length) ctx.archive.setMetadata('excluded', options.exclude);

  ctx.progress.report({ kind: 'phase', phase: `Reading ${dir}` });
  try {
    await ctx.archive.addDirectory(dir, archiveRoot, { exclude: options.exclude });
  } catch (e) {
    if (hasErrorCode(e, 'unreadable-files')) throw await unreadableFilesError(e, dir, archiveRoot);
    throw e;
  }

  const notes = [`Backed up ${dir} (Juju ${layout}) as ${archiveRoot}/.`];
  if (options.exclude.length) notes.push(`Left out: ${options.exclude.join(', ')}.`);
  notes.push(`Without Lifeboat: cd ~ && gpg -d ARCHIVE | tar -xz puts it back at ~/${archiveRoot} when it was under your home folder.`);
  return { notes };
}
