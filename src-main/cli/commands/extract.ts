import { basename, resolve } from 'node:path';
import { openArchive } from '../../archive/index.js';
import { inspectEncryption } from '../../crypto/index.js';
import { AppError } from '../../shared/app-error.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes } from '../format.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor } from '../secrets.js';

export const EXTRACT_USAGE = 'Usage: lifeboat extract ARCHIVE [PATH ...] --to DIR [--passphrase-file F | --identity KEY.asc]';

/** `lifeboat extract`: all or chosen paths, staged and moved into DIR only when the archive checked out. */
export async function extractCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SECRET_OPTIONS, to: { type: 'string' } }, EXTRACT_USAGE);
  const path = await cli.resolveArchive(requirePositional(positionals, 0, 'the archive', EXTRACT_USAGE));
  if (!values.to) throw new AppError('usage', `--to DIR is required.\n${EXTRACT_USAGE}`);
  const to = resolve(values.to);
  const paths = positionals.slice(1);
  const flags = secretFlags(values);
  const decryption = await decryptionFor(await inspectEncryption(path), flags, cli.term, basename(path));
  const result = await runCliJob(cli, {
    kind: 'extract',
    target: basename(path),
    title: `Extract ${basename(path)}`,
    ...(decryption.passphrase ? { secrets: [decryption.passphrase] } : {}),
    run: (job) => openArchive(path, decryption).extractTo(to, { ...(paths.length ? { paths } : {}), signal: job.signal, progress: job.progress }),
  });
  if (cli.json) cli.term.out(JSON.stringify(result, null, 2) + '\n');
  else cli.term.write(`Extracted ${result.files} files, ${formatBytes(result.bytes)} into ${result.destination}\n`);
  return 0;
}
