import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { throwIfAborted } from '../shared/app-error.js';

/** A stream's bytes parked on disk, encrypted, until they are read back once. */
export interface EncryptedSpool {
  /** Plaintext length. */
  readonly size: number;
  /** The plaintext, decrypted as it is read. */
  read(): AsyncIterable<Buffer>;
  /** Closes the file; its name is already gone. */
  close(): Promise<void>;
}

/**
 * Copies a stream of unknown length into a temporary file beside `nearPath`, encrypted
 * with AES-256-CTR under a random key that lives only in this process's memory, so that
 * its length is known before it goes into the tar and nothing lands on disk in the clear.
 * The file's name is removed as soon as it is open: whatever happens to the process, no
 * spool is left behind (the name ends in `.partial` for the instant before, which store
 * cleanup removes).
 */
export async function spoolEncrypted(source: Readable, nearPath: string, options: { signal?: AbortSignal } = {}): Promise<EncryptedSpool> {
  const path = `${nearPath}.spool-${randomBytes(6).toString('hex')}.partial`;
  const fh = await open(path, 'wx+', 0o600);
  await unlink(path).catch(() => {});
  const key = randomBytes(32);
  const iv = randomBytes(16);
  let size = 0;
  try {
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      throwIfAborted(options.signal);
      const plain = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += plain.length;
      const encrypted = cipher.update(plain);
      // Positional writes at the running offset: the file is read back from 0 later.
      await fh.write(encrypted, 0, encrypted.length, size - plain.length);
    }
  } catch (e) {
    source.destroy();
    await fh.close();
    throw e;
  }
  const total = size;
  return {
    size: total,
    async *read() {
      const decipher = createDecipheriv('aes-256-ctr', key, iv);
      const buffer = Buffer.allocUnsafe(256 * 1024);
      let position = 0;
      while (position < total) {
        const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, total - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        yield decipher.update(buffer.subarray(0, bytesRead));
      }
    },
    close: () => fh.close(),
  };
}
