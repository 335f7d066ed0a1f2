import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../shared/app-error.js';
import type { ArchiveInfo } from '../shared/models/archive.js';
import type { Manifest } from '../shared/models/manifest.js';
import type { TargetConfig } from '../shared/models/target.js';
import { LIFEBOAT_VERSION } from '../shared/version.js';
import type { Encryption } from '../crypto/index.js';
import { describeRecipients } from '../crypto/index.js';
import { archiveFileName, claimArchivePath, createArchiveWriter, describeArchive, openStore, recordPathFor, writeRecord } from '../archive/index.js';
import type { BackupResult, PluginRegistry } from '../plugin-host/index.js';
import { redactOptions, validateOptions } from '../plugin-host/index.js';
import { withPluginContext, type Confirm, type OperationContext } from './operation-context.js';

export interface BackupRequest {
  readonly registry: PluginRegistry;
  readonly target: TargetConfig;
  readonly store: string;
  readonly encryption: Encryption;
  readonly confirm: Confirm;
  readonly now?: () => Date;
}

/** What a backup made. The manifest itself stays in the archive and its index: a job's result is kept and copied, and a manifest of a million entries is not small. */
export interface BackupOutcome {
  readonly archive: ArchiveInfo;
  readonly totals: Manifest['totals'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly result?: BackupResult;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A free archive path for this target: the next second when two backups start in the same one. */
async function freeArchivePath(store: string, target: string, start: Date, encrypted: boolean): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const path = join(store, archiveFileName(target, new Date(start.getTime() + i * 1000), encrypted));
    if (!(await exists(path)) && !(await exists(path + '.partial'))) return path;
  }
  throw new AppError('io', `Too many archives for "${target}" in the same minute in ${store}.`);
}

/**
 * Backs up one target into a new archive in the store. The archive appears in the store
 * only complete (written, fsynced, renamed); on failure or cancel nothing is left.
 */
export async function runBackup(req: BackupRequest, op: OperationContext): Promise<BackupOutcome> {
  const loaded = req.registry.get(req.target.plugin);
  const schema = loaded.manifest.options;
  const options = validateOptions(loaded.manifest, { ...req.target.options });
  await openStore(req.store);
  const startedAt = (req.now ?? (() => new Date()))();
  const encrypted = req.encryption.kind !== 'none';
  const path = await freeArchivePath(req.store, req.target.name, startedAt, encrypted);
  const release = await claimArchivePath(path);
  op.log.info(`Backing up "${req.target.name}" with the ${loaded.info.displayName} plugin ${loaded.info.version} into ${path}`);
  try {
    await writeRecord(path, {
      formatVersion: 1,
      target: req.target.name,
      plugin: loaded.info.id,
      createdAt: startedAt.toISOString(),
      encryption:
        req.encryption.kind === 'keys'
          ? { kind: 'keys', recipients: describeRecipients(req.encryption.publicKeys) }
          : { kind: req.encryption.kind },
      verifications: [],
    });
    const writer = await createArchiveWriter(path, { encryption: req.encryption, signal: op.signal, progress: op.progress, log: op.log });
    let result: BackupResult | undefined;
    let written;
    try {
      op.progress.report({ kind: 'phase', phase: 'backing up' });
      result = (await withPluginContext(req.target, options, op, req.confirm, (ctx) => loaded.plugin.backup({ ...ctx, archive: writer }))) ?? undefined;
      if (op.signal.aborted) throw new AppError('canceled', 'Backup canceled; no archive was kept.');
      op.progress.report({ kind: 'phase', phase: 'finishing' });
      written = await writer.finish({
        tool: { name: 'lifeboat', version: LIFEBOAT_VERSION },
        plugin: { id: loaded.info.id, version: loaded.info.version },
        target: { name: req.target.name, options: redactOptions(schema, options) },
        startedAt: startedAt.toISOString(),
      });
    } catch (e) {
      await writer.abort();
      throw e;
    }
    op.log.info(`Archive written: ${written.path} (${written.size} bytes, ${written.manifest.totals.entries} entries)`);
    for (const note of result?.notes ?? []) op.log.info(note);
    const { totals, startedAt: started, finishedAt } = written.manifest;
    return { archive: await describeArchive(written.path), totals, startedAt: started, finishedAt, ...(result ? { result } : {}) };
  } catch (e) {
    await rm(recordPathFor(path), { force: true });
    if (op.signal.aborted && !(e instanceof AppError && e.code === 'canceled')) {
      throw new AppError('canceled', 'Backup canceled; no archive was kept.', { cause: e });
    }
    throw e;
  } finally {
    await release();
  }
}
