/**
 * The database dumps of a BTCPay backup, as btcpay-backup.sh names them: `postgres.sql.gz`
 * (`pg_dumpall -c -U postgres`) and, when the stack has MariaDB, `mariadb.sql.gz`
 * (`mysqldump -A --add-drop-database`). Run in the database containers through the Docker
 * API, gzipped here and added to the archive through its encrypted spool: no dump ever lies
 * on a disk in the clear. A dump that fails, is empty, or lacks the dump tool's closing line
 * (cut short) fails the backup.
 */
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArchiveSink, DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { createParallelGzip } from '../../../src-main/archive/parallel-gzip.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';

export const POSTGRES_DUMP = 'postgres.sql.gz';
export const MARIADB_DUMP = 'mariadb.sql.gz';
/** pg_dumpall's last line; its absence means the dump was cut short. */
export const PG_DUMPALL_END = '-- PostgreSQL database cluster dump complete';
const MYSQLDUMP_END = '-- Dump completed';

/** Passes data through, counting bytes and keeping the last ones. */
class Tail extends Transform {
  bytes = 0;
  private last = Buffer.alloc(0);
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.last = Buffer.concat([this.last, chunk]).subarray(-512);
    done(null, chunk);
  }
  text(): string {
    return this.last.toString('utf8');
  }
}

export interface DumpResult {
  readonly name: string;
  /** Bytes of SQL before compression. */
  readonly sqlBytes: number;
}

async function dumpInto(
  engine: DockerEngine,
  archive: ArchiveSink,
  what: { readonly container: string; readonly command: readonly string[]; readonly env?: Readonly<Record<string, string>>; readonly name: string; readonly end: string; readonly label: string },
  signal: AbortSignal,
): Promise<DumpResult> {
  const tail = new Tail();
  const gzip = createParallelGzip({ level: 6 });
  const sql = new PassThrough();
  const compressed = pipeline(sql, tail, gzip).catch((e: unknown) => {
    throw new AppError('plugin', `Compressing the ${what.label} dump failed: ${errorMessage(e)}`, { cause: e });
  });
  const added = archive.addStream(what.name, gzip, { mode: 0o600 });
  try {
    await engine.exec(what.container, what.command, { stdout: sql, signal, ...(what.env ? { env: what.env } : {}) });
    sql.end();
    await Promise.all([compressed, added]);
  } catch (e) {
    sql.destroy();
    gzip.destroy();
    await Promise.allSettled([compressed, added]);
    if ((e as { code?: string }).code === 'canceled') throw e;
    throw new AppError('plugin', `The ${what.label} dump failed, so there is no backup: ${errorMessage(e)}`, { cause: e });
  }
  if (tail.bytes === 0) throw new AppError('plugin', `The ${what.label} dump is empty, so there is no backup. Check that the database container works (docker logs ${what.container}).`);
  if (!tail.text().includes(what.end)) {
    throw new AppError('plugin', `The ${what.label} dump stops before its end ("${what.end}" is missing after ${tail.bytes} bytes), so there is no backup. Check the database container's logs.`);
  }
  return { name: what.name, sqlBytes: tail.bytes };
}

export function dumpPostgres(engine: DockerEngine, archive: ArchiveSink, container: string, signal: AbortSignal): Promise<DumpResult> {
  return dumpInto(engine, archive, { container, command: ['pg_dumpall', '-c', '-U', 'postgres'], name: POSTGRES_DUMP, end: PG_DUMPALL_END, label: 'Postgres' }, signal);
}

/**
 * MariaDB's root password comes from the container's own environment and reaches mysqldump
 * as MYSQL_PWD, never on a command line (btcpay-backup.sh puts it in argv, visible in ps).
 */
export async function dumpMariadb(engine: DockerEngine, archive: ArchiveSink, container: string, signal: AbortSignal): Promise<DumpResult> {
  const info = await engine.client.getContainer(container).inspect();
  const env = new Map((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const password = env.get('MYSQL_ROOT_PASSWORD') ?? env.get('MARIADB_ROOT_PASSWORD');
  const command = ['sh', '-c', 'exec "$(command -v mariadb-dump || command -v mysqldump)" -u root -A --add-drop-database --single-transaction'];
  return dumpInto(engine, archive, { container, command, ...(password ? { env: { MYSQL_PWD: password } } : {}), name: MARIADB_DUMP, end: MYSQLDUMP_END, label: 'MariaDB' }, signal);
}
