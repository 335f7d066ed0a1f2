/**
 * Turning the archive sink's `unreadable-files` error into advice for a Juju client
 * folder: files the local provider made as root are the usual cause (see Juju's backup
 * docs), and the two ways out are running as root or leaving those folders out.
 */
import { lstat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { PluginError } from './plugin-error.js';

const SHOWN = 20;

/** The sink's error, rewritten to name the files and both ways out. */
export async function unreadableFilesError(sinkError: Error, dir: string, archiveRoot: string): Promise<PluginError> {
  const paths = unreadablePaths(sinkError).map((p) => relativeToDir(p, dir, archiveRoot));
  const shown = await Promise.all(paths.slice(0, SHOWN).map(async (p) => ((await isFolder(dir, p)) ? `${p}/` : p)));
  const folders = [...new Set(paths.map(topLevelFolder).filter((f): f is string => f !== undefined))];
  const listed = paths.length
    ? shown.map((p) => `  ${p}`).join('\n') + (paths.length > SHOWN ? `\n  ... and ${paths.length - SHOWN} more` : '')
    : `  (${sinkError.message})`;
  const excludeHint = folders.length
    ? folders.map((f) => `--opt exclude=${f}`).join(' ')
    : '--opt exclude=<sub-folder>';
  const message =
    `Some files in ${dir} cannot be read by this user, so no backup was made:\n${listed}\n` +
    'Either run Lifeboat as root (sudo lifeboat backup ...), as the Juju docs advise for local-provider folders, ' +
    `or leave them out with ${excludeHint}` +
    (folders.length ? ` (the files are in ${folders.join(', ')}).` : '.');
  return new PluginError('unreadable-files', message, { cause: sinkError });
}

/**
 * The paths the sink reported: a `paths`/`files` array on the error when it has one,
 * otherwise the message's lines that look like paths.
 */
export function unreadablePaths(e: Error): string[] {
  const carrier = e as { paths?: unknown; files?: unknown; details?: unknown };
  for (const candidate of [carrier.paths, carrier.files, carrier.details]) {
    if (Array.isArray(candidate) && candidate.every((p) => typeof p === 'string')) return candidate as string[];
  }
  return e.message
    .split('\n')
    .map((line) => line.trim().replace(/^[-*•]\s*/, ''))
    .filter((line) => line.startsWith('/'));
}

/** A path relative to the client folder (`local/agent.conf`), whichever form the sink used. */
function relativeToDir(path: string, dir: string, archiveRoot: string): string {
  if (isAbsolute(path)) {
    const rel = relative(dir, path);
    return rel && !rel.startsWith('..') ? rel : path;
  }
  if (path.startsWith(archiveRoot + '/')) return path.slice(archiveRoot.length + 1);
  return path;
}

/** Folders are listed with a trailing `/`, so the operator sees a whole folder is unreadable. */
async function isFolder(dir: string, relPath: string): Promise<boolean> {
  try {
    return (await lstat(isAbsolute(relPath) ? relPath : join(dir, relPath))).isDirectory();
  } catch {
    return false;
  }
}

function topLevelFolder(relPath: string): string | undefined {
  if (isAbsolute(relPath)) return undefined;
  return relPath.split('/')[0] || undefined;
}
