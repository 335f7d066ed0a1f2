import type { Encryption } from '../crypto/types.js';
import { encryptBytes } from '../crypto/encrypt-stream.js';
import type { Manifest } from '../shared/models/manifest.js';
import { indexPathFor } from './archive-names.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Writes the archive's index sidecar (its manifest, so listing and picking files never
 * needs the whole archive decrypted): encrypted like the archive, or plain JSON for an
 * unencrypted one; atomically (`.partial`, fsync, rename, mode 0600). Returns its path.
 */
export async function writeIndexSidecar(archivePath: string, manifest: Manifest, enc: Encryption): Promise<string> {
  const path = indexPathFor(archivePath);
  const json = JSON.stringify(manifest, null, 2) + '\n';
  await writeFileAtomic(path, await encryptBytes(json, enc), 0o600);
  return path;
}
