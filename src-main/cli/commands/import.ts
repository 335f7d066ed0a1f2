import { basename, resolve } from 'node:path';
import { inspectEncryption } from '../../crypto/index.js';
import { runImport } from '../../operations/index.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { archiveRow, table } from '../format.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor } from '../secrets.js';

export const IMPORT_USAGE = `Usage: lifeboat import FILE [--target NAME] [--passphrase-file F | --identity KEY.asc] [--json]
Accepts BTCPay's backup.tar.gz[.gpg], Juju's juju-backup-*.tgz/.tar.gz, a .tar.gz of ~/.juju, and Lifeboat archives.`;

/** `lifeboat import`: copy a foreign archive into the store, checked and indexed. */
export async function importCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SECRET_OPTIONS, target: { type: 'string' } }, IMPORT_USAGE);
  const file = resolve(requirePositional(positionals, 0, 'the file to import', IMPORT_USAGE));
  const decryption = await decryptionFor(await inspectEncryption(file), secretFlags(values), cli.term, basename(file));
  const store = await cli.store();
  const info = await runCliJob(cli, {
    kind: 'import',
    target: values.target ?? basename(file),
    title: `Import ${basename(file)}`,
    ...(decryption.passphrase ? { secrets: [decryption.passphrase] } : {}),
    run: (job) => runImport({ file, store, decryption, ...(values.target ? { target: values.target } : {}) }, job),
  });
  if (cli.json) cli.term.out(JSON.stringify(info, null, 2) + '\n');
  else {
    cli.term.write(`Imported as ${info.fileName}${info.origin ? ` (${info.origin})` : ''}.\n`);
    cli.term.out(table([archiveRow(info)]));
  }
  return 0;
}
