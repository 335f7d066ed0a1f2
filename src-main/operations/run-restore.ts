import { AppError } from '../shared/app-error.js';
import type { Manifest } from '../shared/models/manifest.js';
import type { TargetConfig } from '../shared/models/target.js';
import type { Decryption } from '../crypto/index.js';
import { openArchive, readRecord, recordVerification, type ArchiveReader } from '../archive/index.js';
import type { ArchiveSource, LoadedPlugin, PluginRegistry, RestorePlan, RestoreResult } from '../plugin-host/index.js';
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

export interface RestorePlanOutcome {
  /** The archive's plugin, target and time, as in RestoreOutcome. */
  readonly made: RestoreOutcome['made'];
  readonly plan: RestorePlan;
}

/** What front ends say with every plan: it was made from the manifest alone. */
export const PLAN_NOT_VERIFIED_NOTE =
  'This plan was made from the archive\'s manifest only; a real restore first verifies the whole archive (integrity and every entry\'s SHA-256) and changes nothing if that fails.';

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
  await checkPluginMatches(req.archivePath, manifest, loaded);
  const archive: ArchiveSource = {
    manifest,
    entries: (o) => reader.entries({ ...o, signal: op.signal, progress: op.progress }),
    extractTo: (destination, o) => reader.extractTo(destination, { ...o, signal: op.signal, progress: op.progress }),
  };
  op.progress.report({ kind: 'phase', phase: 'restoring' });
  op.log.info(`Restoring ${req.archivePath} onto "${req.target.name}" with ${loaded.info.displayName}`);
  const result = (await withPluginContext(req.target, options, op, req.confirm, (ctx) => loaded.plugin.restore({ ...ctx, archive }))) ?? undefined;
  for (const note of result?.notes ?? []) op.log.info(note);
  return { made: madeOf(manifest), ...(result ? { result } : {}) };
}

/**
 * What `runRestore` would do, changing nothing: the plugin's plan from the archive's manifest
 * (the archive is not verified first, and no catalog record is written). `req.confirm` is
 * asked only host-key trust questions.
 */
export async function runRestorePlan(req: RestoreRequest, op: OperationContext): Promise<RestorePlanOutcome> {
  const loaded = req.registry.get(req.target.plugin);
  const planRestore = loaded.plugin.planRestore;
  if (typeof planRestore !== 'function') {
    throw new AppError(
      'usage',
      `${loaded.info.displayName} cannot show a restore plan (it has no dry run); nothing was changed. ` +
        `Read what it restores with \`lifeboat ls ARCHIVE\`, or restore without --dry-run: it asks before each step that replaces something.`,
    );
  }
  const options = validateOptions(loaded.manifest, { ...req.target.options });
  const reader = openArchive(req.archivePath, req.decryption);
  op.progress.report({ kind: 'phase', phase: 'reading the manifest' });
  const manifest = await reader.readManifest({ signal: op.signal });
  await checkPluginMatches(req.archivePath, manifest, loaded);
  const archive = planArchiveSource(reader, manifest, op);
  op.progress.report({ kind: 'phase', phase: 'planning' });
  const plan = await withPluginContext(req.target, options, op, planConfirm(req.confirm, loaded.info.displayName), (ctx) =>
    planRestore.call(loaded.plugin, { ...ctx, archive }),
  );
  return { made: madeOf(manifest), plan: checkedPlan(plan, loaded.info.displayName) };
}

/**
 * The confirm a plan runs with: trust questions (a new SSH host key) go to the operator, since
 * looking at the target may need a connection; anything else is a plugin trying to change
 * something during a dry run.
 */
export function planConfirm(confirm: Confirm, pluginName: string): Confirm {
  return async (question, options) => {
    if (options?.trust) return confirm(question, options);
    throw new AppError(
      'plugin',
      `${pluginName} asked "${question}" while making a restore plan, which must change nothing; this is a bug in the plugin. Nothing was changed.`,
    );
  };
}

/** The archive as a plan sees it: the manifest, entries to read, and no extraction. */
function planArchiveSource(reader: ArchiveReader, manifest: Manifest, op: OperationContext): ArchiveSource {
  return {
    manifest,
    entries: (o) => reader.entries({ ...o, signal: op.signal }),
    extractTo: () =>
      Promise.reject(new AppError('plugin', 'A restore plan cannot extract the archive: a dry run changes nothing. This is a bug in the plugin.')),
  };
}

/** A plugin's plan, checked for shape, since drop-ins are plain JavaScript. */
function checkedPlan(plan: unknown, pluginName: string): RestorePlan {
  const p = plan as Partial<RestorePlan> | undefined;
  const isList = (v: unknown): v is readonly string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!p || !isList(p.steps) || (p.warnings !== undefined && !isList(p.warnings))) {
    throw new AppError('plugin', `${pluginName} returned a restore plan that is not { steps: string[], warnings?: string[] }; this is a bug in the plugin.`);
  }
  return { steps: [...p.steps], ...(p.warnings?.length ? { warnings: [...p.warnings] } : {}) };
}

/** The archive must have been made by this plugin (by its manifest, else its catalog record). */
async function checkPluginMatches(archivePath: string, manifest: Manifest, loaded: LoadedPlugin): Promise<void> {
  const made = manifest.plugin.id !== 'unknown' ? manifest.plugin.id : (await readRecord(archivePath))?.plugin;
  if (made && made !== loaded.info.id) {
    throw new AppError('usage', `This archive was made by the "${made}" plugin; it cannot be restored with "${loaded.info.id}". Use --plugin ${made} or a target of that plugin.`);
  }
}

function madeOf(manifest: Manifest): RestoreOutcome['made'] {
  return { plugin: manifest.plugin, target: manifest.target.name, startedAt: manifest.startedAt };
}
