import { basename } from 'node:path';
import { inspectEncryption } from '../../crypto/index.js';
import { PLAN_NOT_VERIFIED_NOTE, runRestore, runRestorePlan, type RestorePlanOutcome } from '../../operations/index.js';
import { AppError } from '../../shared/app-error.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor } from '../secrets.js';
import { cliConfirm, targetFromArgs, targetSecrets } from '../target-from-args.js';

export const RESTORE_USAGE = `Usage: lifeboat restore ARCHIVE --target NAME [--opt key=value ...] [--yes | --dry-run]
       lifeboat restore ARCHIVE --plugin ID [--opt key=value ...] [--yes | --dry-run]
Options: --passphrase-file F | --identity KEY.asc  --json
  --dry-run  print what the restore would do (steps and warnings) and change nothing`;

/** `lifeboat restore`: verify the archive, then hand it to the target's plugin; or only plan it. */
export async function restoreCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...SECRET_OPTIONS,
      target: { type: 'string' },
      plugin: { type: 'string' },
      opt: { type: 'string', multiple: true },
      yes: { type: 'boolean', short: 'y' },
      'dry-run': { type: 'boolean' },
    },
    RESTORE_USAGE,
  );
  const path = await cli.resolveArchive(requirePositional(positionals, 0, 'the archive', RESTORE_USAGE));
  if (positionals.length > 1) throw new AppError('usage', `Restore one archive at a time.\n${RESTORE_USAGE}`);
  const dryRun = values['dry-run'] === true;
  const target = await targetFromArgs(cli, { target: values.target, plugin: values.plugin, opt: values.opt }, RESTORE_USAGE);
  const decryption = await decryptionFor(await inspectEncryption(path), secretFlags(values), cli.term, basename(path));
  const registry = await cli.registry();
  const secrets = [...(decryption.passphrase ? [decryption.passphrase] : []), ...(await targetSecrets(cli, target))];
  // A plan asks only trust questions (a new host key), which --yes never answers: it is harmless there.
  const confirm = cliConfirm(cli, values.yes === true);
  const request = { registry, target, archivePath: path, decryption, confirm };

  if (dryRun) {
    const outcome = await runCliJob(cli, {
      kind: 'restore',
      target: target.name,
      title: `Restore plan for ${basename(path)} onto ${target.name} (dry run)`,
      secrets,
      run: (job) => runRestorePlan(request, job),
    });
    if (cli.json) cli.term.out(JSON.stringify({ archive: path, target: target.name, plan: outcome.plan }, null, 2) + '\n');
    else cli.term.out(formatPlan(basename(path), target.name, outcome));
    return 0;
  }

  const outcome = await runCliJob(cli, {
    kind: 'restore',
    target: target.name,
    title: `Restore ${basename(path)} onto ${target.name}`,
    secrets,
    run: (job) => runRestore(request, job),
  });
  if (cli.json) cli.term.out(JSON.stringify({ archive: path, target: target.name, result: outcome.result ?? null }, null, 2) + '\n');
  else cli.term.write(`Restored ${basename(path)} onto "${target.name}".\n`);
  return 0;
}

/** The plan as an operator reads it: numbered steps, then the warnings, marked. */
export function formatPlan(archive: string, target: string, outcome: RestorePlanOutcome): string {
  const lines = [`Restore plan for ${archive} onto ${target} (nothing was changed):`, ''];
  const width = String(outcome.plan.steps.length).length;
  outcome.plan.steps.forEach((step, i) => lines.push(`  ${String(i + 1).padStart(width)}. ${step}`));
  if (outcome.plan.steps.length === 0) lines.push('  (the plugin named no steps)');
  const warnings = outcome.plan.warnings ?? [];
  if (warnings.length) {
    lines.push('', `WARNINGS (${warnings.length}), read before restoring:`);
    for (const w of warnings) lines.push(`  ! ${w}`);
  }
  lines.push('', PLAN_NOT_VERIFIED_NOTE, 'To restore: run the same command without --dry-run.');
  return lines.join('\n') + '\n';
}
