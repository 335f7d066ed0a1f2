import { basename } from 'node:path';
import { inspectEncryption } from '../../crypto/index.js';
import { runVerify } from '../../operations/index.js';
import { parse, SECRET_OPTIONS, secretFlags, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { formatBytes } from '../format.js';
import { runCliJob } from '../run-job.js';
import { decryptionFor } from '../secrets.js';
import { EXIT_VERIFY } from '../exit-codes.js';

export const VERIFY_USAGE = `Usage: lifeboat verify ARCHIVE [--deep] [--json] [--passphrase-file F | --identity KEY.asc]
  --deep  also let the archive's plugin test-restore it into something throwaway on this
          machine (slow; e.g. load a database dump into a temporary container). Verify
          never connects to the target.`;

/** `lifeboat verify`: exit 0 when the archive is intact, 3 when it is not. */
export async function verifyCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...SECRET_OPTIONS, deep: { type: 'boolean' } }, VERIFY_USAGE);
  const deep = values.deep === true;
  const path = await cli.resolveArchive(requirePositional(positionals, 0, 'the archive', VERIFY_USAGE));
  const decryption = await decryptionFor(await inspectEncryption(path), secretFlags(values), cli.term, basename(path));
  const registry = await cli.registry();
  const report = await runCliJob(cli, {
    kind: 'verify',
    target: basename(path),
    title: `${deep ? 'Deep verify' : 'Verify'} ${basename(path)}`,
    ...(decryption.passphrase ? { secrets: [decryption.passphrase] } : {}),
    run: (job) => runVerify({ archivePath: path, decryption, registry, deep }, job),
  });
  if (cli.json) cli.term.out(JSON.stringify(report, null, 2) + '\n');
  else if (report.ok) cli.term.write(`OK: ${basename(path)} is intact (${report.entries} entries, ${formatBytes(report.bytes)} checked).\n`);
  else {
    cli.term.write(`FAILED: ${basename(path)} did not verify:\n${report.problems.map((p) => `  - ${p}`).join('\n')}\nDo not restore from it; use another archive.\n`);
  }
  return report.ok ? 0 : EXIT_VERIFY;
}
