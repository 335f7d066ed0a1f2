/**
 * Loading a dump into a database container that has just started on an empty data folder:
 * wait until it accepts connections (polled, no fixed sleep), then load with errors fatal.
 * The dump was uploaded into the container's /tmp before the stack was stopped, so the
 * stopped time does not include a transfer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';

/**
 * pg_dumpall -c begins with DROP DATABASE/ROLE for everything and CREATE ROLE postgres. On a
 * fresh cluster those objects do not exist (DROP fails) and postgres does (CREATE fails:
 * "role postgres already exists", the one error BTCPay's restore is known for). So, in that
 * prologue only (before the first \connect), DROPs become DROP ... IF EXISTS and the
 * statements about the postgres role itself go. Everything else runs with ON_ERROR_STOP.
 */
export const PG_PROLOGUE_SED = [
  '1,/^\\\\connect /{',
  '/^DROP ROLE postgres;$/d',
  '/^DROP ROLE IF EXISTS postgres;$/d',
  '/^CREATE ROLE postgres;$/d',
  '/^DROP ROLE IF EXISTS /!s/^DROP ROLE \\(.*\\);$/DROP ROLE IF EXISTS \\1;/',
  '/^DROP DATABASE IF EXISTS /!s/^DROP DATABASE \\(.*\\);$/DROP DATABASE IF EXISTS \\1;/',
  '}',
].join('\n');

/** $1: sed script, $2: the gzipped dump. gunzip's and psql's failures both count. */
const PG_LOAD = `rc=$(mktemp)
{ gunzip -c "$2"; echo $? > "$rc"; } | sed -e "$1" | psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres >/dev/null
code=$?
z=$(cat "$rc"); rm -f "$rc" "$2"
[ "$z" = 0 ] || { echo "the dump could not be decompressed (gunzip exit $z)" >&2; exit 1; }
exit $code`;

const MARIADB_LOAD = `rc=$(mktemp)
client=$(command -v mariadb || command -v mysql)
{ gunzip -c "$1"; echo $? > "$rc"; } | "$client" --protocol=tcp -h 127.0.0.1 -u root
code=$?
z=$(cat "$rc"); rm -f "$rc" "$1"
[ "$z" = 0 ] || { echo "the dump could not be decompressed (gunzip exit $z)" >&2; exit 1; }
exit $code`;

export async function startAndWait(
  engine: DockerEngine,
  container: { readonly id: string; readonly name: string },
  ready: readonly string[],
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<void> {
  const c = engine.client.getContainer(container.id);
  if (!(await c.inspect()).State.Running) await c.start();
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let last = '';
  while (Date.now() < deadline) {
    if (options.signal?.aborted) throw new AppError('canceled', `Canceled while waiting for ${container.name} to accept connections.`);
    const state = (await c.inspect()).State;
    if (!state.Running) throw new AppError('plugin', `${container.name} stopped while starting (exit code ${state.ExitCode}). Its log: docker logs ${container.name}.`);
    const r = await engine.exec(container.id, ready, { allowFailure: true, signal: undefined, ...(options.env ? { env: options.env } : {}) }).catch((e: unknown) => ({ code: -1, stderr: errorMessage(e), stdout: '' }));
    if (r.code === 0) return;
    last = (r.stderr || r.stdout).trim();
    await sleep(250);
  }
  throw new AppError('plugin', `${container.name} did not accept connections within ${Math.round((options.timeoutMs ?? 180_000) / 1000)} s${last ? ` (${last})` : ''}. Its log: docker logs ${container.name}.`);
}

export async function loadPostgres(engine: DockerEngine, container: { readonly id: string; readonly name: string }, dumpPath: string, signal: AbortSignal): Promise<void> {
  // Ready over TCP: the official image's first start runs initdb with a server on the unix
  // socket only, then restarts; TCP answers only once the real server runs.
  await startAndWait(engine, container, ['pg_isready', '-q', '-h', '127.0.0.1', '-U', 'postgres'], { signal });
  try {
    await engine.exec(container.id, ['sh', '-c', PG_LOAD, 'sh', PG_PROLOGUE_SED, dumpPath], { signal });
  } catch (e) {
    throw new AppError('plugin', `Loading postgres.sql.gz into ${container.name} failed: ${errorMessage(e)}`, { cause: e });
  }
}

export async function loadMariadb(engine: DockerEngine, container: { readonly id: string; readonly name: string }, dumpPath: string, password: string | undefined, signal: AbortSignal): Promise<void> {
  const env = password ? { MYSQL_PWD: password } : undefined;
  // Ready means root logs in over TCP: the image's first start initialises the data folder
  // with a server on the socket only, which `ping` would take for the real one.
  await startAndWait(engine, container, ['sh', '-c', '"$(command -v mariadb || command -v mysql)" --protocol=tcp -h 127.0.0.1 -u root -e "SELECT 1" >/dev/null'], {
    signal,
    ...(env ? { env } : {}),
  });
  try {
    await engine.exec(container.id, ['sh', '-c', MARIADB_LOAD, 'sh', dumpPath], { signal, ...(env ? { env } : {}) });
  } catch (e) {
    throw new AppError('plugin', `Loading mariadb.sql.gz into ${container.name} failed: ${errorMessage(e)}`, { cause: e });
  }
}
