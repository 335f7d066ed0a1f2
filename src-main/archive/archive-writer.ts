import { lstat, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Encryption } from '../crypto/types.js';
import type {
  ParkedStream,
  AddDirectoryOptions,
  AddOptions,
  AddTarStreamOptions,
  ArchiveSink,
  Logger,
} from '../plugin-host/plugin-api.js';
import { AppError, isAppError, throwIfAborted } from '../shared/app-error.js';
import { MANIFEST_FORMAT_VERSION, MANIFEST_PATH, type Manifest } from '../shared/models/manifest.js';
import { noProgress, type ProgressSink } from '../shared/models/progress.js';
import { archiveStem, PARTIAL_SUFFIX } from './archive-names.js';
import { openArchiveOutput, type ArchiveOutput } from './archive-output.js';
import { spoolEncrypted } from './encrypted-spool.js';
import { EntryAdder } from './entry-adder.js';
import { writeIndexSidecarJson } from './index-sidecar-write.js';
import { ManifestSpool, type ManifestSummary } from './manifest-spool.js';
import { TarPacker } from './tar-packer.js';
import { fsyncDir } from './write-file-atomic.js';

/** What the caller says about a backup; the writer fills in the rest of the manifest. */
export type ManifestHeader = Omit<Manifest, 'entries' | 'totals' | 'metadata' | 'finishedAt' | 'formatVersion'>;

export interface WrittenArchive {
  readonly path: string;
  readonly indexPath: string;
  /** Bytes of the archive file. */
  readonly size: number;
  /** The manifest without its entries (they are in the archive and the sidecar, not in memory). */
  readonly manifest: ManifestSummary;
}

/** An archive being written: the plugin's sink, plus the host's commit and discard. */
export interface ArchiveWriter extends ArchiveSink {
  /**
   * Appends the manifest as the last entry, ends the streams, writes the index sidecar,
   * fsyncs, and renames `.partial` to the final name: the archive exists from then on.
   */
  finish(header: ManifestHeader): Promise<WrittenArchive>;
  /** Stops writing and removes every file the writer made. Harmless after a failure. */
  abort(): Promise<void>;
}

export interface ArchiveWriterOptions {
  readonly encryption: Encryption;
  /** gzip level, default 6. */
  readonly level?: number;
  /** Bytes per parallel gzip member (tuning). */
  readonly gzipChunkSize?: number;
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  /** Receives warnings (skipped special files, files changed while read). */
  readonly log?: Logger;
}

const silentLog: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

type State = 'open' | 'finishing' | 'finished' | 'failed';

/** A failure of the file system becomes an AppError the operator can act on; other errors stay bugs. */
function asWriteFailure(err: unknown, path: string): Error {
  if (isAppError(err)) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.syscall === 'string') {
    return new AppError('io', `Writing the archive ${path} failed: ${e.message}. Check the free space and permissions of the store.`, {
      cause: err,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}

class StreamingArchiveWriter implements ArchiveWriter {
  private state: State = 'open';
  private failure: Error | undefined;
  private cleanup: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly metadata = new Map<string, unknown>();
  private readonly adder: EntryAdder;
  private readonly onAbort = () => void this.fail(new AppError('canceled', 'Canceled; the archive was not kept.'));

  constructor(
    private readonly finalPath: string,
    private readonly packer: TarPacker,
    private readonly output: ArchiveOutput,
    private readonly spool: ManifestSpool,
    private readonly options: ArchiveWriterOptions,
  ) {
    const stem = archiveStem(finalPath);
    this.adder = new EntryAdder({
      packer,
      manifest: spool,
      spoolNear: finalPath,
      // The writer's own files (archive, sidecars, spool) when the store is inside a backed-up folder.
      isOwnFile: (localPath) => localPath.startsWith(stem),
      progress: options.progress ?? noProgress,
      log: options.log ?? silentLog,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    output.done.catch((e: unknown) => void this.fail(asWriteFailure(e, finalPath)));
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Runs one operation at a time, in call order, so the manifest lists entries as the tar holds them. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.assertOpen();
      throwIfAborted(this.options.signal);
      return operation();
    });
    this.queue = run.catch(() => {});
    return run.catch(async (e: unknown) => {
      // A half-written entry leaves a corrupt tar: nothing more can be added.
      if (this.packer.broken && this.state === 'open') await this.fail(asWriteFailure(e, this.finalPath));
      throw this.failure && !isAppError(e) ? this.failure : e;
    });
  }

  private assertOpen(): void {
    if (this.failure) throw this.failure;
    if (this.state !== 'open') throw new Error(`The archive writer is ${this.state}; nothing more can be added.`);
  }

  private fail(err: Error): Promise<void> {
    if (this.state === 'finished') return Promise.resolve();
    if (!this.cleanup) {
      this.state = 'failed';
      this.failure = err;
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.packer.destroy(err);
      this.cleanup = Promise.all([this.output.discard(err), this.spool.close().catch(() => {})]).then(() => {});
    }
    return this.cleanup;
  }

  addFile(localPath: string, archivePath: string, options?: AddOptions): Promise<void> {
    return this.exclusive(() => this.adder.addFile(localPath, archivePath, options));
  }

  addDirectory(localPath: string, archivePath: string, options?: AddDirectoryOptions): Promise<void> {
    return this.exclusive(() => this.adder.addDirectory(resolve(localPath), archivePath, options));
  }

  addTarStream(stream: Readable, options?: AddTarStreamOptions): Promise<void> {
    return this.exclusive(() => this.adder.addTarStream(stream, options));
  }

  addBuffer(archivePath: string, data: Buffer | string, options?: AddOptions): Promise<void> {
    return this.exclusive(() => this.adder.addBuffer(archivePath, data, options));
  }

  addStream(archivePath: string, stream: Readable, options?: AddOptions): Promise<void> {
    return this.exclusive(() => this.adder.addStream(archivePath, stream, options));
  }

  park(stream: Readable): Promise<ParkedStream> {
    this.assertOpen();
    // Not exclusive: parking writes no tar entry, so it may run beside an add.
    return spoolEncrypted(stream, this.finalPath, this.options.signal ? { signal: this.options.signal } : {});
  }

  setMetadata(key: string, value: unknown): void {
    this.assertOpen();
    this.metadata.set(key, value);
  }

  finish(header: ManifestHeader): Promise<WrittenArchive> {
    return this.exclusive(async () => {
      this.state = 'finishing';
      let indexPath: string | undefined;
      try {
        const finishedAt = new Date();
        const manifest: ManifestSummary = {
          formatVersion: MANIFEST_FORMAT_VERSION,
          ...header,
          finishedAt: finishedAt.toISOString(),
          metadata: Object.fromEntries(this.metadata),
          totals: this.spool.totals,
        };
        const json = await this.spool.serialize(manifest);
        await this.packer.addFile({ ...this.adder.generated(MANIFEST_PATH, json.length, { mtime: finishedAt }) }, json.chunks());
        this.packer.finalize();
        await this.output.done;
        const existing = await lstat(this.finalPath).catch(() => undefined);
        if (existing) throw new AppError('io', `${this.finalPath} already exists; Lifeboat does not replace archives. Run the backup again.`);
        indexPath = await writeIndexSidecarJson(this.finalPath, json.chunks, this.options.encryption);
        await this.spool.close();
        throwIfAborted(this.options.signal);
        // The commit point: before it there is no archive, after it a complete one.
        await rename(this.finalPath + PARTIAL_SUFFIX, this.finalPath);
        this.state = 'finished';
        this.options.signal?.removeEventListener('abort', this.onAbort);
        await fsyncDir(dirname(this.finalPath));
        const { size } = await stat(this.finalPath);
        return { path: this.finalPath, indexPath, size, manifest };
      } catch (e) {
        if (this.state !== 'finished') {
          if (indexPath) await rm(indexPath, { force: true });
          await this.fail(asWriteFailure(e, this.finalPath));
        }
        throw this.failure && !isAppError(e) ? this.failure : e;
      }
    });
  }

  async abort(): Promise<void> {
    await this.fail(new AppError('canceled', 'The archive was discarded.'));
  }
}

/**
 * Starts writing an archive to `finalPath` (`<target>-<YYYYMMDD-HHMMSS>.tar.gz.gpg`): a
 * tar streamed through parallel gzip and OpenPGP into `finalPath.partial`, never in the
 * clear on disk and never whole in memory. Plugins fill it through the {@link ArchiveSink}
 * members; the host then calls `finish` (or `abort`).
 */
export async function createArchiveWriter(finalPath: string, options: ArchiveWriterOptions): Promise<ArchiveWriter> {
  throwIfAborted(options.signal);
  const path = resolve(finalPath);
  if (await lstat(path).then(() => true, () => false)) {
    throw new AppError('io', `${path} already exists; Lifeboat does not replace archives. Choose another name.`);
  }
  const packer = new TarPacker();
  const spool = await ManifestSpool.open(path);
  const output = await openArchiveOutput(path + PARTIAL_SUFFIX, packer.stream, {
    encryption: options.encryption,
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(options.gzipChunkSize !== undefined ? { chunkSize: options.gzipChunkSize } : {}),
  });
  return new StreamingArchiveWriter(path, packer, output, spool, options);
}
