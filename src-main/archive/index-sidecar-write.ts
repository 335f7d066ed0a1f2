import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encryptStream } from '../crypto/encrypt-stream.js';
import type { Encryption } from '../crypto/types.js';
import type { Manifest } from '../shared/models/manifest.js';
import { indexPathFor, PARTIAL_SUFFIX } from './archive-names.js';
import { fsyncDir } from './write-file-atomic.js';

/** The manifest as the archive and its sidecar hold it: JSON, 2-space indent, final newline. */
export function manifestJson(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * Writes the archive's index sidecar (its manifest, so listing and picking files never
 * needs the whole archive decrypted): encrypted like the archive, or plain JSON for an
 * unencrypted one; atomically (`.partial`, fsync, rename, mode 0600). Returns its path.
 */
export async function writeIndexSidecar(archivePath: string, manifest: Manifest, enc: Encryption): Promise<string> {
  return writeIndexSidecarJson(archivePath, manifestJson(manifest), enc);
}

/**
 * {@link writeIndexSidecar} for a manifest already serialized, as bytes or as a source of
 * chunks (the writer's manifest spool). The JSON is encrypted as a stream: a manifest of a
 * big tree runs to megabytes, and whole-message encryption would hold several copies of it.
 */
export async function writeIndexSidecarJson(archivePath: string, json: Uint8Array | (() => AsyncIterable<Buffer>), enc: Encryption): Promise<string> {
  const path = indexPathFor(archivePath);
  const partial = path + PARTIAL_SUFFIX;
  const fh = await open(partial, 'w', 0o600);
  try {
    const slices = function* (bytes: Uint8Array) {
      for (let i = 0; i < bytes.length; i += 256 * 1024) yield Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(256 * 1024, bytes.length - i));
    };
    const source = typeof json === 'function' ? json() : slices(json);
    // `flush` fsyncs before the stream closes the file.
    await pipeline(encryptStream(Readable.from(source), enc), fh.createWriteStream({ flush: true }));
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(partial, { force: true });
    throw e;
  }
  await rename(partial, path);
  await fsyncDir(dirname(path));
  return path;
}
