// The btcpay plugin on a stand-in BTCPay Server that also runs BTCPay's optional MariaDB
// (a WordPress/WooCommerce-like database), through the real `lifeboat` command: the backup
// dumps MariaDB as mariadb.sql.gz next to postgres.sql.gz without putting the root password
// on any command line, verify --deep test-loads both dumps, and a restore of a wrecked stack
// brings both databases back.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BtcpayStack, createBtcpayStack, type StackState, waitForMariadb } from '../../../env/docker/btcpay-stack.js';
import { type DockerRig, startDockerRig } from '../../../env/dockerd.js';
import { MARIADB_IMAGE } from '../../../env/docker/mariadb-image.js';
import { gpg, gpgHome } from '../../helpers/gpg.js';
import { PROJECT_DIR, archivePathOf, listedPaths, output, parseJson, runLifeboat, type CliRun } from '../lifeboat-cli.js';
import { type BtcpayCliHome, PASSPHRASE, btcpayCliHome } from './btcpay-cli.js';

const PROJECT = 'lbmaria';

let rig: DockerRig;
let stack: BtcpayStack;
let tmp: string;
let cli: BtcpayCliHome;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  rig = await startDockerRig();
  stack = await createBtcpayStack(rig.docker, { project: PROJECT, mariadb: true });
  tmp = await mkdtemp(join(tmpdir(), 'lbt-btcpay-maria-'));
  cli = await btcpayCliHome(join(tmp, 'cli'), rig.socketPath, { project: PROJECT });
});

afterAll(async () => {
  await stack?.remove();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const lifeboat = (args: readonly string[], env: Record<string, string> = {}) => runLifeboat(cli, args, { env: { ...cli.env, ...env } });
/** Names of the throwaway containers verify --deep makes, if any are left. */
const verifyContainers = async (): Promise<string[]> => (await rig.docker.listContainers({ all: true })).flatMap((c) => c.Names).filter((n) => n.startsWith('/lifeboat-verify-'));

/** Command lines of every process on this machine (the BTCPay host; containers' processes included) that contain `secret`. */
async function commandLinesWith(secret: string): Promise<string[]> {
  const hits: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const line = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (line.includes(secret)) hits.push(`${pid}: ${line}`);
  }
  return hits;
}

/** Runs `lifeboat`, reading every process's command line until it ends: the ones that held `secret`. */
async function runWatching(args: readonly string[], secret: string, env: Record<string, string> = {}): Promise<{ run: CliRun; leaks: string[]; looks: number }> {
  let done = false;
  const job = lifeboat(args, env).finally(() => (done = true));
  const leaks = new Set<string>();
  let looks = 0;
  while (!done) {
    for (const hit of await commandLinesWith(secret)) leaks.add(hit);
    looks++;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { run: await job, leaks: [...leaks], looks };
}

/** What the databases hold, Postgres and MariaDB (volumes aside). */
const databasesOf = (s: StackState) => ({ roles: s.roles, databases: s.databases, mariadb: s.mariadb });

describe('btcpay with MariaDB: backup, wreck, restore', () => {
  let before: StackState;
  let archive: string;

  it('the stand-in has MariaDB with a seeded database, and state() describes it', async () => {
    before = await stack.state();
    expect(stack.containers).toContain(`${PROJECT}_mariadb_1`);
    const wordpress = before.mariadb?.databases.wordpress;
    expect(Object.keys(wordpress?.tables ?? {})).toEqual(['wp_blobs', 'wp_comments', 'wp_options', 'wp_postmeta', 'wp_posts', 'wp_wc_orders']);
    expect(wordpress?.tables.wp_posts?.rows).toBe(140);
    expect(wordpress?.tables.wp_posts?.autoIncrement).toBe(151);
    expect(wordpress?.objects).toEqual(expect.arrayContaining(['VIEW wp_order_totals', expect.stringMatching(/^TRIGGER wp_comment_count /)]));
    expect(before.mariadb?.accounts).toContain('wp_app@%');
  });

  it('its MariaDB stops cleanly on docker stop (SIGTERM) and comes back with the same data', async () => {
    const container = rig.docker.getContainer(stack.mariadb!.container);
    await container.stop({ t: 30 });
    expect((await container.inspect()).State.ExitCode).toBe(0);
    await container.start();
    await waitForMariadb(rig.docker, stack.mariadb!.container, stack.mariadb!.rootPassword);
    expect((await stack.state()).mariadb).toEqual(before.mariadb);
  });

  it('backs up both databases (mariadb.sql.gz, postgres.sql.gz); the root password is on no command line meanwhile', async () => {
    // Watched from start to end, dumps included; the pause (as in btcpay-failures) widens the stopped window the watch covers.
    const { run, leaks, looks } = await runWatching(['backup', 'btcpay', '--passphrase-file', cli.passFile, '--json'], stack.mariadb!.rootPassword, {
      LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:3000',
    });
    expect(run.code, output(run)).toBe(0);
    expect(looks).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
    archive = archivePathOf(run);
    expect(await stack.running()).toEqual(stack.containers);
    const paths = listedPaths(await lifeboat(['ls', archive, '--json', '--passphrase-file', cli.passFile]));
    expect(paths).toEqual(expect.arrayContaining(['postgres.sql.gz', 'mariadb.sql.gz']));
    // MariaDB's data folder is in the dump, not copied as files.
    expect(paths.filter((p) => p.includes(`${PROJECT}_mariadb_datadir`))).toEqual([]);
  });

  it('passes verify --deep: both dumps load into throwaway containers (MariaDB\'s logged with its databases), none left behind', async () => {
    const run = await lifeboat(['verify', archive, '--deep', '--passphrase-file', cli.passFile]);
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toMatch(/postgres\.sql\.gz loaded without error into a throwaway Postgres/);
    // wordpress is the seeded one; mysql, information_schema and the like are not counted.
    expect(output(run)).toMatch(/mariadb\.sql\.gz loaded without error into a throwaway MariaDB \(lifeboat-test\/mariadb:10\.11; 1 database besides the system ones\)/);
    expect(await verifyContainers()).toEqual([]);
  });

  it('fails verify --deep (exit 3) naming mariadb.sql.gz when that dump is whole but does not load, and leaves no container', async () => {
    // The same backup with mariadb.sql.gz replaced by a complete-looking dump (closing line
    // included) whose SQL fails, repacked as btcpay-backup.sh would and imported.
    const gnupg = await gpgHome(join(tmp, 'tamper'));
    const dir = join(tmp, 'tamper', 'tree');
    await mkdir(dir, { recursive: true });
    const plain = join(tmp, 'tamper', 'plain.tar.gz');
    await writeFile(plain, await gpg(gnupg, ['--decrypt', archive], PASSPHRASE));
    execFileSync('tar', ['-xzf', plain, '-C', dir]);
    // The backup recorded MariaDB's image, which verify --deep prefers.
    const manifest = JSON.parse(await readFile(join(dir, 'lifeboat', 'manifest.json'), 'utf8')) as { metadata: { btcpay: { mariadbImage?: { name: string } } } };
    expect(manifest.metadata.btcpay.mariadbImage?.name).toBe(MARIADB_IMAGE);
    const broken = 'CREATE DATABASE shop;\nUSE shop;\nINSERT INTO no_such_table VALUES (1);\n-- Dump completed on 2026-11-22  7:00:00\n';
    await writeFile(join(dir, 'mariadb.sql.gz'), gzipSync(broken));
    const top = (await readdir(dir)).filter((n) => n !== 'lifeboat');
    const repacked = join(tmp, 'tamper', 'backup.tar.gz');
    execFileSync('tar', ['-czf', repacked, '-C', dir, ...top]);
    await gpg(gnupg, ['--symmetric', '--cipher-algo', 'AES256', '-o', `${repacked}.gpg`, repacked], PASSPHRASE);
    const imported = await lifeboat(['import', `${repacked}.gpg`, '--passphrase-file', cli.passFile, '--json']);
    expect(imported.code, output(imported)).toBe(0);
    const run = await lifeboat(['verify', (parseJson(imported) as { path: string }).path, '--deep', '--passphrase-file', cli.passFile]);
    expect(run.code, output(run)).toBe(3);
    expect(output(run)).toMatch(/test restore of mariadb\.sql\.gz failed/);
    expect(output(run)).toContain('no_such_table');
    expect(output(run)).not.toMatch(/test restore of postgres\.sql\.gz failed/);
    expect(await verifyContainers()).toEqual([]);
    spawnSync('gpgconf', ['--homedir', gnupg, '--kill', 'gpg-agent']);
  });

  it('plans a restore (--dry-run) that starts MariaDB on an empty data folder and loads mariadb.sql.gz, and changes nothing', async () => {
    const was = await stack.state();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--dry-run']);
    expect(run.code, output(run)).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Move ${PROJECT}_mariadb_datadir .*start ${PROJECT}_mariadb_1 on an empty data folder.*load mariadb\\.sql\\.gz`));
    expect(run.stdout).toContain('nothing was changed');
    expect(await stack.state()).toEqual(was);
  });

  it('the archived mariadb.sql.gz is a whole dump: loaded by hand after the database and its account were dropped, every database, row, auto-increment and account is back', async () => {
    // Only MariaDB's loss here: wreck() is for the restore below.
    await stack.mariadb!.sql("DROP DATABASE wordpress; DROP USER 'wp_app'@'%';");
    expect((await stack.state()).mariadb).not.toEqual(before.mariadb);
    const dir = join(tmp, 'extracted');
    const run = await lifeboat(['extract', archive, 'mariadb.sql.gz', '--to', dir, '--passphrase-file', cli.passFile]);
    expect(run.code, output(run)).toBe(0);
    // Bytes, not text: mysqldump writes blobs raw inside string literals.
    const sql = gunzipSync(await readFile(join(dir, 'mariadb.sql.gz')));
    const text = sql.toString('latin1');
    expect(text.trimEnd()).toMatch(/-- Dump completed on .*$/);
    expect(text).toContain('DROP DATABASE IF EXISTS `wordpress`');
    expect(text).not.toContain(stack.mariadb!.rootPassword);
    // What btcpay-restore.sh does with the file, minus the container swap.
    await stack.mariadb!.sql(sql);
    expect((await stack.state()).mariadb).toEqual(before.mariadb);
  });

  describe('restore through lifeboat', () => {
    let wrecked: StackState;
    let restore: CliRun;

    it('wreck, then restore: the root password is on no command line meanwhile, and the stack runs afterwards', async () => {
      await stack.wreck();
      wrecked = await stack.state();
      expect(wrecked.mariadb).not.toEqual(before.mariadb);
      expect(wrecked.databases).not.toEqual(before.databases);
      const { run, leaks } = await runWatching(['restore', archive, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--yes'], stack.mariadb!.rootPassword);
      restore = run;
      expect(leaks).toEqual([]);
      // Restored or rolled back, never half of each: the stack runs, with one whole state.
      expect(await stack.running()).toEqual(stack.containers);
      expect([databasesOf(before), databasesOf(wrecked)]).toContainEqual(databasesOf(await stack.state()));
    });

    // The official image's first start runs a socket-only server (time zones, root's password)
    // before the real one: loadMariadb waits for root to log in over TCP, not for a ping.
    it('the restore succeeds: MariaDB and Postgres as before', async () => {
      expect(restore.code, output(restore)).toBe(0);
      const after = await stack.state();
      expect(after.mariadb).toEqual(before.mariadb);
      expect(after.databases).toEqual(before.databases);
      expect(after.roles).toEqual(before.roles);
      // The application's own account is back, as WordPress would use it.
      expect((await stack.mariadb!.sql("SELECT COUNT(*) FROM mysql.user WHERE user = 'wp_app'")).trim()).toBe('1');
    });
  });
});
