import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack as createPack, type Header, type Pack } from 'tar-stream';
import { AppError, throwIfAborted } from '../shared/app-error.js';
import type { EntryType, ManifestEntry } from '../shared/models/manifest.js';

/** One entry to pack; paths are already normalized archive paths. */
export interface PackEntry {
  readonly path: string;
  readonly type: EntryType;
  /** Permission bits only. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname?: string;
  readonly gname?: string;
  readonly mtime: Date;
  /** Content length of a file; 0 otherwise. */
  readonly size: number;
  readonly linkname?: string;
}

export interface PackBodyOptions {
  /** Names the source in errors, e.g. the local path. */
  readonly source?: string;
  readonly signal?: AbortSignal;
  /** Called with each chunk's length as it is packed. */
  readonly onBytes?: (n: number) => void;
}

const TYPE_BITS: Record<EntryType, number> = { file: 0o100000, directory: 0o040000, symlink: 0o120000, hardlink: 0o100000 };
const TAR_TYPE: Record<EntryType, TarHeader['type']> = { file: 'file', directory: 'directory', symlink: 'symlink', hardlink: 'link' };
/** Largest id tar-stream's ustar header holds (6 octal digits); larger ones go into a pax header. */
const USTAR_MAX_ID = 0o777777;

function tarHeader(entry: PackEntry): TarHeader {
  const pax: Record<string, string> = {};
  if (entry.uid > USTAR_MAX_ID) pax.uid = String(entry.uid);
  if (entry.gid > USTAR_MAX_ID) pax.gid = String(entry.gid);
  // ustar has 32 bytes for names; a longer one would spill into the next field.
  const fits = (name: string | undefined) => name !== undefined && Buffer.byteLength(name) < 32;
  return {
    name: entry.type === 'directory' ? `${entry.path}/` : entry.path,
    type: TAR_TYPE[entry.type],
    // tar-stream replaces a falsy mode with 0644; the type bits keep mode 0 intact.
    mode: TYPE_BITS[entry.type] | (entry.mode & 0o7777),
    uid: Math.min(entry.uid, USTAR_MAX_ID),
    gid: Math.min(entry.gid, USTAR_MAX_ID),
    ...(fits(entry.uname) ? { uname: entry.uname } : {}),
    ...(fits(entry.gname) ? { gname: entry.gname } : {}),
    mtime: entry.mtime,
    size: entry.type === 'file' ? entry.size : 0,
    ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
    ...(Object.keys(pax).length > 0 ? { pax } : {}),
  };
}

function manifestEntry(entry: PackEntry, sha256?: string): ManifestEntry {
  return {
    path: entry.path,
    type: entry.type,
    size: entry.type === 'file' ? entry.size : 0,
    mode: entry.mode & 0o7777,
    uid: entry.uid,
    gid: entry.gid,
    ...(entry.uname !== undefined ? { uname: entry.uname } : {}),
    ...(entry.gname !== undefined ? { gname: entry.gname } : {}),
    // tar keeps whole seconds; the manifest says what the archive holds.
    mtime: new Date(Math.floor(entry.mtime.getTime() / 1000) * 1000).toISOString(),
    ...(sha256 !== undefined ? { sha256 } : {}),
    ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
  };
}

type Sink = ReturnType<Pack['entry']>;
type TarHeader = Partial<Header> & Pick<Header, 'name'>;

/** Resolves when the sink takes more data; rejects when it fails or the pack is torn down. */
function drained(sink: Sink): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      sink.off('drain', onDrain);
      sink.off('error', onError);
      sink.off('close', onClose);
    };
    const onDrain = () => (cleanup(), resolve());
    const onError = (err: Error) => (cleanup(), reject(err));
    const onClose = () => (cleanup(), reject(new Error('The archive stream was closed.')));
    sink.on('drain', onDrain);
    sink.on('error', onError);
    sink.on('close', onClose);
  });
}

/**
 * tar-stream's pack with what Lifeboat needs around it: one entry at a time, each file's
 * SHA-256 computed as it streams through, its exact length enforced, and the manifest
 * entry returned. Once an entry fails half-written the tar is corrupt: the packer is
 * `broken` and every later call fails.
 */
export class TarPacker {
  private readonly pack: Pack = createPack();
  /** The tar bytes as a Node stream; reads only as fast as it is consumed. */
  readonly stream: Readable = Readable.from(this.pack, { objectMode: false, highWaterMark: 64 * 1024 });
  broken: Error | undefined;

  /** Adds an entry without content (folder, symlink, hard link). */
  async addEmpty(entry: PackEntry): Promise<ManifestEntry> {
    if (entry.type === 'file' && entry.size !== 0) throw new Error(`addEmpty given a file of ${entry.size} bytes`);
    return this.write(entry, entry.type === 'file' ? [] : undefined, {});
  }

  /** Adds a file entry whose content is `body`, which must hold exactly `entry.size` bytes. */
  async addFile(entry: PackEntry, body: AsyncIterable<Buffer> | Buffer, options: PackBodyOptions = {}): Promise<ManifestEntry> {
    return this.write(entry, Buffer.isBuffer(body) ? [body] : body, options);
  }

  private async write(entry: PackEntry, body: Iterable<Buffer> | AsyncIterable<Buffer> | undefined, options: PackBodyOptions) {
    if (this.broken) throw this.broken;
    let sink!: Sink;
    const done = new Promise<void>((resolve, reject) => {
      sink = this.pack.entry(tarHeader(entry), (err?: Error | null) => (err ? reject(err) : resolve()));
    });
    // Failures arrive through `done`; an 'error' event without a listener would crash the process.
    sink.on('error', () => {});
    done.catch(() => {});
    try {
      if (!body) {
        await done;
        return manifestEntry(entry);
      }
      const hash = createHash('sha256');
      let written = 0;
      const source = options.source ?? entry.path;
      for await (const chunk of body) {
        throwIfAborted(options.signal);
        written += chunk.length;
        if (written > entry.size) {
          throw new AppError('io', `${source} grew while it was being backed up (more than ${entry.size} bytes). Stop what writes to it, or exclude it, and run the backup again.`);
        }
        hash.update(chunk);
        options.onBytes?.(chunk.length);
        if (!sink.write(chunk)) await drained(sink);
      }
      if (written !== entry.size) {
        throw new AppError('io', `${source} shrank while it was being backed up (${written} of ${entry.size} bytes). Stop what writes to it, or exclude it, and run the backup again.`);
      }
      sink.end(undefined);
      await done;
      return manifestEntry(entry, hash.digest('hex'));
    } catch (e) {
      this.destroy(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  /** Ends the tar (two zero blocks) once the last entry is done. */
  finalize(): void {
    this.pack.finalize();
  }

  destroy(err: Error): void {
    this.broken ??= err;
    if (!this.pack.destroyed) this.pack.destroy(err);
  }
}
