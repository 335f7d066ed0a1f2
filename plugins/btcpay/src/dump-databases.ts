/**
 * The database dumps of a BTCPay backup, as btcpay-backup.sh names them: `postgres.sql.gz`
 * (`pg_dumpall -c -U postgres`) and, when the stack has MariaDB, `mariadb.sql.gz`
 * (`mysqldump -A --add-drop-database`). Run in the database containers through the Docker
 * API while the services that write to them are stopped, parked raw in the host's encrypted
 * spool, and gzipped into the archive once the stack runs again: no dump ever lies on a
 * disk in the clear, and compression does not lengthen the downtime. A dump that fails, is empty, or lacks the dump tool's closing line
 * (cut short) fails the backup.
 */
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArchiveSink, DockerEngine, ParkedStream } from '../../../src-main/plugin-host/plugin-api.js';
import { createParallelGzip } from '../../../src-main/archive/parallel-gzip.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';

export const POSTGRES_DUMP = 'postgres.sql.gz';
export const MARIADB_DUMP = 'mariadb.sql.gz';
/** pg_dumpall's last line; its absence means the dump was cut short. */
export const PG_DUMPALL_END = '-- PostgreSQL database cluster dump complete';
/** mysqldump's and mariadb-dump's last line (followed by a date). */
export const MYSQLDUMP_END = '-- Dump completed';

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

/** A dump taken while the stack was stopped, parked raw in the host's encrypted spool. */
export interface ParkedDump extends DumpResult {
  readonly parked: ParkedStream;
}

interface DumpSpec {
  readonly container: string;
  readonly command: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly name: string;
  readonly end: string;
  readonly label: string;
}

/**
 * Runs the dump and parks its raw SQL (fast: no compression while the stack is stopped),
 * its end checked. `addParkedDump` compresses it into the archive later.
 */
async function dumpAndPark(engine: DockerEngine, archive: ArchiveSink, what: DumpSpec, signal: AbortSignal): Promise<ParkedDump> {
  const tail = new Tail();
  const sql = new PassThrough();
  const parking = archive.park(sql.pipe(tail));
  let parked: ParkedStream | undefined;
  try {
    await engine.exec(what.container, what.command, { stdout: sql, signal, ...(what.env ? { env: what.env } : {}) });
    sql.end();
    parked = await parking;
  } catch (e) {
    sql.destroy();
    await parking.then((p) => p.close()).catch(() => undefined);
    if ((e as { code?: string }).code === 'canceled') throw e;
    throw new AppError('plugin', `The ${what.label} dump failed, so there is no backup: ${errorMessage(e)}`, { cause: e });
  }
  const problem =
    tail.bytes === 0
      ? `The ${what.label} dump is empty, so there is no backup. Check that the database container works (docker logs ${what.container}).`
      : !tail.text().includes(what.end)
        ? `The ${what.label} dump stops before its end ("${what.end}" is missing after ${tail.bytes} bytes), so there is no backup. Check the database container's logs.`
        : undefined;
  if (problem) {
    await parked.close();
    throw new AppError('plugin', problem);
  }
  return { name: what.name, sqlBytes: tail.bytes, parked };
}

/** Gzips a parked dump into the archive under its name, and drops the parked copy. */
export async function addParkedDump(archive: ArchiveSink, dump: ParkedDump): Promise<void> {
  try {
    const gzip = createParallelGzip({ level: 6 });
    const compressed = pipeline(Readable.from(dump.parked.read()), gzip).catch((e: unknown) => {
      gzip.destroy(e as Error);
    });
    await Promise.all([archive.addStream(dump.name, gzip, { mode: 0o600 }), compressed]);
  } finally {
    await dump.parked.close();
  }
}

export function dumpPostgres(engine: DockerEngine, archive: ArchiveSink, container: string, signal: AbortSignal): Promise<ParkedDump> {
  return dumpAndPark(engine, archive, { container, command: ['pg_dumpall', '-c', '-U', 'postgres'], name: POSTGRES_DUMP, end: PG_DUMPALL_END, label: 'Postgres' }, signal);
}

/**
 * MariaDB's root password comes from the container's own environment and reaches mysqldump
 * as MYSQL_PWD, never on a command line (btcpay-backup.sh puts it in argv, visible in ps).
 */
export async function dumpMariadb(engine: DockerEngine, archive: ArchiveSink, container: string, signal: AbortSignal): Promise<ParkedDump> {
  const info = await engine.client.getContainer(container).inspect();
  const env = new Map((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const password = env.get('MYSQL_ROOT_PASSWORD') ?? env.get('MARIADB_ROOT_PASSWORD');
  const command = ['sh', '-c', 'exec "$(command -v mariadb-dump || command -v mysqldump)" -u root -A --add-drop-database --single-transaction'];
  return dumpAndPark(engine, archive, { container, command, ...(password ? { env: { MYSQL_PWD: password } } : {}), name: MARIADB_DUMP, end: MYSQLDUMP_END, label: 'MariaDB' }, signal);
}
