/**
 * Writes an archive's content, without Lifeboat's own `lifeboat/` entries, as a plain tar
 * (gzipped when the name ends in .gz or .tgz), in archive order: the file the target's own
 * tools read (e.g. a `juju-backup-*.tar.gz` for `juju restore`). The file appears under its
 * name only when the whole archive passed its integrity check; its SHA-1, in base64 as
 * Juju records it, is computed as it is written.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { AppError, throwIfAborted } from '../shared/app-error.js';
import type { ArchiveReader, ReadArchiveOptions } from './archive-reader.js';

export interface ExportTarResult {
  readonly path: string;
  readonly entries: number;
  readonly bytes: number;
  readonly gzip: boolean;
  /** SHA-1 of the written file, base64 (what `juju create-backup` records). */
  readonly sha1Base64: string;
}

/** True for names that get gzip: `.gz`, `.tgz`. */
export function wantsGzip(file: string): boolean {
  return /\.(gz|tgz)$/i.test(file);
}

export async function exportTar(reader: ArchiveReader, file: string, options: ReadArchiveOptions = {}): Promise<ExportTarResult> {
  const gzip = wantsGzip(file);
  const partial = `${file}.partial`;
  const hash = createHash('sha1');
  let bytes = 0;
  let entries = 0;
  const tar = pack();
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const source = tar as unknown as Readable;
  const out = createWriteStream(partial, { mode: 0o600 });
  const written = gzip ? pipeline(source, createGzip({ level: 6 }), hashing, out) : pipeline(source, hashing, out);
  const feeding = (async () => {
    for await (const e of reader.entries(options)) {
      throwIfAborted(options.signal);
      if (e.path === 'lifeboat' || e.path.startsWith('lifeboat/')) {
        e.body?.resume();
        continue;
      }
      const header = { name: e.path, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime };
      entries += 1;
      options.progress?.report({ kind: 'item', path: e.path });
      if (e.type === 'file' && e.body) await pipeline(e.body as Readable, tar.entry({ ...header, type: 'file', size: e.size }) as unknown as PassThrough);
      else if (e.type === 'directory') tar.entry({ ...header, name: `${e.path}/`, type: 'directory' });
      else if (e.type === 'symlink') tar.entry({ ...header, type: 'symlink', linkname: e.linkname ?? '' });
      else if (e.type === 'hardlink') tar.entry({ ...header, type: 'link', linkname: e.linkname ?? '' });
    }
    tar.finalize();
  })();
  try {
    await Promise.all([feeding.catch((err: unknown) => {
      tar.destroy(err as Error);
      throw err;
    }), written]);
  } catch (e) {
    await rm(partial, { force: true });
    if (e instanceof AppError) throw e;
    throw new AppError('io', `Could not write ${file}: ${(e as Error).message}. Nothing was left behind.`, { cause: e });
  }
  await rename(partial, file);
  return { path: file, entries, bytes, gzip, sha1Base64: hash.digest('base64') };
}
