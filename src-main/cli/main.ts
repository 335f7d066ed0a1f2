import { AppError, errorMessage, isAppError } from '../shared/app-error.js';
import { LIFEBOAT_VERSION } from '../shared/version.js';
import { createCliContext } from './cli-context.js';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { archivesCommand, lsCommand } from './commands/archives.js';
import { backupCommand } from './commands/backup.js';
import { extractCommand } from './commands/extract.js';
import { importCommand } from './commands/import.js';
import { pluginsCommand } from './commands/plugins.js';
import { probeCommand } from './commands/probe.js';
import { restoreCommand } from './commands/restore.js';
import { serveCommand } from './commands/serve.js';
import { targetsCommand } from './commands/targets.js';
import { verifyCommand } from './commands/verify.js';

const USAGE = `lifeboat ${LIFEBOAT_VERSION}: backup and restore for Juju, Bitnobi and BTCPay Server

Usage: lifeboat COMMAND [options]

  plugins [--json]                         plugins found, enabled or disabled with the reason
  targets list|add|remove                  targets in config.yaml
  probe TARGET | --plugin ID --opt k=v     is it reachable and running? (changes nothing)
  backup TARGET | --plugin ID --opt k=v    back up into a new encrypted archive
  archives [--json]                        archives in the store
  ls ARCHIVE [--json]                      entries of an archive
  extract ARCHIVE [PATH...] --to DIR       extract all or chosen paths
  verify ARCHIVE [--deep]                  check integrity and every entry's SHA-256
                                           (--deep: and a plugin's test restore, locally)
  restore ARCHIVE --target NAME | --plugin ID [--yes | --dry-run]
                                           (--dry-run: print the plan, change nothing)
  import FILE                              add an archive made by the targets' own tools
  serve [--port N] [--host ADDR]           the window in a browser (prints a URL with a token;
                                           listens on 127.0.0.1 unless --host says otherwise;
                                           --token-file F keeps the token across restarts)

Secrets: --passphrase-file F, or LIFEBOAT_PASSPHRASE, or a prompt on a terminal;
         --recipient KEY.asc (encrypt to public keys), --identity KEY.asc (decrypt).
Files:   --store DIR or LIFEBOAT_STORE; --config FILE or LIFEBOAT_CONFIG.
Exit:    0 ok, 1 failed, 2 usage or config error, 3 verification failed, 130 canceled.
`;

function globalFlags(argv: readonly string[]): { json: boolean; store?: string; config?: string } {
  const out: { json: boolean; store?: string; config?: string } = { json: argv.includes('--json') };
  for (const name of ['store', 'config'] as const) {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i >= 0) {
      const a = argv[i]!;
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
      if (v) out[name] = v;
    }
  }
  return out;
}

/** Runs one `lifeboat` invocation and returns its exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : EXIT_USAGE;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${LIFEBOAT_VERSION}\n`);
    return 0;
  }
  const cli = createCliContext(globalFlags(rest));
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(USAGE);
      return 0;
    }
    switch (command) {
      case 'plugins':
        return await pluginsCommand(cli);
      case 'targets':
        return await targetsCommand(cli, rest);
      case 'probe':
        return await probeCommand(cli, rest);
      case 'backup':
        return await backupCommand(cli, rest);
      case 'archives':
        return await archivesCommand(cli, rest);
      case 'ls':
        return await lsCommand(cli, rest);
      case 'extract':
        return await extractCommand(cli, rest);
      case 'verify':
        return await verifyCommand(cli, rest);
      case 'restore':
        return await restoreCommand(cli, rest);
      case 'import':
        return await importCommand(cli, rest);
      case 'serve':
        return await serveCommand(cli, rest);
      default:
        throw new AppError('usage', `Unknown command "${command}". Run \`lifeboat --help\`.`);
    }
  } catch (e) {
    report(e);
    return exitCodeFor(e);
  }
}

function report(e: unknown): void {
  if (isAppError(e)) {
    process.stderr.write(`lifeboat: ${e.message}\n`);
    if (process.env.LIFEBOAT_DEBUG && e.cause) process.stderr.write(`cause: ${String((e.cause as Error).stack ?? e.cause)}\n`);
    return;
  }
  process.stderr.write(`lifeboat: unexpected error (a bug, please report it): ${errorMessage(e)}\n`);
  if (e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
}
