/**
 * File transfer over SFTP as streams. Downloads keep many read requests in flight (one at a
 * time is bound by the round trip); uploads write to a temporary name and rename at the end,
 * so a broken transfer never leaves a truncated file under the real name.
 */
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import { AppError, isAppError } from '../../shared/app-error.js';
import type { ProgressSink } from '../../shared/models/progress.js';
import type { TransferOptions } from './ssh-connection.js';
import type { SshLink } from './ssh-link.js';

const CHUNK = 256 * 1024 - 1024;
const IN_FLIGHT = 16;
/** Write requests in flight: more than reads, since nothing waits on their answers. */
const WRITES_IN_FLIGHT = 32;
/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
const SFTP_EOF = 1;
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

/** An SFTP failure as the operator should read it. */
export function sftpError(alias: string, what: string, path: string, e: unknown): AppError {
  if (isAppError(e)) return e;
  const err = e as Error & { code?: number };
  if (err.code === SFTP_NO_SUCH_FILE) return new AppError('not-found', `${path} does not exist on ${alias} (${what}).`, { cause: e });
  if (err.code === SFTP_PERMISSION_DENIED) {
    return new AppError('plugin', `Permission denied on ${alias} for ${path} (${what}). Check the SSH user's rights, or use the tar stream with sudo.`, { cause: e });
  }
  return new AppError('plugin', `On ${alias}, ${what} of ${path} failed: ${err.message}`, { cause: e });
}

class SftpDownload extends Readable {
  private sftp: SFTPWrapper | undefined;
  private handle: Buffer | undefined;
  private size = 0;
  private nextOffset = 0;
  private deliverOffset = 0;
  private inFlight = 0;
  private readonly ready = new Map<number, Buffer>();
  private wanted = false;
  private readonly cleanup: () => void;

  constructor(
    private readonly link: SshLink,
    private readonly path: string,
    private readonly options: TransferOptions,
  ) {
    super({ highWaterMark: CHUNK * IN_FLIGHT });
    const onLost = (): void => {
      this.destroy(link.lostError());
    };
    const onAbort = (): void => {
      this.destroy(new AppError('canceled', `Canceled: the download of ${path} from ${link.alias} was stopped.`));
    };
    link.lost.addEventListener('abort', onLost, { once: true });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.cleanup = () => {
      link.lost.removeEventListener('abort', onLost);
      options.signal?.removeEventListener('abort', onAbort);
    };
  }

  override _construct(callback: (error?: Error | null) => void): void {
    if (this.link.lost.aborted) return callback(this.link.lostError());
    if (this.options.signal?.aborted) return callback(new AppError('canceled', 'Canceled.'));
    this.link.sftp().then((sftp) => {
      this.sftp = sftp;
      sftp.open(this.path, 'r', (err, handle) => {
        if (err) return callback(sftpError(this.link.alias, 'opening for download', this.path, err));
        this.handle = handle;
        sftp.fstat(handle, (statErr, stats) => {
          if (statErr) return callback(sftpError(this.link.alias, 'reading the size', this.path, statErr));
          this.size = stats.size;
          this.options.progress?.report({ kind: 'bytes', done: 0, total: this.size });
          callback();
        });
      });
    }, callback);
  }

  override _read(): void {
    this.wanted = true;
    this.pump();
  }

  private pump(): void {
    const { sftp, handle } = this;
    if (!sftp || !handle || this.destroyed) return;
    while (this.wanted && this.ready.has(this.deliverOffset)) {
      const chunk = this.ready.get(this.deliverOffset) as Buffer;
      this.ready.delete(this.deliverOffset);
      this.deliverOffset += chunk.length;
      this.options.progress?.report({ kind: 'bytes', done: this.deliverOffset, total: this.size });
      this.wanted = this.push(chunk);
    }
    if (this.deliverOffset >= this.size && this.inFlight === 0) {
      this.push(null);
      return;
    }
    // Keep the pipe full, but not past what the consumer is ready to take.
    while (this.inFlight < IN_FLIGHT && this.nextOffset < this.size && this.ready.size < IN_FLIGHT) {
      const offset = this.nextOffset;
      const length = Math.min(CHUNK, this.size - offset);
      this.nextOffset += length;
      this.inFlight++;
      sftp.read(handle, Buffer.allocUnsafe(length), 0, length, offset, (err, bytesRead, buffer) => {
        this.inFlight--;
        const code = (err as (Error & { code?: number }) | undefined)?.code;
        if (err && code !== SFTP_EOF) return this.destroy(sftpError(this.link.alias, 'download', this.path, err));
        const got = err ? 0 : bytesRead;
        if (got < length) {
          return this.destroy(new AppError('plugin', `${this.path} on ${this.link.alias} got shorter while it was downloaded. Stop what writes to it and try again.`));
        }
        this.ready.set(offset, buffer.subarray(0, got));
        this.pump();
      });
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.cleanup();
    const { sftp, handle } = this;
    this.handle = undefined;
    if (sftp && handle && !this.link.lost.aborted) sftp.close(handle, () => {});
    callback(error);
  }
}

/** `download` of {@link SshConnection}. */
export function downloadOverSftp(link: SshLink, remotePath: string, options: TransferOptions): Readable {
  return new SftpDownload(link, remotePath, options);
}

/** Counts bytes passing through, for progress. */
export function progressCounter(progress: ProgressSink | undefined, total?: number): Transform {
  let done = 0;
  return new Transform({
    highWaterMark: CHUNK * IN_FLIGHT,
    transform(chunk: Buffer, _enc, callback) {
      done += chunk.length;
      progress?.report({ kind: 'bytes', done, ...(total !== undefined ? { total } : {}) });
      callback(null, chunk);
    },
  });
}

/**
 * Writes to an open remote file with many write requests in flight; ssh2's own write
 * stream waits for each acknowledgement, which caps it at a chunk per round trip.
 */
class SftpUploadSink extends Writable {
  private handle: Buffer | undefined;
  private offset = 0;
  private inFlight = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;
  private waiting: (() => void) | undefined;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly path: string,
    private readonly mode: number | undefined,
    private readonly describe: (e: unknown) => AppError,
  ) {
    super({ highWaterMark: CHUNK * 4 });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    const done = (err: Error | undefined, handle: Buffer): void => {
      if (err) return callback(this.describe(err));
      this.handle = handle;
      callback();
    };
    if (this.mode !== undefined) this.sftp.open(this.path, 'w', { mode: this.mode }, done);
    else this.sftp.open(this.path, 'w', done);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failure) return callback(this.failure);
    // Sources hand over 64 KiB or less; full-size requests halve the per-request cost.
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= CHUNK) this.flush(false);
    this.whenBelow(WRITES_IN_FLIGHT, () => callback(this.failure));
  }

  /** Sends the pending bytes in CHUNK-sized write requests; the tail too when `all`. */
  private flush(all: boolean): void {
    const data = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    let at = 0;
    while (data.length - at >= CHUNK || (all && at < data.length)) {
      const piece = data.subarray(at, Math.min(at + CHUNK, data.length));
      at += piece.length;
      this.send(piece);
    }
    const rest = data.subarray(at);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
  }

  private send(piece: Buffer): void {
    const position = this.offset;
    this.offset += piece.length;
    this.inFlight++;
    this.sftp.write(this.handle as Buffer, piece, 0, piece.length, position, (err) => {
      this.inFlight--;
      if (err && !this.failure) this.failure = this.describe(err);
      const wake = this.waiting;
      this.waiting = undefined;
      wake?.();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.failure && this.pendingBytes > 0) this.flush(true);
    this.whenBelow(1, () => {
      if (this.failure) return callback(this.failure);
      this.sftp.close(this.handle as Buffer, (err) => callback(err ? this.describe(err) : null));
      this.handle = undefined;
    });
  }

  private whenBelow(limit: number, then: () => void): void {
    if (this.inFlight < limit || this.failure) return then();
    this.waiting = () => this.whenBelow(limit, then);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.handle) this.sftp.close(this.handle, () => {});
    this.handle = undefined;
    callback(error);
  }
}

/** `upload` of {@link SshConnection}. */
export async function uploadOverSftp(
  link: SshLink,
  remotePath: string,
  source: Readable,
  options: TransferOptions & { readonly mode?: number },
): Promise<void> {
  const sftp = await link.sftp();
  const partial = `${remotePath}.lifeboat-partial`;
  const signal = AbortSignal.any([link.lost, ...(options.signal ? [options.signal] : [])]);
  const target = new SftpUploadSink(sftp, partial, options.mode, (e) => sftpError(link.alias, 'upload', remotePath, e));
  try {
    await pipeline(source, progressCounter(options.progress), target, { signal });
    await new Promise<void>((resolve, reject) =>
      sftp.ext_openssh_rename(partial, remotePath, (err) => (err ? reject(sftpError(link.alias, 'renaming the uploaded file', remotePath, err)) : resolve())));
  } catch (e) {
    if (!link.lost.aborted) sftp.unlink(partial, () => {});
    if (link.lost.aborted) throw link.lostError();
    if (options.signal?.aborted) throw new AppError('canceled', `Canceled: the upload to ${remotePath} on ${link.alias} was stopped.`);
    throw sftpError(link.alias, 'upload', remotePath, e);
  }
}
