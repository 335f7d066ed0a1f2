import { open, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encryptStream } from '../crypto/encrypt-stream.js';
import type { Encryption } from '../crypto/types.js';
import { AppError } from '../shared/app-error.js';
import { createParallelGzip } from './parallel-gzip.js';

export interface ArchiveOutputOptions {
  readonly encryption: Encryption;
  readonly level?: number;
  readonly chunkSize?: number;
}

/** The file end of an archive: tar in, gzip and OpenPGP in between, a `.partial` file out. */
export interface ArchiveOutput {
  /**
   * Resolves once the tar stream has ended and every byte is in the file, fsynced and
   * closed; rejects with the first failure of any stage.
   */
  readonly done: Promise<void>;
  /** Tears every stage down, closes and removes the file. Safe to call more than once. */
  discard(err: Error): Promise<void>;
}

/**
 * Starts the pipeline `tar → parallel gzip → OpenPGP → partialPath` (created new, mode
 * 0600). Each stage pulls from the one before only as fast as the disk takes the result,
 * so memory stays bounded whatever the archive's size.
 */
export async function openArchiveOutput(partialPath: string, tar: Readable, options: ArchiveOutputOptions): Promise<ArchiveOutput> {
  const fh = await open(partialPath, 'wx', 0o600).catch((e: NodeJS.ErrnoException) => {
    throw new AppError('io', `Cannot create ${partialPath}: ${e.message}. Check the store folder exists and is writable.`, { cause: e });
  });
  const gzip = createParallelGzip({
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
  });
  const encrypted = encryptStream(gzip, options.encryption);
  // `flush` fsyncs before the stream closes the file; the pipeline resolves only after that close.
  const file = fh.createWriteStream({ flush: true, highWaterMark: 256 * 1024 });
  const stages = [tar, gzip, encrypted, file];

  const flowing =
    encrypted === gzip ? pipeline(tar, gzip, file) : Promise.all([pipeline(tar, gzip), pipeline(encrypted, file)]).then(() => {});
  const done = flowing;
  done.catch(() => {});

  let discarding: Promise<void> | undefined;
  const discard = (err: Error): Promise<void> =>
    (discarding ??= (async () => {
      for (const stage of stages) if (!stage.destroyed) stage.destroy(err);
      await done.catch(() => {});
      await fh.close().catch(() => {});
      await rm(partialPath, { force: true });
    })());
  return { done, discard };
}
