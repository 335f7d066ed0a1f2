import { basename } from 'node:path';
import { inspectEncryption } from '../../crypto/index.js';
import { runRestore } from '../../operations/index.js';
import { AppError } from '../../shared/app-error.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor } from '../secrets.js';
import { cliConfirm, targetFromArgs, targetSecrets } from '../target-from-args.js';

export const RESTORE_USAGE = `Usage: lifeboat restore ARCHIVE --target NAME [--opt key=value ...] [--yes]
       lifeboat restore ARCHIVE --plugin ID [--opt key=value ...] [--yes]
Options: --passphrase-file F | --identity KEY.asc  --json`;

/** `lifeboat restore`: verify the archive, then hand it to the target's plugin. */
export async function restoreCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...SECRET_OPTIONS, target: { type: 'string' }, plugin: { type: 'string' }, opt: { type: 'string', multiple: true }, yes: { type: 'boolean', short: 'y' } },
    RESTORE_USAGE,
  );
  const path = await cli.resolveArchive(requirePositional(positionals, 0, 'the archive', RESTORE_USAGE));
  if (positionals.length > 1) throw new AppError('usage', `Restore one archive at a time.\n${RESTORE_USAGE}`);
  const target = await targetFromArgs(cli, { target: values.target, plugin: values.plugin, opt: values.opt }, RESTORE_USAGE);
  const decryption = await decryptionFor(await inspectEncryption(path), secretFlags(values), cli.term, basename(path));
  const registry = await cli.registry();
  const outcome = await runCliJob(cli, {
    kind: 'restore',
    target: target.name,
    title: `Restore ${basename(path)} onto ${target.name}`,
    secrets: [...(decryption.passphrase ? [decryption.passphrase] : []), ...(await targetSecrets(cli, target))],
    run: (job) => runRestore({ registry, target, archivePath: path, decryption, confirm: cliConfirm(cli, values.yes === true) }, job),
  });
  if (cli.json) cli.term.out(JSON.stringify({ archive: path, target: target.name, result: outcome.result ?? null }, null, 2) + '\n');
  else cli.term.write(`Restored ${basename(path)} onto "${target.name}".\n`);
  return 0;
}
