/**
 * The restore plan of a Juju client directory (`lifeboat restore --dry-run`): the same
 * destination, archive folder and move-aside name the restore uses, with counts from the
 * archive's manifest. It only looks: nothing is created, moved or asked.
 */
import type { ManifestEntry, RestoreContext, RestorePlan } from '../../../src-main/plugin-host/plugin-api.js';
import { detectLayout, isDirectory } from './client-dir.js';
import { asidePathFor, pathExists, restoreTargetOf } from './restore-client-dir.js';
import { formatBytes } from '../../../src-main/shared/format-bytes.js';

export async function planRestoreClientDir(ctx: RestoreContext): Promise<RestorePlan> {
  const { dir, root } = await restoreTargetOf(ctx);
  const manifest = ctx.archive.manifest;
  const content = contentUnder(manifest.entries, root);
  const steps: string[] = ['Nothing is stopped: a Juju client folder has no service of its own.'];
  const warnings: string[] = [];

  if (await pathExists(dir)) {
    const aside = await asidePathFor(dir, new Date());
    steps.push(
      `Move the current ${dir} aside to ${aside} (named after the time of the restore; it is kept, not deleted, as the way back).`,
    );
    if (!(await isDirectory(dir))) warnings.push(`${dir} is not a folder now; it is moved aside all the same.`);
    else {
      const [now, then] = [await detectLayout(dir), manifest.metadata.layout];
      if (typeof then === 'string' && now !== 'unknown' && then !== now) {
        warnings.push(`The archive holds a Juju ${then} client folder, the one at ${dir} now is Juju ${now}: the juju command here may not read the restored one.`);
      }
    }
  } else {
    steps.push(`Create ${dir} (nothing is there now, so nothing is replaced).`);
  }
  const counts = [count(content.files, 'file'), count(content.folders, 'folder'), count(content.links, 'link')].filter((c) => !c.startsWith('0 '));
  steps.push(
    `Extract ${root}/ from the archive into ${dir}: ${[...counts, formatBytes(content.bytes)].join(', ')} (from the manifest), with their modes, mtimes and symlinks.`,
  );
  steps.push(`If the extraction fails, remove what it left and put the moved-aside folder back at ${dir}.`);

  if (content.entries === 0) warnings.push(`The archive has nothing under ${root}/: the restored folder would be empty.`);
  const excluded = manifest.metadata.excluded;
  if (Array.isArray(excluded) && excluded.length) {
    warnings.push(`The backup left out ${excluded.join(', ')}; the restored folder will not have them, and the moved-aside one keeps them.`);
  }
  const owners = new Set(content.owners);
  if (!ctx.local.isRoot && [...owners].some((uid) => uid !== process.getuid?.())) {
    warnings.push('Some files in the archive belong to other users; restored without root, they will belong to you.');
  }
  return { steps, ...(warnings.length ? { warnings } : {}) };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

interface Content {
  readonly entries: number;
  readonly files: number;
  readonly folders: number;
  readonly links: number;
  readonly bytes: number;
  readonly owners: readonly number[];
}

/** What extractTo with `strip: root` would write, counted from the manifest. */
export function contentUnder(entries: readonly ManifestEntry[], root: string): Content {
  const under = entries.filter((e) => e.path.startsWith(root + '/'));
  return {
    entries: under.length,
    files: under.filter((e) => e.type === 'file').length,
    folders: under.filter((e) => e.type === 'directory').length,
    links: under.filter((e) => e.type === 'symlink' || e.type === 'hardlink').length,
    bytes: under.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0),
    owners: [...new Set(under.map((e) => e.uid))],
  };
}
