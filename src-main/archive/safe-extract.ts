import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import {
  chmod, chown, lchown, link, lstat, lutimes, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, symlink, unlink, utimes,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError, isAppError, throwIfAborted } from '../shared/app-error.js';
import { noProgress, type ProgressSink } from '../shared/models/progress.js';
import type { ExtractOptions, ExtractResult } from '../plugin-host/plugin-api.js';
import { PathSelection, normalizeEntryPath, stripPath, unsafePathReason } from './entry-path.js';
import { symlinkStaysInside } from './symlink-check.js';
import type { RawEntry } from './tar-reader.js';

export interface SafeExtractOptions extends ExtractOptions {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  /** Called with each extracted file's archive path and SHA-256 (hex). */
  readonly onFileHashed?: (path: string, sha256: string) => void;
  /** Last check after every entry was read and before anything is moved into place. */
  readonly beforeCommit?: () => Promise<void>;
}

interface Meta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: Date;
}

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Extracts entries into a staging folder beside `destination` and moves them into place only
 * after the whole archive was read and checked; on any failure the staging folder is deleted
 * and nothing is left behind. Unsafe entries (absolute paths, `..`, links leading out, writes
 * through links, devices, fifos) fail the whole extraction with AppError('unsafe-archive').
 * Existing files are never overwritten.
 */
export async function safeExtract(
  source: AsyncIterable<RawEntry>,
  destination: string,
  options: SafeExtractOptions = {},
): Promise<ExtractResult> {
  throwIfAborted(options.signal);
  const dest = resolve(destination);
  const progress = options.progress ?? noProgress;
  const preserveOwner = options.preserveOwner ?? process.getuid?.() === 0;
  const selection = new PathSelection(options.paths);
  const state = await destinationState(dest, selection.all);
  if (state === 'non-empty') await refuseExisting(dest, topLevelNames(options.paths ?? [], options.strip));

  const parent = dirname(dest);
  const createdParent = await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(dest)}.lifeboat-staging-`));
  await chmod(staging, 0o700);
  try {
    const run = new Extraction(staging, dest, preserveOwner);
    for await (const entry of source) {
      throwIfAborted(options.signal);
      if (!selection.selects(entry.path)) continue;
      const rel = stripPath(entry.path, options.strip);
      if (rel === undefined) continue;
      await run.add(entry, rel, options);
      progress.report({ kind: 'item', path: entry.path, itemsDone: run.files });
    }
    throwIfAborted(options.signal);
    await options.beforeCommit?.();
    const missing = selection.missing();
    if (missing.length > 0) {
      throw new AppError('not-found', `Not in the archive: ${missing.join(', ')}. List the archive's contents and choose paths from it.`);
    }
    await run.finish();
    await commit(staging, dest, state, run.rootMeta, preserveOwner);
    return { files: run.files, bytes: run.bytes, destination: dest };
  } catch (e) {
    await forceRemove(staging);
    if (createdParent) await forceRemove(createdParent);
    throw e;
  }
}

/** Writes entries into the staging folder and remembers what to finish at the end. */
class Extraction {
  files = 0;
  bytes = 0;
  rootMeta: Meta | undefined;
  private readonly regular = new Set<string>();
  private readonly seenRegular = new Set<string>();
  private readonly links = new Map<string, string>();
  private readonly linkMeta = new Map<string, Meta>();
  private readonly dirs = new Map<string, Meta>();
  /** Folders made for entries whose own folder entry is not (yet) in the archive. */
  private readonly implicitDirs = new Set<string>();

  constructor(
    private readonly staging: string,
    private readonly dest: string,
    private readonly preserveOwner: boolean,
  ) {}

  async add(entry: RawEntry, rel: string, options: SafeExtractOptions): Promise<void> {
    const reason = unsafePathReason(entry.path);
    if (reason) throw unsafe(entry.path, reason);
    if (entry.type === 'file') this.seenRegular.add(entry.path);
    const meta: Meta = { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime };
    if (rel === '') {
      if (entry.type !== 'directory') {
        throw new AppError('usage', `"${entry.path}" is a ${entry.type}, not a folder, so it cannot be stripped; choose it with paths instead.`);
      }
      this.rootMeta = meta;
      return;
    }
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (this.links.has(parts.slice(0, i).join('/'))) throw unsafe(entry.path, `it would be written through the symlink ${parts.slice(0, i).join('/')}`);
    }
    const target = join(this.staging, rel);
    for (let i = 1; i < parts.length; i++) this.implicitDirs.add(parts.slice(0, i).join('/'));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    switch (entry.type) {
      case 'directory':
        await mkdir(target, { mode: 0o700 }).catch(async (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST' || !(await lstat(target)).isDirectory()) throw conflict(entry.path, e);
        });
        this.dirs.set(rel, meta);
        return;
      case 'file':
        await this.replaceable(rel, entry.path);
        await this.writeFile(entry, rel, target, meta, options);
        return;
      case 'hardlink':
        await this.replaceable(rel, entry.path);
        await this.hardlink(entry, rel, target, options.strip);
        return;
      case 'symlink': {
        const linkname = entry.linkname ?? '';
        if (!symlinkStaysInside(parts.slice(0, -1), linkname, this.links, this.dest)) {
          throw unsafe(entry.path, `it is a symlink to ${linkname}, outside the destination`);
        }
        this.links.set(rel, linkname);
        this.linkMeta.set(rel, meta);
        return;
      }
      case 'char-device':
      case 'block-device':
      case 'fifo':
      case 'unsupported':
        throw unsafe(entry.path, `it is a ${entry.tarType} entry, which Lifeboat never creates`);
    }
  }

  /** A later entry of the same path replaces an earlier file, as tar does; folders are kept. */
  private async replaceable(rel: string, path: string): Promise<void> {
    this.links.delete(rel);
    if (this.regular.has(rel)) {
      await unlink(join(this.staging, rel));
      this.regular.delete(rel);
      this.files--;
    } else if (this.dirs.has(rel)) {
      throw unsafe(path, 'a folder of the same name came earlier in the archive');
    }
  }

  private async writeFile(entry: RawEntry, rel: string, target: string, meta: Meta, options: SafeExtractOptions): Promise<void> {
    const handle = await open(target, WRITE_FLAGS, 0o600).catch((e: unknown) => {
      throw conflict(entry.path, e);
    });
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of entry.body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        await handle.write(chunk);
      }
      if (this.preserveOwner) await handle.chown(meta.uid, meta.gid);
      await handle.chmod(this.modeOf(meta));
      await handle.utimes(meta.mtime, meta.mtime);
      this.bytes += size;
      options.onFileHashed?.(entry.path, hash.digest('hex'));
    } finally {
      await handle.close();
    }
    this.regular.add(rel);
    this.files++;
  }

  private async hardlink(entry: RawEntry, rel: string, target: string, strip: string | undefined): Promise<void> {
    const linkPath = normalizeEntryPath(entry.linkname ?? '');
    const reason = unsafePathReason(linkPath);
    if (reason || linkPath === '') throw unsafe(entry.path, `it is a hard link to ${entry.linkname ?? '(nothing)'}, outside the archive`);
    const linkRel = stripPath(linkPath, strip);
    if (linkRel === undefined || !this.regular.has(linkRel)) {
      if (this.seenRegular.has(linkPath)) {
        throw new AppError('usage', `"${entry.path}" is a hard link to "${linkPath}", which is not among the paths chosen. Add "${linkPath}" to the paths.`);
      }
      throw unsafe(entry.path, `it is a hard link to ${linkPath}, which is not an earlier file in the archive`);
    }
    await link(join(this.staging, linkRel), target);
    this.regular.add(rel);
    this.files++;
  }

  private modeOf(meta: Meta): number {
    // setuid/setgid bits only make sense with the recorded owner.
    return this.preserveOwner ? meta.mode & 0o7777 : meta.mode & 0o1777;
  }

  /** Symlinks (checked again against all links), then folders' modes and times, deepest first. */
  async finish(): Promise<void> {
    for (const [rel, target] of this.links) {
      const parts = rel.split('/');
      if (!symlinkStaysInside(parts.slice(0, -1), target, this.links, this.dest)) {
        throw unsafe(rel, `it is a symlink to ${target}, which leads outside the destination through other links`);
      }
      const path = join(this.staging, rel);
      await symlink(target, path).catch((e: unknown) => {
        throw conflict(rel, e);
      });
      const meta = this.linkMeta.get(rel)!;
      if (this.preserveOwner) await lchown(path, meta.uid, meta.gid);
      await lutimes(path, meta.mtime, meta.mtime);
    }
    const plain = 0o777 & ~process.umask();
    for (const rel of this.implicitDirs) {
      if (!this.dirs.has(rel)) await chmod(join(this.staging, rel), plain);
    }
    const dirs = [...this.dirs].sort((a, b) => b[0].split('/').length - a[0].split('/').length);
    for (const [rel, meta] of dirs) {
      const path = join(this.staging, rel);
      if (this.preserveOwner) await chown(path, meta.uid, meta.gid);
      await chmod(path, this.modeOf(meta));
      await utimes(path, meta.mtime, meta.mtime);
    }
  }
}

type DestinationState = 'absent' | 'empty' | 'non-empty';

async function destinationState(dest: string, all: boolean): Promise<DestinationState> {
  const st = await lstat(dest).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new AppError('io', `Cannot use ${dest}: ${e.message}`, { cause: e });
  });
  if (!st) return 'absent';
  if (!st.isDirectory()) throw new AppError('io', `${dest} exists and is not a folder. Choose an empty folder or one that does not exist yet.`);
  const names = await readdir(dest);
  if (names.length === 0) return 'empty';
  if (all) {
    throw new AppError('io', `${dest} is not empty (it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}). Choose an empty folder or one that does not exist yet; nothing is ever overwritten.`);
  }
  return 'non-empty';
}

function topLevelNames(paths: readonly string[], strip: string | undefined): string[] {
  const names = new Set<string>();
  for (const p of paths) {
    const rel = stripPath(normalizeEntryPath(p), strip);
    if (rel) names.add(rel.split('/')[0]!);
  }
  return [...names];
}

async function refuseExisting(dest: string, names: readonly string[]): Promise<void> {
  const existing: string[] = [];
  for (const name of names) {
    if (await lstat(join(dest, name)).then(() => true, () => false)) existing.push(join(dest, name));
  }
  if (existing.length > 0) {
    throw new AppError('io', `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}. Move ${existing.length === 1 ? 'it' : 'them'} aside or choose an empty folder; nothing is ever overwritten.`);
  }
}

async function commit(staging: string, dest: string, state: DestinationState, root: Meta | undefined, preserveOwner: boolean): Promise<void> {
  if (state === 'absent') {
    if (root && preserveOwner) await chown(staging, root.uid, root.gid);
    await chmod(staging, root ? root.mode & 0o7777 : 0o777 & ~process.umask());
    if (root) await utimes(staging, root.mtime, root.mtime);
    await rename(staging, dest).catch((e: unknown) => {
      throw moveError(dest, e);
    });
    return;
  }
  const names = await readdir(staging);
  await refuseExisting(dest, names);
  const moved: string[] = [];
  try {
    for (const name of names) {
      await rename(join(staging, name), join(dest, name));
      moved.push(name);
    }
  } catch (e) {
    for (const name of moved) await rename(join(dest, name), join(staging, name)).catch(() => {});
    throw moveError(dest, e);
  }
  await rmdir(staging);
}

function moveError(dest: string, e: unknown): AppError {
  if (isAppError(e)) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const hint = code === 'EXDEV' ? ' (it is on another file system than its parent folder; extract into a new folder instead)' : '';
  return new AppError('io', `Could not move the extracted files into ${dest}${hint}: ${(e as Error).message}`, { cause: e });
}

/** Deletes a folder tree, making read-only folders writable first when needed (never follows links). */
async function forceRemove(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isDirectory()) return;
  await chmod(path, 0o700).catch(() => {});
  for (const name of await readdir(path).catch(() => [])) await makeWritable(join(path, name));
}

function unsafe(path: string, reason: string): AppError {
  return new AppError('unsafe-archive', `The archive entry "${path}" was refused because ${reason}. Nothing was extracted; the archive may be malicious, so inspect it before trusting it.`);
}

function conflict(path: string, e: unknown): AppError {
  return new AppError('unsafe-archive', `The archive entry "${path}" conflicts with an earlier entry of the same name (${(e as Error).message}). Nothing was extracted.`, { cause: e });
}
