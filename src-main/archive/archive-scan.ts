import { createHash } from 'node:crypto';
import type { Decryption } from '../crypto/types.js';
import { AppError } from '../shared/app-error.js';
import { MANIFEST_PATH, type EntryType, type Manifest, type ManifestEntry } from '../shared/models/manifest.js';
import { parseManifest } from './index-sidecar-read.js';
import { readTarEntries, type RawEntry, type ReadOptions } from './tar-reader.js';

// A manifest lists every entry; even a million entries stay well below this.
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;

/**
 * The archive's entries without its own manifest (`lifeboat/manifest.json`), which is read
 * and handed to `onManifest` instead of being yielded. The archive root (`./`) has path ''.
 */
export async function* contentEntries(
  path: string,
  dec: Decryption,
  options: ReadOptions,
  onManifest: (manifest: Manifest) => void,
): AsyncGenerator<RawEntry> {
  for await (const entry of readTarEntries(path, dec, options)) {
    if (entry.path === MANIFEST_PATH && entry.type === 'file') {
      onManifest(parseManifest(await readSmall(entry), path, 'inner'));
      continue;
    }
    yield entry;
  }
}

export function isManifestType(type: RawEntry['type']): type is EntryType {
  return type === 'file' || type === 'directory' || type === 'symlink' || type === 'hardlink';
}

/** What one full pass over an archive found; counts are kept up to date while it runs. */
export interface ScanResult {
  readonly entries: ManifestEntry[];
  inner?: Manifest;
  bytes: number;
}

/** Reads the whole archive, hashing every file (SHA-256), into manifest entries. */
export async function scanArchive(path: string, dec: Decryption, options: ReadOptions, into: ScanResult): Promise<void> {
  for await (const entry of contentEntries(path, dec, options, (m) => (into.inner = m))) {
    // Devices and fifos are never in a Lifeboat manifest; the root folder is the destination itself.
    if (!isManifestType(entry.type) || entry.path === '') continue;
    let sha256: string | undefined;
    if (entry.type === 'file') {
      const hash = createHash('sha256');
      for await (const chunk of entry.body as AsyncIterable<Buffer>) hash.update(chunk);
      sha256 = hash.digest('hex');
      into.bytes += entry.size;
    }
    into.entries.push({
      path: entry.path,
      type: entry.type,
      size: entry.size,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      ...(entry.uname ? { uname: entry.uname } : {}),
      ...(entry.gname ? { gname: entry.gname } : {}),
      mtime: entry.mtime.toISOString(),
      ...(sha256 ? { sha256 } : {}),
      ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
    });
  }
}

async function readSmall(entry: RawEntry): Promise<string> {
  if (entry.size > MAX_MANIFEST_BYTES) {
    throw new AppError('integrity', `The archive's manifest is ${entry.size} bytes, far larger than any manifest; the archive is damaged or not a Lifeboat archive.`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of entry.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
