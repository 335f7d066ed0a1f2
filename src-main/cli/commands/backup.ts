import { inspectEncryption } from '../../crypto/index.js';
import { runBackup, runVerify } from '../../operations/index.js';
import { AppError } from '../../shared/app-error.js';
import { parse, SECRET_OPTIONS, secretFlags } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes, formatDuration } from '../format.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor, encryptionFor } from '../secrets.js';
import { cliConfirm, targetFromArgs, targetSecrets } from '../target-from-args.js';

export const BACKUP_USAGE = `Usage: lifeboat backup TARGET [options]
       lifeboat backup --plugin ID [--name NAME] [--opt key=value ...] [options]
Options: --passphrase-file F | --recipient KEY.asc ... | --no-encrypt
         --verify (read the new archive back and check it)  --yes  --json  --store DIR`;

/** `lifeboat backup`: one target into a new archive in the store. */
export async function backupCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...SECRET_OPTIONS,
      plugin: { type: 'string' },
      name: { type: 'string' },
      opt: { type: 'string', multiple: true },
      'no-encrypt': { type: 'boolean' },
      verify: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
    },
    BACKUP_USAGE,
  );
  if (positionals.length > 1) throw new AppError('usage', `Back up one target at a time.\n${BACKUP_USAGE}`);
  const target = await targetFromArgs(cli, { target: positionals[0], plugin: values.plugin, opt: values.opt, name: values.name }, BACKUP_USAGE);
  const flags = secretFlags(values);
  if (values.verify && flags.recipients?.length && !flags.identities?.length) {
    throw new AppError('usage', '--verify of an archive encrypted to public keys needs --identity with a matching private key.');
  }
  const encryption = await encryptionFor(flags, cli.term);
  const [registry, store] = await Promise.all([cli.registry(), cli.store()]);
  const secrets = [...(encryption.kind === 'passphrase' ? [encryption.passphrase] : []), ...(await targetSecrets(cli, target))];
  const outcome = await runCliJob(cli, {
    kind: 'backup',
    target: target.name,
    title: `Back up ${target.name}`,
    secrets,
    run: (job) => runBackup({ registry, target, store, encryption, confirm: cliConfirm(cli, values.yes === true) }, job),
  });
  let verified: boolean | undefined;
  if (values.verify) {
    const decryption = await decryptionFor(await inspectEncryption(outcome.archive.path), flags, cli.term, outcome.archive.fileName);
    const report = await runCliJob(cli, {
      kind: 'verify',
      target: target.name,
      title: `Verify ${outcome.archive.fileName}`,
      secrets,
      run: (job) => runVerify({ archivePath: outcome.archive.path, decryption, registry }, job),
    });
    verified = report.ok;
    if (!report.ok) throw new AppError('integrity', `The new archive failed verification: ${report.problems.join('; ')}`);
  }
  const m = outcome;
  const seconds = (Date.parse(m.finishedAt) - Date.parse(m.startedAt)) / 1000;
  if (cli.json) {
    cli.term.out(JSON.stringify({ archive: outcome.archive.path, info: outcome.archive, entries: m.totals.entries, bytes: m.totals.bytes, seconds, verified, result: outcome.result ?? null }, null, 2) + '\n');
  } else {
    cli.term.write(`Backed up ${m.totals.files} file${m.totals.files === 1 ? '' : 's'}, ${formatBytes(m.totals.bytes)} in ${formatDuration(seconds)} → ${formatBytes(outcome.archive.size)}${verified ? ', verified' : ''}\n`);
    if (outcome.result?.downtimeSeconds !== undefined) cli.term.write(`Downtime: ${formatDuration(outcome.result.downtimeSeconds)}\n`);
    cli.term.out(outcome.archive.path + '\n');
  }
  return 0;
}
