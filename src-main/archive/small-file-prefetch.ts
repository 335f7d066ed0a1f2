import { open } from 'node:fs/promises';
import type { WalkEntry } from './dir-walk.js';

/** Files up to this size are read whole, ahead of time. */
export const SMALL_FILE_SIZE = 256 * 1024;
const AHEAD_FILES = 32;
const AHEAD_BYTES = 8 * 1024 * 1024;

/** A small file's whole content, or why it could not be read. */
export type SmallFileRead = { readonly data: Buffer } | { readonly error: NodeJS.ErrnoException } | { readonly grew: true };

async function readWhole(entry: WalkEntry): Promise<SmallFileRead> {
  try {
    const fh = await open(entry.localPath, 'r');
    try {
      // One byte more than expected tells a file that grew since the walk.
      const buffer = Buffer.allocUnsafe(entry.size + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await fh.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      return length > entry.size ? { grew: true } : { data: buffer.subarray(0, length) };
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { error: e as NodeJS.ErrnoException };
  }
}

/**
 * Reads the small files of a walked folder a little ahead of the packer, several at a
 * time: a folder of thousands of small files is otherwise a chain of open/read/close
 * round trips with the disk idle between them. Bounded by file count and bytes.
 */
export class SmallFilePrefetch {
  private readonly reads = new Map<number, Promise<SmallFileRead>>();
  private next = 0;
  private bytesAhead = 0;

  constructor(private readonly entries: readonly WalkEntry[]) {}

  private static wanted(entry: WalkEntry): boolean {
    // Multiply-linked files may become hard-link entries that need no content.
    return entry.kind === 'file' && entry.size <= SMALL_FILE_SIZE && entry.nlink === 1;
  }

  private fill(from: number): void {
    if (this.next < from) this.next = from;
    while (this.next < this.entries.length && this.reads.size < AHEAD_FILES && this.bytesAhead < AHEAD_BYTES) {
      const index = this.next++;
      const entry = this.entries[index]!;
      if (!SmallFilePrefetch.wanted(entry)) continue;
      this.bytesAhead += entry.size;
      this.reads.set(index, readWhole(entry));
    }
  }

  /** The read of `entries[index]` if it is a small file (started now if not yet), else undefined. */
  async take(index: number): Promise<SmallFileRead | undefined> {
    this.fill(index);
    const read = this.reads.get(index);
    if (!read) return undefined;
    this.reads.delete(index);
    this.bytesAhead -= this.entries[index]!.size;
    const result = await read;
    this.fill(index + 1);
    return result;
  }
}
