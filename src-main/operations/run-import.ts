import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../shared/app-error.js';
import type { ArchiveInfo } from '../shared/models/archive.js';
import type { Decryption } from '../crypto/index.js';
import { inspectEncryption } from '../crypto/index.js';
import {
  archiveFileName,
  claimArchivePath,
  describeArchive,
  indexPathFor,
  openArchive,
  openStore,
  writeRecord,
} from '../archive/index.js';
import { fsyncDir } from '../archive/write-file-atomic.js';
import { TARGET_NAME_PATTERN } from '../config/index.js';
import { detectOrigin } from './detect-origin.js';
import type { OperationContext } from './operation-context.js';

export interface ImportRequest {
  readonly file: string;
  readonly store: string;
  readonly decryption: Decryption;
  /** Target name to file it under; default: what made it (btcpay, juju-state, juju-client). */
  readonly target?: string;
}

/** The hidden name an import is checked under before it is listed. */
export const IMPORTING_PREFIX = '.importing-';

/**
 * Adds a foreign archive (BTCPay's `backup.tar.gz[.gpg]`, Juju's `juju-backup-*.tgz`, a tar of
 * `~/.juju`, or another Lifeboat store's archive) to the store. It is copied, read end to end
 * (integrity, SHA-256 of every entry into a new index), and only then listed.
 */
export async function runImport(req: ImportRequest, op: OperationContext): Promise<ArchiveInfo> {
  const st = await stat(req.file).catch(() => undefined);
  if (!st?.isFile()) throw new AppError('not-found', `${req.file} is not a file. Give the path of a backup archive.`);
  if (req.target && !TARGET_NAME_PATTERN.test(req.target)) throw new AppError('usage', `"${req.target}" is not a valid target name.`);
  const encryption = await inspectEncryption(req.file);
  const encrypted = encryption.kind !== 'none';
  await openStore(req.store);

  const temp = join(req.store, `${IMPORTING_PREFIX}${randomBytes(6).toString('hex')}${encrypted ? '.tar.gz.gpg' : '.tar.gz'}`);
  const release = await claimArchivePath(temp);
  try {
    op.progress.report({ kind: 'phase', phase: 'copying', bytesTotal: st.size });
    await copyFile(req.file, temp);
    op.progress.report({ kind: 'phase', phase: 'reading and indexing' });
    const manifest = await openArchive(temp, req.decryption).readManifest({ signal: op.signal, progress: op.progress });
    const origin = detectOrigin(manifest, basename(req.file));
    const fromName = basename(req.file).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/(\.tar\.gz|\.tgz|\.gpg)+$/, '');
    const target = req.target ?? origin?.target ?? (fromName || 'imported');
    const date = origin?.date ?? st.mtime;
    let final = join(req.store, archiveFileName(target, date, encrypted));
    for (let i = 1; await stat(final).then(() => true, () => false); i++) {
      final = join(req.store, archiveFileName(target, new Date(date.getTime() + i * 1000), encrypted));
    }
    await writeRecord(final, {
      formatVersion: 1,
      target,
      ...(origin?.plugin ? { plugin: origin.plugin } : {}),
      createdAt: date.toISOString(),
      encryption,
      origin: origin?.origin ?? `imported from ${basename(req.file)}`,
      verifications: [{ at: new Date().toISOString(), ok: true, message: `OK at import: ${manifest.totals.entries} entries`, entries: manifest.totals.entries }],
    });
    await rename(indexPathFor(temp), indexPathFor(final));
    await rename(temp, final);
    await fsyncDir(req.store);
    op.log.info(`Imported ${req.file} as ${final} (${origin?.origin ?? 'unrecognised layout'})`);
    return await describeArchive(final);
  } catch (e) {
    await rm(temp, { force: true });
    await rm(indexPathFor(temp), { force: true });
    throw e;
  } finally {
    await release();
  }
}
