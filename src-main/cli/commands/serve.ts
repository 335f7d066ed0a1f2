import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { passphraseFromEnv } from '../../config/index.js';
import { defaultUserPluginsDir } from '../../plugin-host/index.js';
import { startServer } from '../../server/index.js';
import { createAppService, envSecretSource, type SecretSource } from '../../service/index.js';
import { AppError } from '../../shared/app-error.js';
import { LIFEBOAT_VERSION } from '../../shared/version.js';
import { parse } from '../args.js';
import { builtinPluginsDir, type CliContext } from '../cli-context.js';

export const SERVE_USAGE = 'Usage: lifeboat serve [--port N] [--host ADDR] [--passphrase-file F] [--token-file F] [--store DIR] [--config FILE]';

/** The built window: out/renderer, next to this bundle's out/cli (LIFEBOAT_RENDERER_DIR overrides). */
function rendererDir(): string {
  return process.env.LIFEBOAT_RENDERER_DIR || fileURLToPath(new URL('../renderer', import.meta.url));
}

/**
 * `lifeboat serve`: the window in a browser, for hosts with no display. Prints the URL with
 * its token and runs until Ctrl-C or SIGTERM, which cancel running jobs cleanly first.
 */
export async function serveCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values } = parse(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, 'passphrase-file': { type: 'string' }, 'token-file': { type: 'string' } },
    SERVE_USAGE,
  );
  const port = parsePort(values.port);
  const host = values.host ?? '127.0.0.1';
  const dir = rendererDir();
  if (!existsSync(`${dir}/index.html`)) {
    throw new AppError('config', `The window is not built (no ${dir}/index.html). Run \`npm run build\` in the Lifeboat folder.`);
  }
  const secrets = await secretSource(values['passphrase-file']);

  const service = await createAppService({
    store: await cli.store(),
    pluginsDirs: { builtin: builtinPluginsDir(), user: defaultUserPluginsDir() },
    configPath: cli.configPath,
    version: LIFEBOAT_VERSION,
    secrets: secrets ?? envSecretSource({}),
  });
  let server;
  try {
    server = await startServer({ service, rendererDir: dir, host, port, tokenFile: values['token-file'] });
  } catch (e) {
    await service.close();
    throw e;
  }

  if (!isLoopback(host)) {
    cli.term.write(
      `\nWARNING: listening on ${host}, not only on this machine. Anyone who can reach this port and\n` +
        'learns the URL can read your archives and run backups and restores. The traffic is plain\n' +
        'HTTP: use it only on a network you trust, or keep the default and use an SSH tunnel\n' +
        '(ssh -L PORT:127.0.0.1:PORT this-host).\n\n',
    );
  }
  if (!secrets) {
    cli.term.write('No passphrase given: jobs that need one will fail. Set LIFEBOAT_PASSPHRASE or pass --passphrase-file F.\n');
  }
  cli.term.write('Lifeboat is served at this URL (it carries the access token; keep it private):\n');
  cli.term.out(`${server.url}\n`);
  cli.term.write('Press Ctrl-C to stop.\n');

  await nextStopSignal(cli);
  await server.close();
  await service.close();
  cli.term.write('Stopped.\n');
  return 0;
}

/**
 * --passphrase-file first, then LIFEBOAT_PASSPHRASE or LIFEBOAT_PASSPHRASE_FILE, as the other
 * commands read them; undefined when there is none. A file is read once now, so a mistake in
 * its name fails here rather than in the first job.
 */
async function secretSource(passphraseFile: string | undefined): Promise<SecretSource | undefined> {
  if (passphraseFile) {
    const env = { LIFEBOAT_PASSPHRASE_FILE: passphraseFile };
    await passphraseFromEnv(env);
    return envSecretSource(env);
  }
  if (!(await passphraseFromEnv())) return undefined;
  return envSecretSource();
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new AppError('usage', `--port must be a number from 0 to 65535, got "${raw}".\n${SERVE_USAGE}`);
  return port;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Resolves at the first Ctrl-C or SIGTERM; a second one exits at once. */
function nextStopSignal(cli: CliContext): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) {
        cli.term.write('Stopping at once; a job that was canceling may not have put things back.\n');
        process.exit(130);
      }
      stopping = true;
      cli.term.write(`${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping; canceling running jobs cleanly (press again to force)…\n`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
