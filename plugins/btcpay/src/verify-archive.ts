/**
 * BTCPay's own checks of an archive, beyond the host's integrity check: the Postgres dump is
 * complete (it ends with pg_dumpall's closing line); and with `--deep`, it actually loads,
 * with errors fatal, into a throwaway Postgres container on this machine's Docker engine —
 * a test restore that touches no server.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DockerEngine, VerifyContext, VerifyResult } from '../../../src-main/plugin-host/plugin-api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { archiveContents } from './archive-contents.js';
import { MARIADB_DUMP, MYSQLDUMP_END, PG_DUMPALL_END, POSTGRES_DUMP } from './dump-databases.js';
import { loadPostgres } from './load-dump.js';
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
  ctx.progress.report({ kind: 'phase', phase: 'test-restoring the database in a throwaway container' });
  try {
    const loaded = await testRestore(ctx, await ctx.docker(), contents.metadata?.postgresImage.name);
    ctx.log.info(`Deep check: the dump loaded without error into a throwaway Postgres (${loaded}).`);
  } catch (e) {
    problems.push(`The test restore of postgres.sql.gz failed: ${errorMessage(e)}`);
  }
  return { ok: problems.length === 0, problems };
}

async function testRestore(ctx: VerifyContext, engine: DockerEngine, recorded: string | undefined): Promise<string> {
  const image = await postgresImage(engine, recorded);
  const id = randomBytes(4).toString('hex');
  const container = await engine.client.createContainer({
    name: `lifeboat-verify-${id}`,
    Image: image,
    Env: ['POSTGRES_HOST_AUTH_METHOD=trust'],
    Labels: { 'lifeboat.btcpay.verify': id },
    HostConfig: { NetworkMode: 'none' },
  });
  const ref = { id: container.id, name: `lifeboat-verify-${id} (${image})` };
  try {
    for await (const entry of ctx.archive.entries({ paths: [POSTGRES_DUMP] })) {
      if (entry.path === POSTGRES_DUMP && entry.body) await engine.writePath(container.id, '/tmp', oneFileTar(entry.body, { name: POSTGRES_DUMP, size: entry.size }));
      else entry.body?.resume();
    }
    await loadPostgres(engine, ref, `/tmp/${POSTGRES_DUMP}`, ctx.signal);
    const { stdout } = await engine.exec(container.id, ['psql', '-X', '-At', '-U', 'postgres', '-d', 'postgres', '-c', "select count(*) from pg_database where not datistemplate and datname <> 'postgres'"]);
    return `${stdout.trim()} databases besides postgres`;
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** The image the backup recorded, else any Postgres image this engine has. */
async function postgresImage(engine: DockerEngine, recorded: string | undefined): Promise<string> {
  const images = await engine.client.listImages();
  const tags = images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (recorded && tags.includes(recorded.includes(':') ? recorded : `${recorded}:latest`)) return recorded;
  const any = tags.find((t) => /(^|\/)postgres(:|$)/.test(t));
  if (any) return any;
  throw new Error(
    `it needs a Postgres image on this machine's Docker engine${recorded ? ` (the backup's was ${recorded})` : ''}, and there is none. Load one (docker pull ${recorded ?? 'postgres'}, or docker save on the server | docker load here) and verify again.`,
  );
}
