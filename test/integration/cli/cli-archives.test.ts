/**
 * The `lifeboat` command as an operator meets it: secrets from file, variable or nowhere,
 * broken config, gpg-made archives imported and read, tampered archives refused, archives
 * encrypted to public keys, and a backup killed with -9 leaving nothing listed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliHome, type PassphraseCliHome } from '../plugins/cli-home.js';
import { PROJECT_DIR, archivePathOf, listedArchives, listedPaths, output, runLifeboat } from '../plugins/lifeboat-cli.js';
import { gpgHome, gpg } from '../helpers/gpg.js';

const PASSPHRASE = 'lifeboat cli test passphrase';
let root: string;
let env: PassphraseCliHome & { wrongFile: string };
let source: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-cli-'));
  env = { ...(await createCliHome(root, PASSPHRASE)), wrongFile: join(root, 'wrong.txt') };
  await writeFile(env.wrongFile, 'not the passphrase\n', { mode: 0o600 });
  source = join(env.home, '.juju');
  await mkdir(join(source, 'environments'), { recursive: true });
  await mkdir(join(source, 'ssh'), { recursive: true, mode: 0o700 });
  await writeFile(join(source, 'environments.yaml'), 'default: prod\nenvironments:\n  prod:\n    type: maas\n');
  await writeFile(join(source, 'environments', 'prod.jenv'), 'user: admin\npassword: s3cret\n', { mode: 0o600 });
  await writeFile(join(source, 'ssh', 'juju_id_rsa'), '-----BEGIN RSA PRIVATE KEY-----\nxyz\n', { mode: 0o600 });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('secrets', () => {
  it('without a terminal and without a passphrase, backup fails with exit 2 naming the flag and the variable', async () => {
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--passphrase-file');
    expect(run.stderr).toContain('LIFEBOAT_PASSPHRASE');
    expect(listedArchives(await runLifeboat(env, ['archives', '--json']))).toEqual([]);
  });

  it('a wrong passphrase is a clear error with exit 1, and the archive is untouched', async () => {
    const made = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--json']);
    expect(made.code, output(made)).toBe(0);
    const archive = archivePathOf(made);
    const before = await readFile(archive);
    for (const cmd of [['ls', archive], ['verify', archive], ['extract', archive, '--to', join(root, 'never')]]) {
      const run = await runLifeboat(env, [...cmd, '--passphrase-file', env.wrongFile]);
      expect(run.code, output(run)).toBe(1);
      expect(run.stderr.toLowerCase()).toContain('passphrase');
      expect(run.stderr).not.toContain(PASSPHRASE);
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
    expect(Buffer.compare(before, await readFile(archive))).toBe(0);
  });
});

describe('the job history', () => {
  it('keeps each job with its result and timestamped log, without the passphrase', async () => {
    const secret = 'passphrase-from-the-environment-1234';
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--name', 'history', '--opt', `dir=${source}`, '--json'], { env: { LIFEBOAT_PASSPHRASE: secret } });
    expect(run.code, output(run)).toBe(0);
    const dir = join(env.home, '.local', 'state', 'lifeboat', 'jobs');
    const files = (await readdir(dir)).filter((n) => n.includes('-backup-history-'));
    expect(files).toHaveLength(1);
    const text = await readFile(join(dir, files[0]!), 'utf8');
    const record = JSON.parse(text) as { job: { state: string; kind: string; target: string }; log: { at: string; message: string }[] };
    expect(record.job).toMatchObject({ state: 'succeeded', kind: 'backup', target: 'history' });
    expect(record.log.some((l) => l.message.includes(archivePathOf(run)))).toBe(true);
    expect(record.log.every((l) => !Number.isNaN(Date.parse(l.at)))).toBe(true);
    expect(text).not.toContain(secret);
  });
});

describe('configuration', () => {
  it('a config with a misspelt key fails with exit 2 naming the key', async () => {
    const cfg = join(root, 'bad-config.yaml');
    await writeFile(cfg, 'targets:\n  laptop:\n    plugin: juju-client\n    optoins: {}\n');
    const run = await runLifeboat(env, ['targets', 'list', '--config', cfg]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('targets.laptop.optoins');
  });

  it('a config that is not YAML fails with exit 2 saying so', async () => {
    const cfg = join(root, 'broken.yaml');
    await writeFile(cfg, 'targets:\n  laptop: [unclosed\n');
    const run = await runLifeboat(env, ['archives', '--config', cfg]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not valid YAML/);
  });

  it('targets add validates options against the plugin schema, and backup by target name works', async () => {
    const cfg = join(root, 'config.yaml');
    const bad = await runLifeboat(env, ['targets', 'add', 'laptop', '--plugin', 'juju-client', '--opt', 'exclude=local', '--opt', 'nonsense=1', '--config', cfg]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('nonsense');
    const ok = await runLifeboat(env, ['targets', 'add', 'laptop', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--config', cfg]);
    expect(ok.code, output(ok)).toBe(0);
    const list = await runLifeboat(env, ['targets', 'list', '--json', '--config', cfg]);
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'laptop', plugin: 'juju-client', options: { dir: source } }]);
    const backup = await runLifeboat(env, ['backup', 'laptop', '--config', cfg, '--passphrase-file', env.passFile, '--json']);
    expect(backup.code, output(backup)).toBe(0);
    expect(archivePathOf(backup)).toMatch(/\/laptop-\d{8}-\d{6}\.tar\.gz\.gpg$/);
    const removed = await runLifeboat(env, ['targets', 'remove', 'laptop', '--config', cfg]);
    expect(removed.code).toBe(0);
    expect(JSON.parse((await runLifeboat(env, ['targets', 'list', '--json', '--config', cfg])).stdout)).toEqual([]);
  });
});

describe('archives made by gpg itself', () => {
  let tarball: string;

  beforeAll(async () => {
    // What an operator has today: `tar -cpzf` of ~/.juju, then `gpg --symmetric`.
    const plain = join(root, 'juju-client.tar.gz');
    execFileSync('tar', ['-cpzf', plain, '-C', env.home, '.juju']);
    tarball = plain + '.gpg';
    await gpg(await gpgHome(root), ['--symmetric', '--cipher-algo', 'AES256', '-o', tarball, plain], PASSPHRASE);
  });

  it('imports, lists and extracts a gpg --symmetric tarball of ~/.juju', async () => {
    const imp = await runLifeboat(env, ['import', tarball, '--passphrase-file', env.passFile, '--json']);
    expect(imp.code, output(imp)).toBe(0);
    const info = JSON.parse(imp.stdout) as { path: string; plugin: string; encryption: { kind: string } };
    expect(info.plugin).toBe('juju-client');
    expect(info.encryption.kind).toBe('passphrase');
    expect(listedArchives(await runLifeboat(env, ['archives', '--json']))).toContain(info.path);
    const ls = await runLifeboat(env, ['ls', info.path, '--json', '--passphrase-file', env.passFile]);
    expect(listedPaths(ls)).toEqual(expect.arrayContaining(['.juju/environments.yaml', '.juju/ssh/juju_id_rsa']));
    const to = join(root, 'extracted');
    const ex = await runLifeboat(env, ['extract', info.path, '.juju/environments', '--to', to, '--passphrase-file', env.passFile]);
    expect(ex.code, output(ex)).toBe(0);
    expect(await readFile(join(to, '.juju', 'environments', 'prod.jenv'), 'utf8')).toContain('password: s3cret');
    expect(existsSync(join(to, '.juju', 'environments.yaml'))).toBe(false);
  });

  it("imports Juju's own juju-backup-*.tgz and BTCPay's backup.tar.gz.gpg under the right plugin and time", async () => {
    const juju = join(root, 'juju-src');
    await mkdir(join(juju, 'juju-backup', 'dump', 'juju'), { recursive: true });
    await writeFile(join(juju, 'juju-backup', 'metadata.json'), '{"FormatVersion":1}');
    await writeFile(join(juju, 'juju-backup', 'root.tar'), 'not really a tar');
    await writeFile(join(juju, 'juju-backup', 'dump', 'oplog.bson'), '');
    const tgz = join(root, 'juju-backup-20140403-1408.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', juju, 'juju-backup']);
    const j = await runLifeboat(env, ['import', tgz, '--json']);
    expect(j.code, output(j)).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ plugin: 'juju-state', target: 'juju-state', createdAt: '2014-04-03T14:08:00.000Z', encryption: { kind: 'none' }, origin: 'juju backup' });

    const btcpay = join(root, 'btcpay-src');
    await mkdir(join(btcpay, 'volumes', 'generated_btcpay_datadir', '_data'), { recursive: true });
    await writeFile(join(btcpay, 'volumes', 'generated_btcpay_datadir', '_data', 'settings.config'), 'network=mainnet\n');
    // As pg_dumpall ends every dump: the btcpay plugin's verify checks that line.
    execFileSync('sh', ['-c', 'printf -- "--\\n-- PostgreSQL database cluster dump\\n--\\nSET client_encoding = \'UTF8\';\\n--\\n-- PostgreSQL database cluster dump complete\\n--\\n" | gzip > postgres.sql.gz'], { cwd: btcpay });
    const plain = join(root, 'backup.tar.gz');
    execFileSync('tar', ['-czf', plain, '-C', btcpay, 'postgres.sql.gz', 'volumes']);
    await gpg(await gpgHome(root), ['--symmetric', '--cipher-algo', 'AES256', '-o', plain + '.gpg', plain], PASSPHRASE);
    const b = await runLifeboat(env, ['import', plain + '.gpg', '--passphrase-file', env.passFile, '--json']);
    expect(b.code, output(b)).toBe(0);
    const info = JSON.parse(b.stdout) as { path: string };
    expect(JSON.parse(b.stdout)).toMatchObject({ plugin: 'btcpay', target: 'btcpay', encryption: { kind: 'passphrase' }, origin: 'btcpay-backup.sh' });
    const ls = await runLifeboat(env, ['ls', info.path, '--json', '--passphrase-file', env.passFile]);
    expect(listedPaths(ls)).toEqual(expect.arrayContaining(['postgres.sql.gz', 'volumes/generated_btcpay_datadir/_data/settings.config']));
    const verify = await runLifeboat(env, ['verify', info.path, '--passphrase-file', env.passFile]);
    expect(verify.code, output(verify)).toBe(0);
  });

  it('a damaged file is not imported, and nothing is left in the store', async () => {
    const bad = join(root, 'damaged.tar.gz.gpg');
    const good = await readFile(tarball);
    const at = Math.floor(good.length / 2);
    good[at] = good[at]! ^ 0x40;
    await writeFile(bad, good);
    const before = await readdir(env.store);
    const run = await runLifeboat(env, ['import', bad, '--passphrase-file', env.passFile]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/damaged|tampered/i);
    expect((await readdir(env.store)).sort()).toEqual(before.sort());
  });

  it('a flipped byte: verify exits 3 and extract leaves nothing behind', async () => {
    const made = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--name', 'flip', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--json']);
    expect(made.code, output(made)).toBe(0);
    const archive = archivePathOf(made);
    const fh = await open(archive, 'r+');
    const { size } = await fh.stat();
    const at = Math.floor(size / 2);
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0x01;
    await fh.write(b, 0, 1, at);
    await fh.close();
    const verify = await runLifeboat(env, ['verify', archive, '--passphrase-file', env.passFile]);
    expect(verify.code, output(verify)).toBe(3);
    expect(verify.stderr).toMatch(/FAILED|damaged|tampered|integrity/i);
    const to = join(root, 'from-tampered');
    const ex = await runLifeboat(env, ['extract', archive, '--to', to, '--passphrase-file', env.passFile]);
    expect(ex.code, output(ex)).toBe(3);
    expect(ex.stderr).toMatch(/damaged|tampered/i);
    expect(existsSync(to)).toBe(false);
    expect((await readdir(root)).filter((n) => n.includes('staging'))).toEqual([]);
    const listed = JSON.parse((await runLifeboat(env, ['archives', '--json'])).stdout) as { path: string; lastVerification?: { ok: boolean } }[];
    expect(listed.find((a) => a.path === archive)?.lastVerification?.ok).toBe(false);
  });
});

describe('archives encrypted to public keys', () => {
  it('a server can back up to a public key; gpg and --identity open it; without the key, a clear error', async () => {
    const home = await gpgHome(join(root, 'keys'));
    await gpg(home, ['--quick-gen-key', '--passphrase', '', 'Ops Team <ops@example.org>', 'future-default', 'default', 'never'], undefined);
    const pub = join(root, 'ops.pub.asc');
    const sec = join(root, 'ops.sec.asc');
    await writeFile(pub, await gpg(home, ['--armor', '--export', 'ops@example.org']));
    await writeFile(sec, await gpg(home, ['--armor', '--export-secret-keys', 'ops@example.org']), { mode: 0o600 });
    const made = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--name', 'keyed', '--opt', `dir=${source}`, '--recipient', pub, '--json']);
    expect(made.code, output(made)).toBe(0);
    const archive = archivePathOf(made);
    const info = (JSON.parse((await runLifeboat(env, ['archives', '--json'])).stdout) as { path: string; encryption: { kind: string; recipients?: { userIds?: string[] }[] } }[]).find((a) => a.path === archive)!;
    expect(info.encryption.kind).toBe('keys');
    expect(info.encryption.recipients?.[0]?.userIds?.[0]).toContain('ops@example.org');

    const noKey = await runLifeboat(env, ['ls', archive]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--identity');

    const ls = await runLifeboat(env, ['ls', archive, '--identity', sec, '--json']);
    expect(ls.code, output(ls)).toBe(0);
    expect(listedPaths(ls)).toContain('.juju/environments/prod.jenv');

    const out = join(root, 'gpg-keyed');
    await mkdir(out);
    const plain = await gpg(home, ['--decrypt', archive]);
    execFileSync('tar', ['-xz', '-C', out], { input: plain });
    expect(await readFile(join(out, '.juju', 'environments', 'prod.jenv'), 'utf8')).toContain('s3cret');
  });
});

describe('an interrupted backup', () => {
  let big: string;

  beforeAll(async () => {
    big = join(root, 'bigdir');
    await mkdir(big, { recursive: true });
    for (const name of ['random-1.bin', 'random-2.bin']) {
      const fh = await open(join(big, name), 'w');
      for (let i = 0; i < 32; i++) await fh.write(randomBytes(8 * 1024 * 1024));
      await fh.close();
    }
  });

  /** Starts a backup named `name` and resolves once its .partial exists. */
  async function startBackup(name: string) {
    const child = spawn(process.execPath, ['bin/lifeboat.js', 'backup', '--plugin', 'juju-client', '--name', name, '--opt', `dir=${big}`, '--passphrase-file', env.passFile], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH!, HOME: env.home, XDG_DATA_HOME: env.dataHome, XDG_CONFIG_HOME: env.configHome, LIFEBOAT_STORE: env.store },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let partial: string | undefined;
    for (let i = 0; i < 600 && !partial; i++) {
      await new Promise((r) => setTimeout(r, 50));
      partial = (await readdir(env.store)).find((n) => n.startsWith(`${name}-`) && n.endsWith('.partial'));
    }
    expect(partial, `the backup never started writing: ${stderr}`).toBeDefined();
    return { child, exited, partial: partial!, stderr: () => stderr };
  }

  it('Ctrl-C cancels cleanly: exit 130, nothing left in the store', async () => {
    const before = listedArchives(await runLifeboat(env, ['archives', '--json']));
    const run = await startBackup('interrupted');
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(run.stderr()).toMatch(/cancel/i);
    expect((await readdir(env.store)).filter((n) => n.startsWith('interrupted-'))).toEqual([]);
    expect(listedArchives(await runLifeboat(env, ['archives', '--json']))).toEqual(before);
  });

  it('kill -9 leaves no archive listed, and its .partial is gone at the next start', async () => {
    const before = listedArchives(await runLifeboat(env, ['archives', '--json']));
    const { child, exited, partial } = await startBackup('killed');
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(env.store, partial!))).toBe(true);
    const after = listedArchives(await runLifeboat(env, ['archives', '--json']));
    expect(after).toEqual(before);
    expect((await readdir(env.store)).filter((n) => n.startsWith('killed-'))).toEqual([]);
  });
});
