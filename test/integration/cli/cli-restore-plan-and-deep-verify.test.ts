/**
 * Plugin API 1.2 through the real `lifeboat` command: `restore --dry-run` prints the plugin's
 * plan and changes nothing (neither the target folder nor the store), a plugin without a
 * plan says so with exit 2, and `verify --deep` hands the plugin ctx.deep while its context
 * never reaches the target.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJujuClientDir, snapshotTree } from '../plugins/juju-client-fixture.js';
import { createCliHome, type PassphraseCliHome } from '../plugins/cli-home.js';
import { PROJECT_DIR, archivePathOf, output, parseJson, runLifeboat } from '../plugins/lifeboat-cli.js';
import { formatBytes } from '../../../src-main/shared/format-bytes.js';

let root: string;
let env: PassphraseCliHome;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-plan-'));
  env = await createCliHome(root, 'plan passphrase');
  await cp(join(PROJECT_DIR, 'test', 'fixtures', 'plugins'), join(env.dataHome, 'lifeboat', 'plugins'), { recursive: true });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('restore --dry-run', () => {
  let source: string;
  let archive: string;

  beforeAll(async () => {
    source = join(env.home, '.local', 'share', 'juju');
    await makeJujuClientDir(source, { smallFiles: 30, bigFileBytes: 0 });
    const run = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
  });

  it('prints the numbered steps of the juju-client restore and changes neither the folder nor the store', async () => {
    const folder = await snapshotTree(source);
    const siblings = await readdir(dirname(source));
    const store = await snapshotTree(env.store);

    const run = await runLifeboat(env, ['restore', archive, '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--dry-run']);
    expect(run.code, output(run)).toBe(0);
    expect(run.stdout).toContain(`Restore plan for ${basename(archive)} onto juju-client (nothing was changed):`);
    expect(run.stdout).toMatch(new RegExp(`1\\. .*\\n.*2\\. Move the current ${escape(source)} aside to ${escape(source)}\\.lifeboat-\\d{8}-\\d{6}`));
    // The counts come from the manifest; they must be what is in the folder that was backed up.
    const entries = [...folder.values()];
    const files = entries.filter((e) => e.type === 'file');
    const folders = entries.filter((e) => e.type === 'directory').length - 1;
    const bytes = files.reduce((sum, e) => sum + (e.size ?? 0), 0);
    expect(run.stdout).toContain(
      `3. Extract .local/share/juju/ from the archive into ${source}: ${files.length} files, ${folders} folders, 3 links, ${formatBytes(bytes)} (from the manifest)`,
    );
    expect(run.stdout).toContain('a real restore first verifies the whole archive');

    expect(await snapshotTree(source)).toEqual(folder);
    expect(await readdir(dirname(source))).toEqual(siblings);
    expect((await readdir(dirname(source))).filter((n) => n.includes('.lifeboat-'))).toEqual([]);
    expect(await snapshotTree(env.store)).toEqual(store);
  });

  it('prints {plan} as JSON, and plans to create a destination that is not there without creating it', async () => {
    const to = join(root, 'not-yet', 'juju');
    const run = await runLifeboat(env, ['restore', archive, '--plugin', 'juju-client', '--opt', `to=${to}`, '--passphrase-file', env.passFile, '--dry-run', '--json']);
    expect(run.code, output(run)).toBe(0);
    const { plan } = parseJson(run) as { plan: { steps: string[]; warnings?: string[] } };
    expect(plan.steps).toContainEqual(expect.stringContaining(`Create ${to}`));
    expect(plan.steps.join('\n')).not.toContain('.lifeboat-');
    expect(await readdir(root)).not.toContain('not-yet');
  });

  it('with a plugin that has no plan, says so and exits 2 without touching anything', async () => {
    const dir = join(root, 'notes');
    await mkdir(dir);
    await writeFile(join(dir, 'a.txt'), 'alpha\n');
    const backup = await runLifeboat(env, ['backup', '--plugin', 'dropin-ok', '--opt', `dir=${dir}`, '--no-encrypt', '--json']);
    expect(backup.code, output(backup)).toBe(0);
    await writeFile(join(dir, 'a.txt'), 'changed\n');
    const run = await runLifeboat(env, ['restore', archivePathOf(backup), '--plugin', 'dropin-ok', '--opt', `dir=${dir}`, '--dry-run']);
    expect(run.code, output(run)).toBe(2);
    expect(run.stderr).toContain('Folder (drop-in example) cannot show a restore plan (it has no dry run)');
    expect(run.stdout).toBe('');
    expect((await readdir(root)).filter((n) => n.startsWith('notes'))).toEqual(['notes']);
  });
});

describe('verify --deep', () => {
  let archive: string;
  const noEngine = (): string => join(root, 'no-engine.sock');

  beforeAll(async () => {
    const dir = join(root, 'deep-source');
    await mkdir(dir);
    await writeFile(join(dir, 'x.txt'), 'x\n');
    // The target has an ssh option to a port nothing listens on, and a socket on that host:
    // verify must use neither.
    const config = {
      targets: {
        remote: { plugin: 'dropin-verify-deep', options: { dir, ssh: { host: '127.0.0.1', port: 9, user: 'nobody' }, dockerSocket: '/remote/docker.sock' } },
      },
    };
    await mkdir(join(env.configHome, 'lifeboat'), { recursive: true });
    await writeFile(join(env.configHome, 'lifeboat', 'config.yaml'), JSON.stringify(config));
    const run = await runLifeboat(env, ['backup', 'remote', '--no-encrypt', '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
  });

  it('without --deep, the plugin sees deep=false and ssh() rejected as a usage error', async () => {
    const run = await runLifeboat(env, ['verify', archive]);
    expect(run.code, output(run)).toBe(0);
    expect(run.stderr).toContain('verify context: deep=false');
    expect(run.stderr).toContain('ssh() rejected with usage: Verify does not connect to the target');
    expect(run.stderr).not.toMatch(/docker\(\) (failed|reached)/);
  });

  it('with --deep, the plugin sees deep=true and its Docker engine is this machine\'s, not the target\'s', async () => {
    const run = await runLifeboat(env, ['verify', archive, '--deep'], { env: { DOCKER_HOST: `unix://${noEngine()}` } });
    expect(run.code, output(run)).toBe(0);
    expect(run.stderr).toContain('verify context: deep=true');
    expect(run.stderr).toContain('ssh() rejected with usage');
    expect(run.stderr).toContain(`docker() failed: Could not reach the Docker engine at unix://${noEngine()}`);
    expect(run.stderr).not.toContain('/remote/docker.sock');
    expect(output(run)).toContain('is intact');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
