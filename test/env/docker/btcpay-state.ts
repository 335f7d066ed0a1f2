// What a user would compare about the stand-in BTCPay stack (btcpay-stack.ts) after a
// restore — Postgres roles, objects and rows, every volume path's type, mode, owner and
// contents — and the same damage every time, for tests to undo with a restore.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, chown, lstat, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MariadbState } from './btcpay-mariadb.js';
import { pgIdent, type PostgresSql } from './btcpay-seed.js';

export interface TableState {
  readonly rows: number;
  /** md5 of every row as text, in text order: equal iff the rows are. */
  readonly md5: string;
}

export interface DatabaseState {
  /** `<relkind> <schema>.<name> owner=<role>` of every table, index, view and sequence. */
  readonly objects: readonly string[];
  readonly tables: Readonly<Record<string, TableState>>;
  /** `<last_value> <is_called>` per sequence. */
  readonly sequences: Readonly<Record<string, string>>;
}

export interface PathState {
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits in octal, e.g. `0600`. */
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly size?: number;
  readonly sha256?: string;
  readonly target?: string;
}

export interface StackState {
  readonly roles: readonly string[];
  readonly databases: Readonly<Record<string, DatabaseState>>;
  /**
   * Per volume, per path under `_data` (`.` is `_data` itself). The Postgres data folder is
   * left out: the server rewrites it all the time, and `databases` describes its contents.
   */
  readonly volumes: Readonly<Record<string, Readonly<Record<string, PathState>>>>;
  /** Only on a stack made with `mariadb: true`; its data folder is left out of `volumes`. */
  readonly mariadb?: MariadbState;
}

/** Type, mode, owner, size, sha256 or link target of everything below `root`. */
export async function pathStates(root: string): Promise<Record<string, PathState>> {
  const out: Record<string, PathState> = {};
  const visit = async (rel: string): Promise<void> => {
    const abs = rel === '.' ? root : join(root, rel);
    const st = await lstat(abs);
    const base = { mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      out[rel] = { type: 'directory', ...base };
      for (const name of (await readdir(abs)).sort()) await visit(rel === '.' ? name : `${rel}/${name}`);
    } else if (st.isSymbolicLink()) {
      out[rel] = { type: 'symlink', ...base, target: await readlink(abs) };
    } else if (st.isFile()) {
      const hash = createHash('sha256');
      await pipeline(createReadStream(abs), hash);
      out[rel] = { type: 'file', ...base, size: st.size, sha256: hash.digest('hex') };
    } else {
      out[rel] = { type: 'other', ...base };
    }
  };
  await visit('.');
  return out;
}

/** Roles, and per database its objects, tables' row digests and sequences. */
export async function databaseState(sql: PostgresSql): Promise<Pick<StackState, 'roles' | 'databases'>> {
  const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');
  const roles = lines(await sql('postgres', "select rolname from pg_roles where rolname !~ '^pg_' order by 1"));
  const databases: Record<string, DatabaseState> = {};
  for (const db of lines(await sql('postgres', 'select datname from pg_database where not datistemplate order by 1'))) {
    const relations = lines(
      await sql(
        db,
        `select c.relkind::text || E'\\t' || n.nspname || E'\\t' || c.relname || E'\\t' || pg_get_userbyid(c.relowner)
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
           and c.relkind in ('r', 'p', 'S', 'v', 'm', 'i')
         order by n.nspname, c.relname`,
      ),
    ).map((l) => l.split('\t') as [string, string, string, string]);
    const probes = relations.flatMap(([kind, ns, name]) => {
      const rel = `${pgIdent(ns)}.${pgIdent(name)}`;
      const key = `'${`${ns}.${name}`.replace(/'/g, "''")}'`;
      if (kind === 'r' || kind === 'p') return [`select 'T', ${key}, count(*) || ' ' || md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from ${rel} t`];
      if (kind === 'S') return [`select 'S', ${key}, last_value || ' ' || is_called from ${rel}`];
      return [];
    });
    const tables: Record<string, TableState> = {};
    const sequences: Record<string, string> = {};
    if (probes.length > 0) {
      for (const [kind, key, value] of lines(await sql(db, `${probes.join('\nunion all ')};`)).map((l) => l.split('|') as [string, string, string])) {
        if (kind === 'T') {
          const [rows, md5] = value.split(' ') as [string, string];
          tables[key] = { rows: Number(rows), md5 };
        } else sequences[key] = value;
      }
    }
    databases[db] = { objects: relations.map(([kind, ns, name, owner]) => `${kind} ${ns}.${name} owner=${owner}`), tables, sequences };
  }
  return { roles, databases };
}

/** The same damage every time, in both the databases and the volumes (none in excluded paths). */
export async function wreck(sql: PostgresSql, volume: (name: string) => string): Promise<void> {
  await sql(
    'btcpayservermainnet',
    `drop table "Payments" cascade;
     update "Invoices" set "Status" = 'Expired' where "Status" = 'Settled';
     delete from "InvoiceEvents" where "Id" % 3 = 0;
     insert into "InvoiceEvents" ("InvoiceDataId", "Message", "Timestamp") select "Id", 'wrecked', '2025-01-01T00:00:00Z' from "Invoices" limit 5;`,
  );
  await sql('nbxplorermainnet', 'delete from txs where mempool; truncate nbxv1_evts;');
  await rm(join(volume('btcpay_datadir'), 'Main/settings.config'));
  await rm(join(volume('btcpay_datadir'), 'Plugins/BTCPayServer.Plugins.Boltcard'), { recursive: true });
  await writeFile(join(volume('nbxplorer_datadir'), 'Main/settings.config'), 'mainnet=1\n');
  await rm(join(volume('bitcoin_wallet_datadir'), 'mainnet/wallet.dat'));
  await writeFile(join(volume('lnd_bitcoin_datadir'), 'data/chain/bitcoin/mainnet/channel.backup'), Buffer.alloc(4096, 0xee));
  await chmod(join(volume('lnd_bitcoin_datadir'), 'tls.key'), 0o644);
  await chown(join(volume('lnd_bitcoin_datadir'), 'lnd.conf'), 0, 0);
  await rm(join(volume('tor_servicesdir'), 'BTCPayServer/hs_ed25519_secret_key'));
}
