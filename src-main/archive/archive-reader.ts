import type { PrivateKey } from 'openpgp';
import { inspectEncryption } from '../crypto/inspect-encryption.js';
import type { Decryption, Encryption } from '../crypto/types.js';
import { AppError, assertNever, isAppError } from '../shared/app-error.js';
import type { Manifest } from '../shared/models/manifest.js';
import type { ProgressSink } from '../shared/models/progress.js';
import type { ArchiveEntry, ExtractOptions, ExtractResult } from '../plugin-host/plugin-api.js';
import { contentEntries, isManifestType, scanArchive, type ScanResult } from './archive-scan.js';
import { PathSelection } from './entry-path.js';
import { readIndexSidecar } from './index-sidecar-read.js';
import { writeIndexSidecar } from './index-sidecar-write.js';
import { capProblems, compareWithManifest, foreignManifest } from './manifest-compare.js';
import { safeExtract } from './safe-extract.js';

/** Options of every long read. */
export interface ReadArchiveOptions {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}

/** The outcome of a full check; integrity problems are listed here, not thrown. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly bytes: number;
  readonly problems: string[];
}

/** One archive file opened for reading with the secret that opens it. */
export interface ArchiveReader {
  readonly path: string;
  /**
   * The entries in archive order (without `lifeboat/manifest.json`), `paths` selecting
   * folders or files. Consume each file's body before the next. The iteration throws
   * AppError('integrity') at the end when the archive was damaged: data is untrusted until then.
   */
  entries(options?: { readonly paths?: readonly string[] } & ReadArchiveOptions): AsyncIterable<ArchiveEntry>;
  /** The manifest: from the index sidecar, or one pass over the archive (then the sidecar is written). */
  readManifest(options?: ReadArchiveOptions): Promise<Manifest>;
  /** A full pass: integrity, every file's SHA-256 against the archive's manifest and the sidecar. */
  verify(options?: ReadArchiveOptions): Promise<VerifyReport>;
  /** Safe extraction (see safeExtract): staged, moved into place only after the integrity check. */
  extractTo(destination: string, options?: ExtractOptions & ReadArchiveOptions): Promise<ExtractResult>;
}

/** Opens an archive (`.tar.gz.gpg`, armored, `.tar.gz`/`.tgz`, multi-member gzip). Nothing is read until asked. */
export function openArchive(path: string, dec: Decryption): ArchiveReader {
  return {
    path,
    entries: (options = {}) => listEntries(path, dec, options),
    readManifest: (options = {}) => readManifest(path, dec, options),
    verify: (options = {}) => verify(path, dec, options),
    extractTo: (destination, options = {}) => extractTo(path, dec, destination, options),
  };
}

async function* listEntries(
  path: string,
  dec: Decryption,
  options: { readonly paths?: readonly string[] } & ReadArchiveOptions,
): AsyncGenerator<ArchiveEntry> {
  const selection = new PathSelection(options.paths);
  for await (const e of contentEntries(path, dec, options, () => {})) {
    if (!isManifestType(e.type) || e.path === '' || !selection.selects(e.path)) continue;
    yield {
      path: e.path,
      type: e.type,
      size: e.size,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      mtime: e.mtime,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      ...(e.type === 'file' ? { body: e.body } : {}),
    };
  }
  const missing = selection.missing();
  if (missing.length > 0) throw new AppError('not-found', `Not in the archive: ${missing.join(', ')}. List the archive's contents and choose paths from it.`);
}

async function readManifest(path: string, dec: Decryption, options: ReadArchiveOptions): Promise<Manifest> {
  const sidecar = await readIndexSidecar(path, dec);
  if (sidecar) return sidecar;
  const scan: ScanResult = { entries: [], bytes: 0 };
  await scanArchive(path, dec, options, scan);
  let manifest: Manifest;
  if (scan.inner) {
    const problems = compareWithManifest(scan.entries, scan.inner, "archive's manifest");
    if (problems.length > 0) {
      throw new AppError('integrity', `The archive does not match its own manifest: ${problems.join('; ')}. Use another copy of this backup.`);
    }
    manifest = scan.inner;
  } else {
    manifest = await foreignManifest(path, scan.entries);
  }
  const enc = await sidecarEncryption(path, dec);
  if (enc) {
    try {
      await writeIndexSidecar(path, manifest, enc);
    } catch (e) {
      // A read-only store still lists: the sidecar only makes the next listing fast.
      const code = (e as NodeJS.ErrnoException).code;
      if (!['EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes(code ?? '')) throw e;
    }
  }
  return manifest;
}

async function verify(path: string, dec: Decryption, options: ReadArchiveOptions): Promise<VerifyReport> {
  const problems: string[] = [];
  let sidecar: Manifest | undefined;
  try {
    sidecar = await readIndexSidecar(path, dec);
  } catch (e) {
    if (!isAppError(e) || e.code !== 'integrity') throw e;
    problems.push(e.message);
  }
  const scan: ScanResult = { entries: [], bytes: 0 };
  try {
    await scanArchive(path, dec, options, scan);
  } catch (e) {
    if (!isAppError(e) || e.code !== 'integrity') throw e;
    problems.push(e.message);
    return { ok: false, entries: scan.entries.length, bytes: scan.bytes, problems };
  }
  if (scan.inner) problems.push(...compareWithManifest(scan.entries, scan.inner, "archive's manifest"));
  if (sidecar) problems.push(...compareWithManifest(scan.entries, sidecar, 'index sidecar'));
  if (!scan.inner && sidecar && sidecar.origin === undefined) {
    problems.push('The archive has lost its own manifest (lifeboat/manifest.json), which Lifeboat writes as its last entry: it was cut short or altered');
  }
  return { ok: problems.length === 0, entries: scan.entries.length, bytes: scan.bytes, problems: capProblems(problems) };
}

async function extractTo(
  path: string,
  dec: Decryption,
  destination: string,
  options: ExtractOptions & ReadArchiveOptions,
): Promise<ExtractResult> {
  let inner: Manifest | undefined;
  const hashes = new Map<string, string>();
  return safeExtract(contentEntries(path, dec, options, (m) => (inner = m)), destination, {
    ...options,
    onFileHashed: (p, sha) => hashes.set(p, sha),
    beforeCommit: async () => {
      if (!inner) return;
      const problems: string[] = [];
      for (const e of inner.entries) {
        const got = hashes.get(e.path);
        if (got !== undefined && e.sha256 && got !== e.sha256) problems.push(`"${e.path}": its content does not match the archive's manifest`);
      }
      if (problems.length > 0) {
        throw new AppError('integrity', `The archive is damaged: ${capProblems(problems).join('; ')}. Nothing from it was kept; use another copy of this backup.`);
      }
    },
  });
}

/** The sidecar is encrypted like the archive: same passphrase, or the public halves of the keys that opened it. */
async function sidecarEncryption(path: string, dec: Decryption): Promise<Encryption | undefined> {
  const info = await inspectEncryption(path);
  switch (info.kind) {
    case 'none':
      return { kind: 'none' };
    case 'passphrase':
      return dec.passphrase !== undefined ? { kind: 'passphrase', passphrase: dec.passphrase } : undefined;
    case 'keys': {
      const ids = new Set(info.recipients.map((r) => r.keyId));
      const all = dec.privateKeys ?? [];
      const matching = all.filter((k) => opensFor(k, ids));
      const keys = (matching.length > 0 ? matching : all).map((k) => k.toPublic());
      return keys.length > 0 ? { kind: 'keys', publicKeys: keys } : undefined;
    }
    default:
      return assertNever(info, 'encryption');
  }
}

function opensFor(key: PrivateKey, ids: ReadonlySet<string>): boolean {
  return key.getKeyIDs().some((id) => ids.has(id.toHex().toUpperCase()));
}
