import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { Manifest, ManifestEntry } from '../shared/models/manifest.js';

/** The manifest without its entries: what the writer keeps in memory and returns. */
export type ManifestSummary = Omit<Manifest, 'entries'>;

const FLUSH_AT = 1024 * 1024;
const MARK = '@@lifeboat-entries@@';

/**
 * The manifest's entry list, kept on disk instead of in memory so a backup of a million
 * files needs no more memory than one of a thousand: each entry becomes one JSON line,
 * encrypted (AES-256-CTR, a random key that only this process holds) into an unlinked
 * temporary file beside the archive, and read back once to write the manifest.
 */
export class ManifestSpool {
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;
  private writing: Promise<unknown> = Promise.resolve();
  private readonly cipher;
  private entries = 0;
  private files = 0;
  private bytes = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly key: Buffer,
    private readonly iv: Buffer,
  ) {
    this.cipher = createCipheriv('aes-256-ctr', key, iv);
  }

  static async open(nearPath: string): Promise<ManifestSpool> {
    const path = `${nearPath}.manifest-${randomBytes(6).toString('hex')}.partial`;
    const fh = await open(path, 'wx+', 0o600);
    await unlink(path).catch(() => {});
    return new ManifestSpool(fh, randomBytes(32), randomBytes(16));
  }

  /** Appends one entry (in tar order). */
  push(entry: ManifestEntry): Promise<unknown> {
    const line = (this.entries === 0 ? '\n    ' : ',\n    ') + JSON.stringify(entry);
    this.entries++;
    if (entry.type === 'file') {
      this.files++;
      this.bytes += entry.size;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    return this.pendingBytes >= FLUSH_AT ? this.flush() : this.writing;
  }

  get totals(): Manifest['totals'] {
    return { entries: this.entries, files: this.files, bytes: this.bytes };
  }

  private flush(): Promise<unknown> {
    if (this.pending.length === 0) return this.writing;
    const plain = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    const encrypted = this.cipher.update(plain);
    const at = this.written;
    this.written += encrypted.length;
    this.writing = this.writing.then(() => this.fh.write(encrypted, 0, encrypted.length, at));
    return this.writing;
  }

  /**
   * The whole manifest as JSON (2-space indent, entries one per line) and its byte length,
   * for a tar entry whose size must be known before its content.
   */
  async serialize(summary: ManifestSummary): Promise<{ length: number; chunks: () => AsyncIterable<Buffer> }> {
    await this.flush();
    await this.writing;
    const { totals, ...rest } = summary;
    const skeleton = JSON.stringify({ ...rest, entries: MARK, totals }, null, 2) + '\n';
    const at = skeleton.indexOf(`"${MARK}"`);
    const head = Buffer.from(skeleton.slice(0, at) + '[');
    const tail = Buffer.from((this.entries > 0 ? '\n  ]' : ']') + skeleton.slice(at + MARK.length + 2));
    const total = this.written;
    const { fh, key, iv } = this;
    return {
      length: head.length + total + tail.length,
      async *chunks() {
        yield head;
        const decipher = createDecipheriv('aes-256-ctr', key, iv);
        const buffer = Buffer.allocUnsafe(256 * 1024);
        for (let position = 0; position < total; ) {
          const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, total - position), position);
          if (bytesRead === 0) throw new Error('The manifest spool ended early.');
          position += bytesRead;
          yield Buffer.from(decipher.update(buffer.subarray(0, bytesRead)));
        }
        yield tail;
      },
    };
  }

  /** Closes the file (its name is already gone). */
  close(): Promise<void> {
    return this.writing.then(
      () => this.fh.close(),
      () => this.fh.close(),
    );
  }
}
