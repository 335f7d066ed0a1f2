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

/** A walk entry from an lstat result. */
export function toEntry(localPath: string, relativePath: string, kind: WalkKind, st: Stats): WalkEntry {
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

/** One step of a walk: an entry to add, or something that cannot be added. */
export type WalkItem =
  | { readonly type: 'entry'; readonly entry: WalkEntry }
  | { readonly type: 'unreadable'; readonly path: string }
  | { readonly type: 'skipped'; readonly path: string; readonly kind: string };

/**
 * Walks a folder tree in pre-order (each folder before what it holds, names sorted) without
 * following symlinks (only the folder itself is followed when it is one). It holds only the
 * folders on the current path in memory, never the whole tree: trees can have millions of
 * files. A file that vanishes during the walk is simply not listed.
 */
export async function* walkTree(root: string, options: WalkOptions = {}): AsyncGenerator<WalkItem> {
  const { exclude = () => false, ignoreLocal = () => false, signal } = options;
  let rootStats: Stats;
  try {
    rootStats = await stat(root);
  } catch (e) {
    if (isMissing(e)) throw new AppError('not-found', `The folder ${root} does not exist.`, { cause: e });
    throw new AppError('unreadable-files', `Cannot read the folder ${root}: ${(e as Error).message}`, { cause: e });
  }
  if (!rootStats.isDirectory()) throw new AppError('plugin', `${root} is not a folder; add it as a file.`);

  async function* visit(dir: string, rel: string, st: Stats): AsyncGenerator<WalkItem> {
    throwIfAborted(signal);
    yield { type: 'entry', entry: toEntry(dir, rel, 'directory', st) };
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (!isMissing(e)) yield { type: 'unreadable', path: dir };
      return;
    }
    names.sort();
    for (let i = 0; i < names.length; i += STAT_BATCH) {
      const batch = names.slice(i, i + STAT_BATCH).map(async (name): Promise<WalkItem | { type: 'directory'; path: string; rel: string; st: Stats } | undefined> => {
        const path = join(dir, name);
        const childRel = rel === '' ? name : `${rel}/${name}`;
        if (exclude(childRel) || ignoreLocal(path)) return undefined;
        try {
          const childStats = await lstat(path);
          const kind = kindOf(childStats);
          if (kind === 'directory') return { type: 'directory', path, rel: childRel, st: childStats };
          if (kind === 'file' || kind === 'symlink') {
            if (kind === 'file' && !readableByMode(childStats)) await access(path, constants.R_OK);
            return { type: 'entry', entry: toEntry(path, childRel, kind, childStats) };
          }
          return { type: 'skipped', path, kind };
        } catch (e) {
          // A name that is not valid UTF-8 comes back from readdir altered and then "missing":
          // report it rather than skip it silently.
          if (!isMissing(e) || name.includes('\uFFFD')) return { type: 'unreadable', path };
          return undefined;
        }
      });
      for (const child of await Promise.all(batch)) {
        if (!child) continue;
        if (child.type === 'directory') yield* visit(child.path, child.rel, child.st);
        else yield child;
      }
    }
  }

  yield* visit(root, '', rootStats);
}

/** What a first pass over a tree finds before anything is added: its size, and what cannot be backed up. */
export interface TreeScan {
  /** Local paths that cannot be read (files) or listed (folders), sorted. */
  readonly unreadable: readonly string[];
  /** Sockets, fifos and devices, which a backup cannot hold. */
  readonly skipped: readonly { readonly path: string; readonly kind: string }[];
  /** Sum of the regular files' sizes. */
  readonly bytes: number;
}

export async function scanTree(root: string, options: WalkOptions = {}): Promise<TreeScan> {
  const unreadable: string[] = [];
  const skipped: { path: string; kind: string }[] = [];
  let bytes = 0;
  for await (const item of walkTree(root, options)) {
    if (item.type === 'entry') {
      if (item.entry.kind === 'file') bytes += item.entry.size;
    } else if (item.type === 'unreadable') unreadable.push(item.path);
    else skipped.push({ path: item.path, kind: item.kind });
  }
  unreadable.sort();
  return { unreadable, skipped, bytes };
}
