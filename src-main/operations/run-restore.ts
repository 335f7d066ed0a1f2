import { AppError } from '../shared/app-error.js';
import type { Manifest } from '../shared/models/manifest.js';
import type { TargetConfig } from '../shared/models/target.js';
import type { Decryption } from '../crypto/index.js';
import { openArchive, readRecord, recordVerification } from '../archive/index.js';
import type { ArchiveSource, PluginRegistry, RestoreResult } from '../plugin-host/index.js';
import { validateOptions } from '../plugin-host/index.js';
import { withPluginContext, type Confirm, type OperationContext } from './operation-context.js';

export interface RestoreRequest {
  readonly registry: PluginRegistry;
  readonly target: TargetConfig;
  readonly archivePath: string;
  readonly decryption: Decryption;
  readonly confirm: Confirm;
}

export interface RestoreOutcome {
  /** The archive's plugin, target and time, without its entries (see BackupOutcome). */
  readonly made: { readonly plugin: Manifest['plugin']; readonly target: string; readonly startedAt: string };
  readonly result?: RestoreResult;
}

/**
 * Restores an archive onto a target through its plugin. The whole archive is verified
 * first, so the plugin never starts changing the target from a damaged archive.
 */
export async function runRestore(req: RestoreRequest, op: OperationContext): Promise<RestoreOutcome> {
  const loaded = req.registry.get(req.target.plugin);
  const options = validateOptions(loaded.manifest, { ...req.target.options });
  const reader = openArchive(req.archivePath, req.decryption);

  op.progress.report({ kind: 'phase', phase: 'verifying archive' });
  const report = await reader.verify({ signal: op.signal, progress: op.progress });
  await recordVerification(req.archivePath, {
    at: new Date().toISOString(),
    ok: report.ok,
    message: report.ok ? `OK before restore: ${report.entries} entries` : report.problems.join('; '),
    entries: report.entries,
  });
  if (!report.ok) {
    throw new AppError('integrity', `The archive failed verification, so nothing was restored: ${report.problems.join('; ')}`);
  }
  const manifest = await reader.readManifest({ signal: op.signal });
  const made = manifest.plugin.id !== 'unknown' ? manifest.plugin.id : (await readRecord(req.archivePath))?.plugin;
  if (made && made !== loaded.info.id) {
    throw new AppError('usage', `This archive was made by the "${made}" plugin; it cannot be restored with "${loaded.info.id}". Use --plugin ${made} or a target of that plugin.`);
  }
  const archive: ArchiveSource = {
    manifest,
    entries: (o) => reader.entries({ ...o, signal: op.signal, progress: op.progress }),
    extractTo: (destination, o) => reader.extractTo(destination, { ...o, signal: op.signal, progress: op.progress }),
  };
  op.progress.report({ kind: 'phase', phase: 'restoring' });
  op.log.info(`Restoring ${req.archivePath} onto "${req.target.name}" with ${loaded.info.displayName}`);
  const result = (await withPluginContext(req.target, options, op, req.confirm, (ctx) => loaded.plugin.restore({ ...ctx, archive }))) ?? undefined;
  for (const note of result?.notes ?? []) op.log.info(note);
  return { made: { plugin: manifest.plugin, target: manifest.target.name, startedAt: manifest.startedAt }, ...(result ? { result } : {}) };
}
