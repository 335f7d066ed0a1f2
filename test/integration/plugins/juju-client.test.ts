/**
 * The juju-client plugin end to end through the real `lifeboat` command: back up a
 * generated Juju client folder, restore it, read it back with plain gpg + tar, and refuse
 * partial backups of folders the user cannot fully read.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTrees, makeJujuClientDir, snapshotTree, type TreeEntry } from './juju-client-fixture.js';
import { createCliHome, type PassphraseCliHome } from './cli-home.js';
import { PROJECT_DIR, archivePathOf, listedArchives, listedPaths, output, runLifeboat } from './lifeboat-cli.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const PASSPHRASE = 'correct horse battery staple juju';

let root: string;

const makeCliHome = (base: string): Promise<PassphraseCliHome> => createCliHome(base, PASSPHRASE);

function withoutPrefix(tree: Map<string, TreeEntry>, prefix: string): Map<string, TreeEntry> {
  return new Map([...tree].filter(([p]) => p !== prefix && !p.startsWith(prefix + '/')));
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-juju-client-'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('juju-client: a 2.x client folder with 10,000 small files and a 200 MB file', () => {
  let env: PassphraseCliHome;
  let source: string;
  let before: Map<string, TreeEntry>;
  let archive: string;

  beforeAll(async () => {
    env = await makeCliHome(join(root, 'big'));
    source = join(env.home, '.local', 'share', 'juju');
    await makeJujuClientDir(source, { smallFiles: 10_000, bigFileBytes: 200 * 1024 * 1024 });
    before = await snapshotTree(source);
  });

  it('backs up into the store, listed with the folder under its place in $HOME', async () => {
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    expect(archive.startsWith(env.store)).toBe(true);

    const archives = await runLifeboat(env, ['archives', '--json']);
    expect(archives.code, output(archives)).toBe(0);
    expect(listedArchives(archives)).toContain(archive);

    const ls = await runLifeboat(env, ['ls', archive, '--json', '--passphrase-file', env.passFile]);
    expect(ls.code, output(ls)).toBe(0);
    const paths = listedPaths(ls);
    expect(paths).toEqual(expect.arrayContaining([
      '.local/share/juju/ssh/juju_id_rsa',
      '.local/share/juju/accounts.yaml',
      '.local/share/juju/cache/charms/big.charm',
      '.local/share/juju/models/empty',
      '.local/share/juju/keys',
    ]));
    expect(paths.filter((p) => p.startsWith('.local/share/juju/cache/d')).length).toBeGreaterThanOrEqual(10_000);
    // The secrets are not readable in the archive file itself.
    const head = (await readFile(archive)).subarray(0, 1 << 20).toString('latin1');
    expect(head).not.toContain('s3cr3t-not-real');
  });

  it('verifies', async () => {
    const run = await runLifeboat(env, ['verify', archive, '--passphrase-file', env.passFile]);
    expect(run.code, output(run)).toBe(0);
  });

  it('restores to another folder with the same contents, modes, mtimes and symlinks', async () => {
    const to = join(root, 'big', 'restored', 'juju');
    const run = await runLifeboat(env, ['restore', archive, '--plugin', 'juju-client', '--opt', `to=${to}`, '--passphrase-file', env.passFile, '--yes']);
    expect(run.code, output(run)).toBe(0);
    const after = await snapshotTree(to);
    expect(diffTrees(before, after).slice(0, 20)).toEqual([]);
    expect(after.get('accounts.yaml')?.mode).toBe(0o600);
    expect(after.get('keys')).toEqual({ type: 'symlink', mode: 0, linkname: 'ssh' });
    await rm(join(root, 'big', 'restored'), { recursive: true, force: true });
  });

  it('is put back exactly by `gpg -d | tar -xz` in a home folder, without Lifeboat', async () => {
    const otherHome = join(root, 'big', 'plain-home');
    const gnupgHome = join(root, 'big', 'gnupg');
    await mkdir(otherHome, { recursive: true });
    await mkdir(gnupgHome, { mode: 0o700 });
    // The passphrase goes through fd 3, never argv; pipefail makes a gpg failure fail the run.
    const script = 'set -o pipefail; cd "$1" && gpg --batch --quiet --pinentry-mode loopback --passphrase-fd 3 --decrypt "$2" 3<"$3" | tar -xz';
    const r = spawnSync('bash', ['-c', script, 'restore', otherHome, archive, env.passFile], {
      env: { PATH: process.env.PATH, HOME: otherHome, GNUPGHOME: gnupgHome },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const after = await snapshotTree(join(otherHome, '.local', 'share', 'juju'));
    expect(diffTrees(before, after).slice(0, 20)).toEqual([]);
    await rm(otherHome, { recursive: true, force: true });
  });
});

describe('juju-client: exclude, and restoring over the folder in place', () => {
  let env: PassphraseCliHome;
  let source: string;
  let before: Map<string, TreeEntry>;
  let archive: string;

  beforeAll(async () => {
    env = await makeCliHome(join(root, 'small'));
    // Outside $HOME: the archive folder is the directory's basename.
    source = join(root, 'small', 'elsewhere', 'juju');
    await makeJujuClientDir(source, { smallFiles: 50, bigFileBytes: 0, localProviders: true });
    before = await snapshotTree(source);
  });

  it('leaves out excluded sub-folders', async () => {
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--opt', 'exclude=local', '--passphrase-file', env.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    const paths = listedPaths(await runLifeboat(env, ['ls', archive, '--json', '--passphrase-file', env.passFile]));
    expect(paths).toContain('juju/local2/agents/agent.conf');
    expect(paths).toContain('juju/controllers.yaml');
    expect(paths.filter((p) => p === 'juju/local' || p.startsWith('juju/local/'))).toEqual([]);
  });

  it('gives back one lost SSH key with `extract`, mode kept', async () => {
    const to = join(root, 'small', 'one-key');
    const run = await runLifeboat(env, ['extract', archive, 'juju/ssh/juju_id_rsa', '--to', to, '--passphrase-file', env.passFile]);
    expect(run.code, output(run)).toBe(0);
    const key = join(to, 'juju', 'ssh', 'juju_id_rsa');
    expect(await readFile(key, 'utf8')).toBe(await readFile(join(source, 'ssh', 'juju_id_rsa'), 'utf8'));
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(to, 'juju'))).toEqual(['ssh']);
  });

  it('does nothing when the operator does not confirm', async () => {
    await writeFile(join(source, 'added-after-backup.txt'), 'keep me\n');
    const run = await runLifeboat(env, ['restore', archive, '--plugin', 'juju-client', '--passphrase-file', env.passFile]);
    // Off a terminal a destructive step needs --yes: refused as a usage error, nothing touched.
    expect(run.code, output(run)).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(await readFile(join(source, 'added-after-backup.txt'), 'utf8')).toBe('keep me\n');
    expect((await readdir(join(root, 'small', 'elsewhere'))).sort()).toEqual(['juju']);
  });

  it('restores to where the backup came from, moving the folder in place aside and saying where', async () => {
    const run = await runLifeboat(env, ['restore', archive, '--plugin', 'juju-client', '--passphrase-file', env.passFile, '--yes']);
    expect(run.code, output(run)).toBe(0);
    const siblings = await readdir(join(root, 'small', 'elsewhere'));
    const aside = siblings.find((n) => /^juju\.lifeboat-\d{8}-\d{6}$/.test(n));
    expect(aside, `folders: ${siblings.join(', ')}`).toBeDefined();
    expect(output(run)).toContain(join(root, 'small', 'elsewhere', aside!));
    // The moved-aside folder is the one that was in place, untouched.
    expect(await readFile(join(root, 'small', 'elsewhere', aside!, 'added-after-backup.txt'), 'utf8')).toBe('keep me\n');
    const after = await snapshotTree(source);
    expect(diffTrees(withoutPrefix(before, 'local'), after)).toEqual([]);
  });
});

describe('juju-client: a restore that fails part way', () => {
  it('moves the folder it had moved aside back into place', async () => {
    const env = await makeCliHome(join(root, 'rollback'));
    const source = join(root, 'rollback', 'client', 'juju');
    await makeJujuClientDir(source, { smallFiles: 5, bigFileBytes: 0 });
    // A link out of the folder backs up fine, but safe extraction refuses it after the
    // folder in place was moved aside: the failure this test needs.
    await symlink('/etc/hostname', join(source, 'outside-link'));
    const backup = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--json']);
    expect(backup.code, output(backup)).toBe(0);
    await writeFile(join(source, 'newer.txt'), 'still here\n');

    const run = await runLifeboat(env, ['restore', archivePathOf(backup), '--plugin', 'juju-client', '--passphrase-file', env.passFile, '--yes']);
    expect(run.code, output(run)).toBe(1);
    expect(await readFile(join(source, 'newer.txt'), 'utf8')).toBe('still here\n');
    expect(await readdir(join(root, 'rollback', 'client'))).toEqual(['juju']);
  });
});

describe('juju-client: finding the client folder when no dir is given', () => {
  let env: PassphraseCliHome;

  beforeAll(async () => {
    env = await makeCliHome(join(root, 'detect'));
    await makeJujuClientDir(join(env.home, '.juju'), { smallFiles: 0, bigFileBytes: 0 });
  });

  async function backedUpRoots(extraEnv: Record<string, string> = {}): Promise<string[]> {
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--passphrase-file', env.passFile, '--json'], { env: extraEnv });
    expect(run.code, output(run)).toBe(0);
    const ls = await runLifeboat(env, ['ls', archivePathOf(run), '--json', '--passphrase-file', env.passFile]);
    return [...new Set(listedPaths(ls).filter((p) => p.endsWith('/controllers.yaml')))];
  }

  it('takes ~/.juju when it is the only one, ~/.local/share/juju once that exists, and $JUJU_DATA over both', async () => {
    expect(await backedUpRoots()).toEqual(['.juju/controllers.yaml']);
    await makeJujuClientDir(join(env.home, '.local', 'share', 'juju'), { smallFiles: 0, bigFileBytes: 0 });
    expect(await backedUpRoots()).toEqual(['.local/share/juju/controllers.yaml']);
    const elsewhere = join(root, 'detect', 'juju-data');
    await makeJujuClientDir(elsewhere, { smallFiles: 0, bigFileBytes: 0 });
    expect(await backedUpRoots({ JUJU_DATA: elsewhere })).toEqual(['juju-data/controllers.yaml']);
  });
});

describe('juju-client: files this user cannot read', () => {
  let env: PassphraseCliHome;
  let source: string;
  let base: string;

  beforeAll(async () => {
    base = join(root, 'unreadable');
    env = await makeCliHome(base);
    source = join(env.home, '.juju');
    await makeJujuClientDir(source, { smallFiles: 20, bigFileBytes: 0, localProviders: true });
    if (isRoot) {
      // Everything belongs to nobody except what the local provider made as root.
      execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, base]);
      // mkdtemp made the test's root folder 0700: let nobody through it, not list it.
      await chmod(root, 0o711);
      await chmod(base, 0o755);
      await chown(join(source, 'local'), 0, 0);
      await chown(join(source, 'local2', 'agents', 'agent.conf'), 0, 0);
    } else {
      await chmod(join(source, 'local'), 0o000);
      await chmod(join(source, 'local2', 'agents', 'agent.conf'), 0o000);
    }
  });

  afterAll(async () => {
    // A non-root user needs its permissions back to delete the folder.
    if (!isRoot) {
      await chmod(join(source, 'local'), 0o700).catch(() => {});
      await chmod(join(source, 'local2', 'agents', 'agent.conf'), 0o600).catch(() => {});
    }
  });

  it('fails with exit 1, names the files and both ways out, and keeps no archive', async () => {
    const asNobody = isRoot;
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile], { asNobody });
    expect(run.code, output(run)).toBe(1);
    const text = output(run);
    expect(text).toContain('local2/agents/agent.conf');
    expect(text).toMatch(/\blocal\b/);
    expect(text).toMatch(/sudo|as root/);
    expect(text).toContain('--opt exclude=local');

    const archives = await runLifeboat(env, ['archives', '--json'], { asNobody });
    expect(archives.code, output(archives)).toBe(0);
    expect(listedArchives(archives)).toEqual([]);
    const left = (await readdir(env.store)).filter((n) => n.includes('.tar.gz'));
    expect(left).toEqual([]);
  });

  it('backs up once those folders are excluded', async () => {
    const asNobody = isRoot;
    const run = await runLifeboat(
      env,
      ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--opt', 'exclude=local', '--opt', 'exclude=local2', '--passphrase-file', env.passFile, '--json'],
      { asNobody },
    );
    expect(run.code, output(run)).toBe(0);
    const archive = archivePathOf(run);
    expect((await stat(archive)).size).toBeGreaterThan(0);
    const paths = listedPaths(await runLifeboat(env, ['ls', archive, '--json', '--passphrase-file', env.passFile], { asNobody }));
    expect(paths).toContain('.juju/controllers.yaml');
    expect(paths.filter((p) => p.startsWith('.juju/local'))).toEqual([]);
  });
});
