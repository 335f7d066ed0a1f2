import type { Decryption } from '../crypto/index.js';
import { openArchive, readRecord, recordVerification, type VerifyReport } from '../archive/index.js';
import type { PluginRegistry } from '../plugin-host/index.js';
import { withPluginContext, type OperationContext } from './operation-context.js';
import { formatBytes } from '../shared/format-bytes.js';

export interface VerifyRequest {
  readonly archivePath: string;
  readonly decryption: Decryption;
  /** When given, the archive's plugin may add its own checks. */
  readonly registry?: PluginRegistry;
  /**
   * `verify --deep`: the plugin may also do a slow test restore into something throwaway on
   * this machine (VerifyContext.deep). Default false.
   */
  readonly deep?: boolean;
}

/**
 * Checks an archive end to end: OpenPGP integrity, and every entry's SHA-256 against the
 * manifest and the index; then the plugin's own checks, which never reach the target
 * (its connections are built without the `ssh` option). The result is recorded in the
 * catalog either way.
 */
export async function runVerify(req: VerifyRequest, op: OperationContext): Promise<VerifyReport> {
  op.progress.report({ kind: 'phase', phase: 'verifying' });
  const reader = openArchive(req.archivePath, req.decryption);
  const report = await reader.verify({ signal: op.signal, progress: op.progress });
  const problems = [...report.problems];
  const record = await readRecord(req.archivePath);
  const plugin = record?.plugin && req.registry ? req.registry.list().find((p) => p.id === record.plugin && p.status === 'enabled') : undefined;
  const deep = req.deep === true;
  if (report.ok && plugin?.id && req.registry) {
    const loaded = req.registry.get(plugin.id);
    if (!loaded.plugin.verify && deep) {
      op.log.warn(`${loaded.info.displayName} has no checks of its own, so a deep verify checked only the archive's integrity and every entry's SHA-256.`);
    }
    if (loaded.plugin.verify) {
      op.progress.report({ kind: 'phase', phase: `checking with ${loaded.info.displayName}` });
      const manifest = await reader.readManifest({ signal: op.signal });
      const target = { name: manifest.target.name, plugin: plugin.id, options: manifest.target.options };
      const verify = loaded.plugin.verify.bind(loaded.plugin);
      const extra = await withPluginContext(
        target,
        { ...manifest.target.options },
        op,
        async () => false,
        (ctx) =>
          verify({
            ...ctx,
            deep,
            archive: {
              manifest,
              entries: (o) => reader.entries({ ...o, signal: op.signal }),
              extractTo: (d, o) => reader.extractTo(d, { ...o, signal: op.signal }),
            },
          }),
        'verify',
      );
      problems.push(...extra.problems);
    }
  }
  const ok = report.ok && problems.length === report.problems.length;
  const message = ok ? `OK: ${report.entries} entries, ${formatBytes(report.bytes)} checked` : problems.join('; ');
  await recordVerification(req.archivePath, { at: new Date().toISOString(), ok, message, entries: report.entries });
  (ok ? op.log.info : op.log.error)(message);
  return { ...report, ok, problems };
}
