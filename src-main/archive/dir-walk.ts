import { constants, type Stats } from 'node:fs';
import { access, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, throwIfAborted } from '../shared/app-error.js';
import type { PathFilter } from './glob.js';

export type WalkKind = 'file' | 'directory' | 'symlink';

/** What the walk keeps of each entry: enough for a tar header, nothing more (big trees). */
export interface WalkEntry {
  readonly localPath: string;
  /** POSIX path relative to the walked folder; '' for the folder itself. */
  readonly relativePath: string;
  readonly kind: WalkKind;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: Date;
  readonly dev: number;
  readonly ino: number;
  readonly nlink: number;
}

export interface WalkResult {
  /** Pre-order: each folder before what it holds, names sorted. */
  readonly entries: readonly WalkEntry[];
  /** Local paths that cannot be read (files) or listed (folders). */
  readonly unreadable: readonly string[];
  /** Sockets, fifos and devices, which a backup cannot hold. */
  readonly skipped: readonly { readonly path: string; readonly kind: string }[];
  /** Sum of the regular files' sizes. */
  readonly bytes: number;
}

export interface WalkOptions {
  /** Relative paths to leave out; a matched folder is not entered. */
  readonly exclude?: PathFilter;
  /** Local paths never to include (the archive being written, when it lies inside the folder). */
  readonly ignoreLocal?: (localPath: string) => boolean;
  readonly signal?: AbortSignal;
}

/** lstat calls in flight per folder: enough to hide latency, few enough to stay polite. */
const STAT_BATCH = 32;

function kindOf(st: Stats): WalkKind | string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isSocket()) return 'socket';
  if (st.isFIFO()) return 'fifo';
  if (st.isBlockDevice()) return 'block device';
  if (st.isCharacterDevice()) return 'character device';
  return 'unknown file type';
}

function toEntry(localPath: string, relativePath: string, kind: WalkKind, st: Stats): WalkEntry {
  return {
    localPath,
    relativePath,
    kind,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: kind === 'file' ? st.size : 0,
    mtime: st.mtime,
    dev: st.dev,
    ino: st.ino,
    nlink: st.nlink,
  };
}

const euid = process.geteuid?.() ?? -1;
const egid = process.getegid?.() ?? -1;
const groups = new Set(process.getgroups?.() ?? []);

/**
 * Whether the permission bits alone say this process may read the file, which spares an
 * access() call per file (thousands in a big tree). When they say no, access() decides,
 * since ACLs can still allow it.
 */
function readableByMode(st: Stats): boolean {
  if (euid === 0) return true;
  if (st.uid === euid) return (st.mode & 0o400) !== 0;
  if (st.gid === egid || groups.has(st.gid)) return (st.mode & 0o040) !== 0;
  return (st.mode & 0o004) !== 0;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Lists a folder tree without following symlinks (only the folder itself is followed when
 * it is one), and finds everything that could not be backed up before anything is added:
 * unreadable files and folders, and special files. A file that vanishes during the walk
 * is simply not listed.
 */
export async function walkDirectory(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const { exclude = () => false, ignoreLocal = () => false, signal } = options;
  let rootStats: Stats;
  try {
    rootStats = await stat(root);
  } catch (e) {
    if (isMissing(e)) throw new AppError('not-found', `The folder ${root} does not exist.`, { cause: e });
    throw new AppError('unreadable-files', `Cannot read the folder ${root}: ${(e as Error).message}`, { cause: e });
  }
  if (!rootStats.isDirectory()) throw new AppError('plugin', `${root} is not a folder; add it as a file.`);

  const entries: WalkEntry[] = [];
  const unreadable: string[] = [];
  const skipped: { path: string; kind: string }[] = [];
  let bytes = 0;

  const visit = async (dir: string, rel: string, st: Stats): Promise<void> => {
    throwIfAborted(signal);
    entries.push(toEntry(dir, rel, 'directory', st));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (!isMissing(e)) unreadable.push(dir);
      return;
    }
    names.sort();
    const children: { path: string; rel: string; st: Stats }[] = [];
    for (let i = 0; i < names.length; i += STAT_BATCH) {
      const batch = names.slice(i, i + STAT_BATCH).map(async (name) => {
        const path = join(dir, name);
        const childRel = rel === '' ? name : `${rel}/${name}`;
        if (exclude(childRel) || ignoreLocal(path)) return undefined;
        try {
          const childStats = await lstat(path);
          if (childStats.isFile() && !readableByMode(childStats)) await access(path, constants.R_OK);
          return { path, rel: childRel, st: childStats };
        } catch (e) {
          // A name that is not valid UTF-8 comes back from readdir altered and then "missing":
          // report it rather than skip it silently.
          if (!isMissing(e) || name.includes('\uFFFD')) unreadable.push(path);
          return undefined;
        }
      });
      for (const child of await Promise.all(batch)) if (child) children.push(child);
    }
    for (const child of children) {
      const kind = kindOf(child.st);
      if (kind === 'directory') {
        await visit(child.path, child.rel, child.st);
      } else if (kind === 'file' || kind === 'symlink') {
        entries.push(toEntry(child.path, child.rel, kind, child.st));
        if (kind === 'file') bytes += child.st.size;
      } else {
        skipped.push({ path: child.path, kind });
      }
    }
  };

  await visit(root, '', rootStats);
  unreadable.sort();
  return { entries, unreadable, skipped, bytes };
}
