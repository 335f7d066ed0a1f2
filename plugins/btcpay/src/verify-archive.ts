/**
 * BTCPay's own checks of an archive, beyond the host's integrity check: the Postgres dump is
 * complete (it ends with pg_dumpall's closing line), and so is the MariaDB dump if there is one
 * (mysqldump's); and with `--deep`, each actually loads, with errors fatal, into a throwaway
 * Postgres or MariaDB container (no network) on this machine's Docker engine — a test restore
 * that touches no server.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DockerEngine, VerifyContext, VerifyResult } from '../../../src-main/plugin-host/plugin-api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { archiveContents } from './archive-contents.js';
import { MARIADB_DUMP, MYSQLDUMP_END, PG_DUMPALL_END, POSTGRES_DUMP } from './dump-databases.js';
import { loadMariadb, loadPostgres } from './load-dump.js';
import { oneFileTar } from './one-file-tar.js';

export async function verifyArchive(ctx: VerifyContext): Promise<VerifyResult> {
  const problems: string[] = [];
  const contents = archiveContents(ctx.archive.manifest);
  if (!contents.postgresDump) return { ok: false, problems: ['The archive has no postgres.sql.gz, so BTCPay\'s database cannot be restored from it.'] };
  // Each dump must decompress and end with its tool's closing line.
  const ends = new Map([[POSTGRES_DUMP, PG_DUMPALL_END], ...(contents.mariadbDump ? [[MARIADB_DUMP, MYSQLDUMP_END] as const] : [])]);
  for await (const entry of ctx.archive.entries({ paths: [...ends.keys()] })) {
    const end = ends.get(entry.path);
    if (end === undefined || !entry.body) {
      entry.body?.resume();
      continue;
    }
    let tail = '';
    let size = 0;
    try {
      await pipeline(
        entry.body,
        createGunzip(),
        new Writable({
          write(chunk: Buffer, _enc, done) {
            size += chunk.length;
            tail = (tail + chunk.toString('latin1')).slice(-512);
            done();
          },
        }),
      );
    } catch (e) {
      problems.push(`${entry.path} does not decompress: ${errorMessage(e)}.`);
      continue;
    }
    if (size === 0) problems.push(`${entry.path} is empty.`);
    else if (!tail.includes(end)) problems.push(`${entry.path} is cut short: "${end}" is missing at its end.`);
  }
  if (problems.length > 0 || !ctx.deep) return { ok: problems.length === 0, problems };
  const engine = await ctx.docker();
  ctx.progress.report({ kind: 'phase', phase: 'test-restoring the database in a throwaway container' });
  try {
    const loaded = await testRestore(ctx, engine, POSTGRES, contents.metadata?.postgresImage.name);
    ctx.log.info(`Deep check: postgres.sql.gz loaded without error into a throwaway Postgres (${loaded}).`);
  } catch (e) {
    problems.push(`The test restore of postgres.sql.gz failed: ${errorMessage(e)}`);
  }
  if (contents.mariadbDump && !ctx.signal.aborted) {
    ctx.progress.report({ kind: 'phase', phase: 'test-restoring the MariaDB dump in a throwaway container' });
    try {
      // The image the backup recorded (archives made before it was recorded: any MariaDB here).
      const loaded = await testRestore(ctx, engine, MARIADB, contents.metadata?.mariadbImage?.name);
      ctx.log.info(`Deep check: mariadb.sql.gz loaded without error into a throwaway MariaDB (${loaded}).`);
    } catch (e) {
      problems.push(`The test restore of mariadb.sql.gz failed: ${errorMessage(e)}`);
    }
  }
  return { ok: problems.length === 0, problems };
}

/** How to test-restore one kind of dump: its image, a fresh server's settings, the load and a count of what loaded. */
interface DumpKind {
  readonly dump: string;
  readonly label: string;
  readonly imagePattern: RegExp;
  readonly pull: string;
  env(password: string): string[];
  load(engine: DockerEngine, ref: ContainerRef, path: string, password: string, signal: AbortSignal): Promise<void>;
  count(engine: DockerEngine, id: string, password: string): Promise<string>;
}

interface ContainerRef {
  readonly id: string;
  readonly name: string;
}

const POSTGRES: DumpKind = {
  dump: POSTGRES_DUMP,
  label: 'Postgres',
  imagePattern: /(^|\/)postgres(:|$)/,
  pull: 'postgres',
  env: () => ['POSTGRES_HOST_AUTH_METHOD=trust'],
  load: (engine, ref, path, _password, signal) => loadPostgres(engine, ref, path, signal),
  async count(engine, id) {
    const { stdout } = await engine.exec(id, ['psql', '-X', '-At', '-U', 'postgres', '-d', 'postgres', '-c', "select count(*) from pg_database where not datistemplate and datname <> 'postgres'"]);
    return `${databases(stdout)} besides postgres`;
  },
};

const MARIADB: DumpKind = {
  dump: MARIADB_DUMP,
  label: 'MariaDB',
  imagePattern: /(^|\/)(mariadb|mysql)(:|$)/,
  pull: 'mariadb',
  // A random root password: images refuse to initialise without one; it reaches the client as MYSQL_PWD, never argv.
  env: (password) => [`MARIADB_ROOT_PASSWORD=${password}`, `MYSQL_ROOT_PASSWORD=${password}`],
  load: (engine, ref, path, password, signal) => loadMariadb(engine, ref, path, password, signal),
  async count(engine, id, password) {
    const sql = "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";
    const { stdout } = await engine.exec(id, ['sh', '-c', '"$(command -v mariadb || command -v mysql)" --protocol=tcp -h 127.0.0.1 -u root -N -B -e "$1"', 'sh', sql], { env: { MYSQL_PWD: password } });
    return `${databases(stdout)} besides the system ones`;
  },
};

/** A count the client printed, as words: `1 database`, `3 databases`. */
function databases(stdout: string): string {
  const n = stdout.trim();
  return `${n} database${n === '1' ? '' : 's'}`;
}

async function testRestore(ctx: VerifyContext, engine: DockerEngine, kind: DumpKind, recorded: string | undefined): Promise<string> {
  const image = await imageFor(engine, kind, recorded);
  const id = randomBytes(4).toString('hex');
  const password = randomBytes(16).toString('hex');
  const container = await engine.client.createContainer({
    name: `lifeboat-verify-${id}`,
    Image: image,
    Env: kind.env(password),
    Labels: { 'lifeboat.btcpay.verify': id },
    HostConfig: { NetworkMode: 'none' },
  });
  const ref = { id: container.id, name: `lifeboat-verify-${id} (${image})` };
  try {
    for await (const entry of ctx.archive.entries({ paths: [kind.dump] })) {
      if (entry.path === kind.dump && entry.body) await engine.writePath(container.id, '/tmp', oneFileTar(entry.body, { name: kind.dump, size: entry.size }));
      else entry.body?.resume();
    }
    await kind.load(engine, ref, `/tmp/${kind.dump}`, password, ctx.signal);
    return `${image}; ${await kind.count(engine, container.id, password)}`;
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** The image the backup recorded, else any image of the kind this engine has. */
async function imageFor(engine: DockerEngine, kind: DumpKind, recorded: string | undefined): Promise<string> {
  const images = await engine.client.listImages();
  const tags = images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (recorded && tags.includes(recorded.includes(':') ? recorded : `${recorded}:latest`)) return recorded;
  const any = tags.find((t) => kind.imagePattern.test(t));
  if (any) return any;
  throw new Error(
    `it needs a ${kind.label} image on this machine's Docker engine${recorded ? ` (the backup's was ${recorded})` : ''}, and there is none. Load one (docker pull ${recorded ?? kind.pull}, or docker save on the server | docker load here) and verify again.`,
  );
}
