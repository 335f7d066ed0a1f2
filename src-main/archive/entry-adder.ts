import { constants, type Stats } from 'node:fs';
import { access, lstat, open, readlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { extract as createExtract } from 'tar-stream';
import type { AddDirectoryOptions, AddOptions, AddTarStreamOptions, Logger } from '../plugin-host/plugin-api.js';
import { AppError, errorMessage, throwIfAborted } from '../shared/app-error.js';
import type { ManifestEntry } from '../shared/models/manifest.js';
import type { ProgressSink } from '../shared/models/progress.js';
import { joinArchivePath, normalizeArchivePath } from './archive-path.js';
import { scanTree, toEntry, walkTree, type WalkEntry } from './dir-walk.js';
import { spoolEncrypted } from './encrypted-spool.js';
import { SmallFilePrefetch, type SmallFileRead } from './small-file-prefetch.js';
import { compileExcludes, matchesOrIsInside } from './glob.js';
import { systemOwnerNames } from './owner-names.js';
import type { PackEntry, TarPacker } from './tar-packer.js';

/** Bytes per read of a local file: big enough for few syscalls, small enough to keep RSS flat. */
const READ_SIZE = 256 * 1024;
/** Entries walked ahead of the packer, so small files can be read ahead (see SmallFilePrefetch). */
const PREFETCH_BATCH = 256;

export interface EntryAdderDeps {
  readonly packer: TarPacker;
  /** The manifest's entry list, appended to in tar order. */
  readonly manifest: { push(entry: ManifestEntry): unknown };
  /** Where temporary spools go: beside the archive. */
  readonly spoolNear: string;
  readonly isOwnFile: (localPath: string) => boolean;
  readonly progress: ProgressSink;
  readonly log: Logger;
  readonly signal?: AbortSignal;
}

function unreadableError(paths: readonly string[], where: string): AppError {
  return new AppError(
    'unreadable-files',
    `Lifeboat cannot read ${paths.length === 1 ? 'this item' : `these ${paths.length} items`} in ${where}, so nothing from it was backed up:\n` +
      paths.map((p) => `  ${p}`).join('\n') +
      '\nRun the backup as a user who can read them, fix their permissions, or exclude them.',
  );
}

/**
 * The work behind each ArchiveSink member: turns local files, folders, foreign tar streams,
 * buffers and streams into packed entries with manifest records, progress and warnings.
 * The writer calls one member at a time.
 */
export class EntryAdder {
  private readonly owners = systemOwnerNames();
  /** `dev:ino` of multiply-linked files already packed → their archive path. */
  private readonly linkTargets = new Map<string, string>();
  private bytesDone = 0;
  private bytesTotal = 0;
  private itemsDone = 0;

  constructor(private readonly deps: EntryAdderDeps) {}

  private countTotal(bytes: number): void {
    this.bytesTotal += bytes;
    this.deps.progress.report({ kind: 'bytes', done: this.bytesDone, total: this.bytesTotal });
  }

  private readonly onBytes = (n: number): void => {
    this.bytesDone += n;
    this.deps.progress.report({ kind: 'bytes', done: this.bytesDone, total: Math.max(this.bytesTotal, this.bytesDone) });
  };

  private async pack(entry: PackEntry, body?: AsyncIterable<Buffer> | Buffer, source?: string): Promise<void> {
    this.deps.progress.report({ kind: 'item', path: entry.path, itemsDone: this.itemsDone });
    const bodyOptions = { onBytes: this.onBytes, ...(source ? { source } : {}), ...(this.deps.signal ? { signal: this.deps.signal } : {}) };
    const record = body === undefined ? await this.deps.packer.addEmpty(entry) : await this.deps.packer.addFile(entry, body, bodyOptions);
    await this.deps.manifest.push(record);
    this.itemsDone++;
  }

  private owner(uid: number, gid: number): Pick<PackEntry, 'uid' | 'gid' | 'uname' | 'gname'> {
    const uname = this.owners.user(uid);
    const gname = this.owners.group(gid);
    return { uid, gid, ...(uname !== undefined ? { uname } : {}), ...(gname !== undefined ? { gname } : {}) };
  }

  /** Packs one walked (lstat'ed) local entry as `path`; `read` is its content when it was read ahead. */
  private async addLocal(local: WalkEntry, path: string, overrides: AddOptions = {}, read?: SmallFileRead): Promise<void> {
    const base = {
      path,
      mode: overrides.mode ?? local.mode,
      ...this.owner(overrides.uid ?? local.uid, overrides.gid ?? local.gid),
      mtime: overrides.mtime ?? local.mtime,
      size: 0,
    };
    if (local.kind === 'directory') return this.pack({ ...base, type: 'directory' });
    if (local.kind === 'symlink') {
      const linkname = await readlink(local.localPath).catch((e: NodeJS.ErrnoException) => {
        throw this.openError(e, local.localPath);
      });
      return this.pack({ ...base, type: 'symlink', linkname });
    }

    const linkKey = local.nlink > 1 ? `${local.dev}:${local.ino}` : undefined;
    const firstPath = linkKey ? this.linkTargets.get(linkKey) : undefined;
    if (firstPath !== undefined) {
      this.countTotal(-local.size); // its content is not read again
      return this.pack({ ...base, type: 'hardlink', linkname: firstPath });
    }

    if (read && 'error' in read) throw this.openError(read.error, local.localPath);
    if (read && 'data' in read) {
      // Read whole, so its length is known for sure: a change since the walk is no failure.
      this.countTotal(read.data.length - local.size);
      await this.pack({ ...base, type: 'file', size: read.data.length }, read.data, local.localPath);
      if (linkKey) this.linkTargets.set(linkKey, path);
      return;
    }
    const fh = await open(local.localPath, 'r').catch((e: NodeJS.ErrnoException) => {
      throw this.openError(e, local.localPath);
    });
    try {
      // The size when the read starts is what goes into the tar header; a change during the read fails the entry.
      const before = await fh.stat();
      this.countTotal(before.size - local.size);
      const body = fh.createReadStream({ start: 0, highWaterMark: READ_SIZE, autoClose: false });
      await this.pack({ ...base, type: 'file', size: before.size, mtime: overrides.mtime ?? before.mtime }, body, local.localPath);
      const after = await fh.stat();
      if (after.mtimeMs !== before.mtimeMs) {
        this.deps.log.warn(`${local.localPath} changed while it was being read; its copy in the archive may mix old and new content.`);
      }
    } finally {
      await fh.close();
    }
    if (linkKey) this.linkTargets.set(linkKey, path);
  }

  private openError(e: NodeJS.ErrnoException, localPath: string): AppError {
    if (e.code === 'ENOENT') return new AppError('io', `${localPath} disappeared while it was being backed up. Run the backup again.`, { cause: e });
    return unreadableError([localPath], localPath);
  }

  async addFile(localPath: string, archivePath: string, options?: AddOptions): Promise<void> {
    const path = normalizeArchivePath(archivePath);
    let st: Stats;
    try {
      st = await lstat(localPath);
      if (st.isFile()) await access(localPath, constants.R_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not-found', `${localPath} does not exist.`, { cause: e });
      throw unreadableError([localPath], localPath);
    }
    const kind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : undefined;
    if (!kind) {
      this.deps.log.warn(`Skipped ${localPath}: sockets, fifos and devices cannot be backed up.`);
      return;
    }
    const local = toEntry(resolve(localPath), '', kind, st);
    this.countTotal(local.size);
    await this.addLocal(local, path, options);
  }

  async addDirectory(localPath: string, archivePath: string, options?: AddDirectoryOptions): Promise<void> {
    const base = normalizeArchivePath(archivePath, { allowEmpty: true });
    const walkOptions = {
      exclude: compileExcludes(options?.exclude),
      ignoreLocal: this.deps.isOwnFile,
      ...(this.deps.signal ? { signal: this.deps.signal } : {}),
    };
    // Two passes, so that nothing of a folder is added when part of it cannot be read, while
    // memory stays flat: the scan keeps only totals and problems, the second pass streams.
    const scan = await scanTree(localPath, walkOptions);
    if (scan.unreadable.length > 0) throw unreadableError(scan.unreadable, localPath);
    for (const { path, kind } of scan.skipped) this.deps.log.warn(`Skipped ${kind} ${path}: it cannot be backed up.`);
    this.countTotal(scan.bytes);
    let batch: WalkEntry[] = [];
    const addBatch = async () => {
      const prefetch = new SmallFilePrefetch(batch);
      for (const [index, entry] of batch.entries()) {
        throwIfAborted(this.deps.signal);
        const path = joinArchivePath(base, entry.relativePath);
        if (path === '') continue; // the folder itself, added at the archive's root
        await this.addLocal(entry, path, {}, await prefetch.take(index));
      }
      batch = [];
    };
    for await (const item of walkTree(localPath, walkOptions)) {
      // Made unreadable, or a special file, since the scan: the same rules apply.
      if (item.type === 'unreadable') throw unreadableError([item.path], localPath);
      if (item.type === 'skipped') continue;
      batch.push(item.entry);
      if (batch.length >= PREFETCH_BATCH) await addBatch();
    }
    await addBatch();
  }

  async addBuffer(archivePath: string, data: Buffer | string, options: AddOptions = {}): Promise<void> {
    const path = normalizeArchivePath(archivePath);
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    this.countTotal(body.length);
    await this.pack(this.generated(path, body.length, options), body);
  }

  async addStream(archivePath: string, stream: Readable, options: AddOptions = {}): Promise<void> {
    const path = normalizeArchivePath(archivePath);
    this.deps.progress.report({ kind: 'item', path, itemsDone: this.itemsDone });
    const spool = await spoolEncrypted(stream, this.deps.spoolNear, this.deps.signal ? { signal: this.deps.signal } : {});
    try {
      this.countTotal(spool.size);
      await this.pack(this.generated(path, spool.size, options), spool.read());
    } finally {
      await spool.close();
    }
  }

  /** A file made by the plugin: now, mode 0644, owned by whoever runs Lifeboat, unless told otherwise. */
  generated(path: string, size: number, options: AddOptions): PackEntry {
    return {
      path,
      type: 'file',
      size,
      mode: options.mode ?? 0o644,
      mtime: options.mtime ?? new Date(),
      ...this.owner(options.uid ?? process.getuid?.() ?? 0, options.gid ?? process.getgid?.() ?? 0),
    };
  }

  async addTarStream(stream: Readable, options: AddTarStreamOptions = {}): Promise<void> {
    const prefix = normalizeArchivePath(options.prefix ?? '', { allowEmpty: true });
    const exclude = compileExcludes(options.exclude);
    const extract = createExtract();
    stream.once('error', (e) => extract.destroy(e));
    stream.pipe(extract as unknown as NodeJS.WritableStream);
    try {
      for await (const entry of extract) {
        throwIfAborted(this.deps.signal);
        const h = entry.header;
        const rel = this.foreignPath(h.name);
        const skip = (why?: string) => {
          if (why) this.deps.log.warn(`Skipped ${h.name} from the tar stream: ${why}.`);
          entry.resume();
        };
        if (rel === '' || matchesOrIsInside(exclude, rel)) {
          skip();
          continue;
        }
        const base = {
          path: joinArchivePath(prefix, rel),
          mode: h.mode & 0o7777,
          uid: h.uid,
          gid: h.gid,
          ...(h.uname ? { uname: h.uname } : {}),
          ...(h.gname ? { gname: h.gname } : {}),
          mtime: h.mtime,
          size: 0,
        };
        switch (h.type) {
          case 'file':
          case 'contiguous-file':
            this.countTotal(h.size);
            await this.pack({ ...base, type: 'file', size: h.size }, entry as AsyncIterable<Buffer>, `${h.name} (tar stream)`);
            break;
          case 'directory':
            entry.resume();
            await this.pack({ ...base, type: 'directory' });
            break;
          case 'symlink':
            entry.resume();
            await this.pack({ ...base, type: 'symlink', linkname: h.linkname });
            break;
          case 'link':
            entry.resume();
            await this.pack({ ...base, type: 'hardlink', linkname: joinArchivePath(prefix, this.foreignPath(h.linkname)) });
            break;
          default:
            skip(`a ${h.type} cannot be backed up`);
        }
      }
    } catch (e) {
      extract.destroy();
      stream.destroy();
      if (e instanceof AppError || this.deps.packer.broken) throw e;
      throw new AppError('io', `Reading the tar stream failed: ${errorMessage(e)}.`, { cause: e });
    }
  }

  /** A path from a foreign tar, checked: no climbing out with `..`. */
  private foreignPath(name: string): string {
    const segments = name.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) {
      throw new AppError('unsafe-archive', `The tar stream holds "${name}", which climbs out with "..". Nothing after it was added.`);
    }
    return segments.join('/');
  }
}
