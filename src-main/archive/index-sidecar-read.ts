import { readFile } from 'node:fs/promises';
import { decryptBytes } from '../crypto/decrypt-stream.js';
import { readFileHead } from '../crypto/inspect-encryption.js';
import { looksLikeOpenPgp } from '../crypto/openpgp-head.js';
import type { Decryption } from '../crypto/types.js';
import { AppError, isAppError } from '../shared/app-error.js';
import type { Manifest } from '../shared/models/manifest.js';
import { indexPathFor } from './archive-names.js';

/**
 * The archive's index sidecar (`<stem>.index.gpg`, or `.index.json` beside a plain
 * `.tar.gz`): the manifest without reading the archive. Undefined when there is none.
 * A wrong passphrase is the `wrong-passphrase` error; a damaged sidecar is `integrity`.
 */
export async function readIndexSidecar(archivePath: string, dec: Decryption): Promise<Manifest | undefined> {
  const path = indexPathFor(archivePath);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('io', `Cannot read the index ${path}: ${(e as Error).message}`, { cause: e });
  }
  let json: Uint8Array = data;
  // Archives not named `.tar.gz` (a `.tgz`) get a `.index.gpg` name even when unencrypted;
  // plain JSON is accepted there only beside an unencrypted archive.
  const plainBeside = !looksLikeOpenPgp(data) && !(await readFileHead(archivePath, 512).then(looksLikeOpenPgp, () => true));
  if (path.endsWith('.gpg') && !plainBeside) {
    try {
      json = await decryptBytes(data, dec);
    } catch (e) {
      if (isAppError(e) && e.code === 'integrity') throw damagedIndex(path, e);
      throw e;
    }
  }
  return parseManifest(Buffer.from(json).toString('utf8'), path, 'sidecar');
}

/** Parses and shape-checks a manifest (from a sidecar or the archive's own entry). */
export function parseManifest(text: string, where: string, kind: 'sidecar' | 'inner'): Manifest {
  const damaged = (cause?: unknown): AppError =>
    kind === 'sidecar'
      ? damagedIndex(where, cause)
      : new AppError('integrity', `The manifest inside ${where} is not valid: the archive is damaged or was not written by Lifeboat. Use another copy of this backup.`, { cause });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw damaged(e);
  }
  const m = value as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || typeof m.formatVersion !== 'number' || !Array.isArray(m.entries) || !m.totals) {
    throw damaged();
  }
  if (m.formatVersion > 1) {
    throw new AppError('config', `${where} was written by a newer Lifeboat (manifest format ${m.formatVersion}). Update Lifeboat to read it.`);
  }
  return m as Manifest;
}

function damagedIndex(where: string, cause?: unknown): AppError {
  return new AppError(
    'integrity',
    `The index ${where} is damaged or was tampered with. Delete it; Lifeboat rebuilds it from the archive on the next listing.`,
    { cause },
  );
}
