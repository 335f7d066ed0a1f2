import { basename, resolve } from 'node:path';
import { exportTar, openArchive } from '../../archive/index.js';
import { inspectEncryption } from '../../crypto/index.js';
import { AppError } from '../../shared/app-error.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes } from '../format.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor } from '../secrets.js';

export const EXTRACT_USAGE =
  'Usage: lifeboat extract ARCHIVE [PATH ...] --to DIR | --tar FILE[.gz|.tgz] [--passphrase-file F | --identity KEY.asc]';

/** `lifeboat extract`: all or chosen paths, staged and moved into DIR only when the archive checked out. */
export async function extractCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SECRET_OPTIONS, to: { type: 'string' }, tar: { type: 'string' } }, EXTRACT_USAGE);
  const path = await cli.resolveArchive(requirePositional(positionals, 0, 'the archive', EXTRACT_USAGE));
  if (values.tar !== undefined) {
    if (values.to !== undefined || positionals.length > 1) throw new AppError('usage', `--tar writes the whole content as one file: give no PATH and no --to with it.\n${EXTRACT_USAGE}`);
    return extractAsTar(cli, path, resolve(values.tar), secretFlags(values));
  }
  if (!values.to) throw new AppError('usage', `--to DIR (or --tar FILE) is required.\n${EXTRACT_USAGE}`);
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

/**
 * `lifeboat extract ARCHIVE --tar FILE`: the content without `lifeboat/`, as the target's own
 * tools made it (e.g. `juju-backup-20261122-031500.tar.gz`), and its SHA-1 in base64.
 */
async function extractAsTar(cli: CliContext, path: string, file: string, flags: ReturnType<typeof secretFlags>): Promise<number> {
  const decryption = await decryptionFor(await inspectEncryption(path), flags, cli.term, basename(path));
  const result = await runCliJob(cli, {
    kind: 'extract',
    target: basename(path),
    title: `Extract ${basename(path)} as ${basename(file)}`,
    ...(decryption.passphrase ? { secrets: [decryption.passphrase] } : {}),
    run: (job) => exportTar(openArchive(path, decryption), file, { signal: job.signal, progress: job.progress }),
  });
  if (cli.json) cli.term.out(JSON.stringify(result, null, 2) + '\n');
  else cli.term.write(`Wrote ${result.path}: ${result.entries} entries, ${formatBytes(result.bytes)}${result.gzip ? ' (gzip)' : ''}\nSHA-1 (base64): ${result.sha1Base64}\n`);
  return 0;
}
