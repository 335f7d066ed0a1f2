import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { decryptStream } from '../crypto/decrypt-stream.js';
import { readFileHead } from '../crypto/inspect-encryption.js';
import { looksLikeOpenPgp } from '../crypto/openpgp-head.js';
import type { Decryption } from '../crypto/types.js';
import { AppError, isAppError } from '../shared/app-error.js';
import type { EntryType } from '../shared/models/manifest.js';
import { noProgress, type ProgressSink } from '../shared/models/progress.js';
import { normalizeEntryPath } from './entry-path.js';

/** Entry kinds a tar may hold; only the manifest's four are ever extracted. */
export type RawEntryType = EntryType | 'char-device' | 'block-device' | 'fifo' | 'unsupported';

/** One tar entry as read, before any selection or safety rule. */
export interface RawEntry {
  /** Normalized (see normalizeEntryPath); may still be absolute or contain `..`. */
  readonly path: string;
  readonly type: RawEntryType;
  /** tar-stream's name of the type, for messages. */
  readonly tarType: string;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname?: string;
  readonly gname?: string;
  readonly mtime: Date;
  readonly linkname?: string;
  /** The entry's content; consume or resume it before asking for the next entry. */
  readonly body: Readable;
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}

const READ_CHUNK = 1024 * 1024;

/**
 * Streams the entries of `.tar.gz.gpg`, armored, `.tar.gz` (one or many gzip members) or
 * plain `.tar` files, told apart by their first bytes. The iteration ends only after the
 * whole file was read and, for encrypted files, the integrity check passed; it throws
 * AppError('integrity') when the file is damaged, so whatever came before is untrusted.
 */
export async function* readTarEntries(path: string, dec: Decryption, options: ReadOptions = {}): AsyncGenerator<RawEntry> {
  const progress = options.progress ?? noProgress;
  const head = await readFileHead(path, 512);
  const total = (await stat(path)).size;
  const file = createReadStream(path, { highWaterMark: READ_CHUNK });
  let done = 0;
  const counted = file.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        progress.report({ kind: 'bytes', done, total });
        cb(null, chunk);
      },
    }),
  );
  file.on('error', (e) => counted.destroy(e));
  const plain = looksLikeOpenPgp(head) ? decryptStream(counted, dec) : counted;
  const extract = tarStream.extract();
  const streams: { destroy(e?: Error): unknown }[] = [file, counted, plain, extract];
  let failure: unknown;
  let current: Readable | undefined;
  const fail = (e: unknown): void => {
    failure ??= mapReadError(e, path);
    // The caller may be reading the current entry: it must see the real cause.
    current?.destroy(failure as Error);
    for (const s of streams) s.destroy();
  };
  const onAbort = (): void => fail(new AppError('canceled', 'Canceled.'));
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  plain.on('error', fail);
  counted.on('error', fail);
  extract.on('error', fail);
  try {
    const first = await readFirstChunk(plain);
    if (failure) throw failure;
    if (first === null) throw damaged('it is empty');
    plain.unshift(first);
    if (first[0] === 0x1f && first[1] === 0x8b) {
      // Large buffers let decryption run ahead while zlib inflates on another thread.
      const zlibOptions: ZlibOptions & { highWaterMark: number } = { chunkSize: 256 * 1024, highWaterMark: 4 * 1024 * 1024 };
      const gunzip = createGunzip(zlibOptions);
      streams.push(gunzip);
      gunzip.on('error', (e) => fail(damaged(`the compressed data is corrupt (${e.message})`, e)));
      // A gzip stream can end before its input does; read the rest so the integrity check runs.
      gunzip.on('end', () => {
        plain.unpipe(gunzip);
        plain.resume();
      });
      plain.pipe(gunzip).pipe(extract as unknown as NodeJS.WritableStream);
    } else {
      plain.pipe(extract as unknown as NodeJS.WritableStream);
    }
    for await (const entry of extract) {
      if (failure) break;
      const raw = toRawEntry(entry);
      current = raw.body;
      const settled = settledPromise(raw.body);
      yield raw;
      // Whatever the caller left unread is skipped.
      raw.body.resume();
      await settled;
      current = undefined;
    }
    // The plaintext must end (integrity checked) before the caller may trust anything.
    if (!failure) await finished(plain, { writable: false });
    if (failure) throw failure;
  } catch (e) {
    throw mapReadError(failure ?? e, path);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const s of streams) s.destroy();
  }
}

type TarEntry = tarStream.Extract extends AsyncIterable<infer S> ? S : never;

function toRawEntry(entry: TarEntry): RawEntry {
  const h = entry.header;
  const type = entryType(h.type);
  return {
    path: normalizeEntryPath(h.name),
    type,
    tarType: h.type ?? 'unknown',
    size: type === 'file' ? (h.size ?? 0) : 0,
    mode: (h.mode ?? 0o644) & 0o7777,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    ...(h.uname ? { uname: h.uname } : {}),
    ...(h.gname ? { gname: h.gname } : {}),
    mtime: h.mtime ?? new Date(0),
    ...(h.linkname ? { linkname: h.type === 'link' ? normalizeEntryPath(h.linkname) : h.linkname } : {}),
    // tar-stream's entries are streamx streams, which behave as Node readables.
    body: entry as unknown as Readable,
  };
}

function entryType(type: tarStream.Header['type'] | null | undefined): RawEntryType {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
      return 'char-device';
    case 'block-device':
      return 'block-device';
    case 'fifo':
      return 'fifo';
    default:
      return 'unsupported';
  }
}

function readFirstChunk(s: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      s.off('readable', onReadable);
      s.off('error', onError);
      s.off('end', onEnd);
      s.off('close', onEnd);
    };
    const onReadable = (): void => {
      const chunk = s.read() as Buffer | null;
      if (chunk !== null) {
        cleanup();
        resolve(chunk);
      }
    };
    const onError = (e: unknown): void => {
      cleanup();
      reject(e);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    s.on('readable', onReadable);
    s.on('error', onError);
    s.on('end', onEnd);
    s.on('close', onEnd);
  });
}

/** Resolves once the entry's body ended, failed or was closed (listeners set before reading starts). */
function settledPromise(body: Readable): Promise<void> {
  return new Promise((resolve) => {
    body.once('end', () => resolve());
    body.once('close', () => resolve());
    body.once('error', () => resolve());
  });
}

function damaged(what: string, cause?: unknown): AppError {
  return new AppError('integrity', `The archive is damaged or was tampered with: ${what}. Nothing from it was kept; use another copy of this backup.`, { cause });
}

function mapReadError(e: unknown, path: string): unknown {
  if (isAppError(e)) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('not-found', `${path} does not exist. Check the archive's path.`, { cause: e });
  if (typeof code === 'string' && code.startsWith('E') && !code.startsWith('ERR_')) {
    return new AppError('io', `Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  if (code?.startsWith('Z_') || /header|Unexpected end|tar|checksum/i.test(message)) {
    return damaged(`it is not a complete tar archive (${message})`, e);
  }
  return e;
}
