// BTCPay's optional MariaDB (its opt-add-woocommerce fragment) in the stand-in stack
// (btcpay-stack.ts): the handle tests use, the wait for the server, a seeded WordPress-like
// database, what a user would compare after a restore, and the same damage every time.
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import { dockerExec } from '../../../src-main/transport/docker/index.js';
import { prng } from '../prng.mjs';

export interface MariadbTableState {
  readonly rows: number;
  /** CHECKSUM TABLE: equal iff the rows are (same server version and table definition). */
  readonly checksum: string;
  /** The next AUTO_INCREMENT value, or null for a table without one. */
  readonly autoIncrement: number | null;
  /** md5 of SHOW CREATE TABLE: columns, keys, constraints, engine, charset. */
  readonly definition: string;
}

export interface MariadbDatabaseState {
  /** `<type> <name>` of every table and view; `TRIGGER`/`VIEW-DEFINITION <name> <md5 of its body>`. */
  readonly objects: readonly string[];
  readonly tables: Readonly<Record<string, MariadbTableState>>;
}

export interface MariadbState {
  /** `user@host` of every account. */
  readonly accounts: readonly string[];
  /** Every database but the system ones (mysql, information_schema, performance_schema, sys). */
  readonly databases: Readonly<Record<string, MariadbDatabaseState>>;
}

/** Runs SQL as root and returns stdout (StackMariadb.sql). */
export type MariadbSql = (query: string | Buffer, db?: string) => Promise<string>;

export interface StackMariadb {
  readonly container: string;
  /** MYSQL_ROOT_PASSWORD of the container: random per stack. */
  readonly rootPassword: string;
  /** Runs SQL as root (`mariadb -N -B`, SQL on stdin, password as MYSQL_PWD); returns stdout. */
  sql(query: string | Buffer, db?: string): Promise<string>;
}

/** The handle on a stack's MariaDB container: SQL as root over `docker exec`. */
export function stackMariadb(docker: Dockerode, container: string, rootPassword: string): StackMariadb {
  return {
    container,
    rootPassword,
    sql: async (query, db) =>
      (await dockerExec(docker.getContainer(container), ['mariadb', '-u', 'root', '-N', '-B', ...(db ? [db] : [])], { input: query, env: { MYSQL_PWD: rootPassword } })).stdout,
  };
}

/**
 * Polls a query over TCP until the real server answers: the entrypoint's temporary server
 * (set-up of a fresh data folder) listens on the unix socket only.
 */
export async function waitForMariadb(docker: Dockerode, container: string, password: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const c = docker.getContainer(container);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (!(await c.inspect()).State.Running) throw new Error(`MariaDB container ${container} is not running (it exited or was never started): docker logs ${container}.`);
    const last = await dockerExec(c, ['mariadb', '-u', 'root', '-h', '127.0.0.1', '-N', '-e', 'SELECT 1'], { allowFailure: true, env: { MYSQL_PWD: password } });
    if (last.code === 0) return;
    if (Date.now() > deadline) throw new Error(`MariaDB in ${container} did not accept connections in time; last try: ${last.code} ${last.stdout}${last.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const SYSTEM_SCHEMAS = "('mysql', 'information_schema', 'performance_schema', 'sys')";
const myIdent = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
const myString = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Accounts, and per database its objects and each table's rows, checksum, next AUTO_INCREMENT and definition. */
export async function mariadbState(sql: MariadbSql): Promise<MariadbState> {
  const rows = (s: string): string[][] => s.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  const accounts = rows(await sql("SELECT CONCAT(user, '@', host) FROM mysql.user ORDER BY 1")).map((r) => r[0]!);
  const databases: Record<string, MariadbDatabaseState> = {};
  for (const [db] of rows(await sql(`SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1`))) {
    const schema = myString(db!);
    const objects = rows(
      await sql(
        `SELECT CONCAT(table_type, ' ', table_name) FROM information_schema.tables WHERE table_schema = ${schema}
         UNION ALL SELECT CONCAT('TRIGGER ', trigger_name, ' ', MD5(action_statement)) FROM information_schema.triggers WHERE trigger_schema = ${schema}
         UNION ALL SELECT CONCAT('VIEW-DEFINITION ', table_name, ' ', MD5(view_definition)) FROM information_schema.views WHERE table_schema = ${schema}
         ORDER BY 1`,
      ),
    ).map((r) => r[0]!);
    const tables: Record<string, MariadbTableState> = {};
    const bases = rows(await sql(`SELECT table_name, COALESCE(auto_increment, 'null') FROM information_schema.tables WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY 1`));
    for (const [name, auto] of bases) {
      const table = `${myIdent(db!)}.${myIdent(name!)}`;
      const [count] = rows(await sql(`SELECT COUNT(*) FROM ${table}`))[0]!;
      const [, checksum] = rows(await sql(`CHECKSUM TABLE ${table} EXTENDED`))[0]!;
      const definition = createHash('md5').update(await sql(`SHOW CREATE TABLE ${table}`)).digest('hex');
      tables[name!] = { rows: Number(count), checksum: checksum!, autoIncrement: auto === 'null' ? null : Number(auto), definition };
    }
    databases[db!] = { objects, tables };
  }
  return { accounts, databases };
}

/** A deterministic WordPress/WooCommerce-like database: auto-increments with gaps, utf8mb4 text, NULLs, blobs, a view, a trigger and an account of its own. */
export async function seedMariadb(sql: MariadbSql): Promise<void> {
  const r = prng(5151);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  const when = (): string => new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 31_536_000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const v = (x: string | number | null): string => (x === null ? 'NULL' : typeof x === 'number' ? String(x) : myString(x));
  const insert = (table: string, cols: readonly string[], values: ReadonlyArray<ReadonlyArray<string | number | null>>): string =>
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES\n${values.map((row) => `(${row.map(v).join(', ')})`).join(',\n')};`;

  const options = [
    ['siteurl', 'https://shop.example', 'yes'],
    ['blogname', 'Ünïcode Shop ⚡ 🛒', 'yes'],
    ['woocommerce_currency', 'BTC', 'yes'],
    ['btcpay_gf_api_key', hex(40), 'no'],
    ['active_plugins', 'a:2:{i:0;s:27:"woocommerce/woocommerce.php";i:1;s:37:"btcpay-greenfield-for-woocommerce.php";}', 'yes'],
    ...Array.from({ length: 40 }, (_, i) => [`_transient_wc_${i}`, hex(64), 'no'] as const),
  ];
  const posts = Array.from({ length: 150 }, (_, i) => [
    1 + Math.floor(r() * 3), when(), `Product ${i} — “quoted” ‘text’ \\ backslash`, r() < 0.1 ? null : `<p>${hex(200)}</p>\n<!-- wp:paragraph -->`, pick(['publish', 'draft', 'private']), pick(['product', 'post', 'page', 'shop_order']),
  ] as const);
  const meta = Array.from({ length: 400 }, () => [1 + Math.floor(r() * 150), pick(['_price', '_sku', '_stock', '_btcpay_invoice_id']), r() < 0.05 ? null : hex(16)] as const);
  const orders = Array.from({ length: 80 }, () => [pick(['wc-completed', 'wc-processing', 'wc-on-hold', 'wc-cancelled']), 'BTC', (r() * 2).toFixed(8), `bc1q${hex(38)}`, when()] as const);
  await sql(
    `CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE wordpress;
CREATE TABLE wp_options (option_id bigint unsigned NOT NULL AUTO_INCREMENT, option_name varchar(191) NOT NULL, option_value longtext NOT NULL, autoload varchar(20) NOT NULL DEFAULT 'yes', PRIMARY KEY (option_id), UNIQUE KEY option_name (option_name)) ENGINE=InnoDB;
CREATE TABLE wp_posts (ID bigint unsigned NOT NULL AUTO_INCREMENT, post_author bigint unsigned NOT NULL DEFAULT 0, post_date datetime NOT NULL, post_title text NOT NULL, post_content longtext, post_status varchar(20) NOT NULL DEFAULT 'publish', post_type varchar(20) NOT NULL DEFAULT 'post', comment_count bigint NOT NULL DEFAULT 0, PRIMARY KEY (ID), KEY type_status_date (post_type, post_status, post_date)) ENGINE=InnoDB;
CREATE TABLE wp_postmeta (meta_id bigint unsigned NOT NULL AUTO_INCREMENT, post_id bigint unsigned NOT NULL DEFAULT 0, meta_key varchar(255), meta_value longtext, PRIMARY KEY (meta_id), KEY post_id (post_id)) ENGINE=InnoDB;
CREATE TABLE wp_comments (comment_ID bigint unsigned NOT NULL AUTO_INCREMENT, comment_post_ID bigint unsigned NOT NULL, comment_content text NOT NULL, PRIMARY KEY (comment_ID), CONSTRAINT fk_post FOREIGN KEY (comment_post_ID) REFERENCES wp_posts (ID) ON DELETE CASCADE) ENGINE=InnoDB;
CREATE TABLE wp_wc_orders (id bigint unsigned NOT NULL AUTO_INCREMENT, status varchar(20), currency varchar(10), total_amount decimal(26,8), btc_address varchar(100), date_created_gmt datetime, PRIMARY KEY (id)) ENGINE=InnoDB;
CREATE TABLE wp_blobs (name varchar(64) NOT NULL PRIMARY KEY, data mediumblob) ENGINE=InnoDB;
CREATE VIEW wp_order_totals AS SELECT status, COUNT(*) AS orders, SUM(total_amount) AS total FROM wp_wc_orders GROUP BY status;
CREATE TRIGGER wp_comment_count AFTER INSERT ON wp_comments FOR EACH ROW UPDATE wp_posts SET comment_count = comment_count + 1 WHERE ID = NEW.comment_post_ID;
${insert('wp_options', ['option_name', 'option_value', 'autoload'], options)}
${insert('wp_posts', ['post_author', 'post_date', 'post_title', 'post_content', 'post_status', 'post_type'], posts)}
${insert('wp_postmeta', ['post_id', 'meta_key', 'meta_value'], meta)}
${insert('wp_comments', ['comment_post_ID', 'comment_content'], Array.from({ length: 60 }, () => [1 + Math.floor(r() * 150), `Nice! ${hex(30)} 👍`] as const))}
${insert('wp_wc_orders', ['status', 'currency', 'total_amount', 'btc_address', 'date_created_gmt'], orders)}
INSERT INTO wp_blobs (name, data) VALUES ('logo.png', UNHEX('${hex(2048)}')), ('empty', ''), ('null', NULL);
-- Gaps: the next AUTO_INCREMENT is above the largest id, as on a live site.
DELETE FROM wp_posts WHERE ID > 140;
DELETE FROM wp_wc_orders WHERE id % 7 = 0;
CREATE USER 'wp_app'@'%' IDENTIFIED BY 'wp-app-password';
GRANT SELECT, INSERT, UPDATE, DELETE ON wordpress.* TO 'wp_app'@'%';`,
  );
}

/** The same damage every time: a dropped table and account, changed, deleted and added rows. */
export async function wreckMariadb(sql: MariadbSql): Promise<void> {
  await sql(
    `DROP TABLE wp_comments;
UPDATE wp_posts SET post_status = 'trash' WHERE post_type = 'product';
DELETE FROM wp_options WHERE option_id % 2 = 0;
INSERT INTO wp_wc_orders (status, currency, total_amount) VALUES ('wc-wrecked', 'BTC', 0), ('wc-wrecked', 'BTC', 1);
UPDATE wp_blobs SET data = 'x' WHERE name = 'logo.png';
DROP USER 'wp_app'@'%';`,
    'wordpress',
  );
}
