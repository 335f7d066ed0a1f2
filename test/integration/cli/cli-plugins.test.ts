/**
 * Plugins from the operator's own folder: a plain-JavaScript drop-in loads and backs up and
 * restores end to end; broken, incompatible or duplicate ones are listed as disabled with a
 * reason and never stop the app.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, archivePathOf, output, runLifeboat, type CliHome } from '../plugins/lifeboat-cli.js';
import { PLUGIN_API_VERSION } from '../../../src-main/plugin-host/plugin-api.js';

interface Listed {
  id: string;
  status: string;
  source: string;
  reason?: string;
  folder: string;
  version: string;
}

let root: string;
let env: CliHome;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-plugins-'));
  env = { home: join(root, 'home'), dataHome: join(root, 'data'), configHome: join(root, 'config'), store: join(root, 'store') };
  await mkdir(env.home, { recursive: true });
  // The user plugin folder: $XDG_DATA_HOME/lifeboat/plugins.
  await cp(join(PROJECT_DIR, 'test', 'fixtures', 'plugins'), join(env.dataHome, 'lifeboat', 'plugins'), { recursive: true });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('lifeboat plugins', () => {
  it('lists built-in and drop-in plugins, disabled ones with their reason', async () => {
    const run = await runLifeboat(env, ['plugins', '--json']);
    expect(run.code, output(run)).toBe(0);
    const list = JSON.parse(run.stdout) as Listed[];
    const byId = (id: string, source?: string) => list.find((p) => p.id === id && (!source || p.source === source));
    expect(byId('juju-client')).toMatchObject({ status: 'enabled', source: 'builtin' });
    expect(byId('dropin-ok')).toMatchObject({ status: 'enabled', source: 'user', version: '1.2.0' });
    expect(byId('dropin-ok')!.folder).toContain(join(env.dataHome, 'lifeboat', 'plugins'));
    const incompatible = list.find((p) => p.folder.endsWith('dropin-incompatible'));
    expect(incompatible).toMatchObject({ status: 'disabled' });
    expect(incompatible!.reason).toMatch(/2\.0\.0/);
    expect(incompatible!.reason).toContain(PLUGIN_API_VERSION);
    for (const folder of ['dropin-broken-manifest', 'dropin-throws', 'dropin-duplicate']) {
      const p = list.find((x) => x.folder.endsWith(folder));
      expect(p, folder).toMatchObject({ status: 'disabled' });
      expect(p!.reason, folder).toBeTruthy();
    }
    const table = await runLifeboat(env, ['plugins']);
    expect(table.stdout).toMatch(/dropin-ok\s+1\.2\.0\s+enabled/);
    expect(table.stdout).toMatch(/disabled: /);
  });

  it('probe says whether a target is reachable, with exit 0 or 1', async () => {
    const dir = join(root, 'probe-me');
    await mkdir(dir);
    const ok = await runLifeboat(env, ['probe', '--plugin', 'dropin-ok', '--opt', `dir=${dir}`, '--json']);
    expect(ok.code, output(ok)).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ reachable: true, running: true });
    const missing = await runLifeboat(env, ['probe', '--plugin', 'juju-client', '--opt', `dir=${join(root, 'nowhere')}`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('NOT reachable');
  });

  it('using a disabled plugin says why', async () => {
    const run = await runLifeboat(env, ['backup', '--plugin', 'dropin-incompatible', '--no-encrypt']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2\.0\.0/);
  });

  it('a plain-JavaScript drop-in backs up and restores end to end, with secret options redacted', async () => {
    const dir = join(root, 'notes');
    await mkdir(join(dir, 'sub', 'empty'), { recursive: true });
    await writeFile(join(dir, 'a.txt'), 'alpha\n');
    await writeFile(join(dir, 'sub', 'b.txt'), 'beta\n', { mode: 0o600 });
    const pass = join(root, 'pass');
    await writeFile(pass, 'drop-in passphrase');
    const backup = await runLifeboat(env, ['backup', '--plugin', 'dropin-ok', '--opt', `dir=${dir}`, '--opt', 'token=hunter2', '--passphrase-file', pass, '--json']);
    expect(backup.code, output(backup)).toBe(0);
    const archive = archivePathOf(backup);
    const manifest = JSON.parse((await runLifeboat(env, ['ls', archive, '--json', '--passphrase-file', pass])).stdout) as {
      plugin: { id: string; version: string };
      target: { options: Record<string, unknown> };
    };
    expect(manifest.plugin).toEqual({ id: 'dropin-ok', version: '1.2.0' });
    expect(manifest.target.options.token).toBe('***');
    expect(JSON.stringify(manifest)).not.toContain('hunter2');
    expect(backup.stderr).toContain('using token ***');
    expect(backup.stderr).not.toContain('hunter2');

    await writeFile(join(dir, 'a.txt'), 'changed after the backup\n');
    const restore = await runLifeboat(env, ['restore', archive, '--plugin', 'dropin-ok', '--opt', `dir=${dir}`, '--passphrase-file', pass, '--yes']);
    expect(restore.code, output(restore)).toBe(0);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(existsSync(join(dir, 'sub', 'empty'))).toBe(true);
    const aside = (await readdir(root)).filter((n) => n.startsWith('notes.before-restore'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(root, aside[0]!, 'a.txt'), 'utf8')).toBe('changed after the backup\n');
  });

  it('restore without a terminal and without --yes stops before changing anything (exit 2)', async () => {
    const dir = join(root, 'confirm');
    await mkdir(dir);
    await writeFile(join(dir, 'x'), 'x');
    const backup = await runLifeboat(env, ['backup', '--plugin', 'dropin-ok', '--name', 'confirm', '--opt', `dir=${dir}`, '--no-encrypt', '--json']);
    expect(backup.code, output(backup)).toBe(0);
    await writeFile(join(dir, 'x'), 'newer');
    const run = await runLifeboat(env, ['restore', archivePathOf(backup), '--plugin', 'dropin-ok', '--opt', `dir=${dir}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(await readFile(join(dir, 'x'), 'utf8')).toBe('newer');
  });
});
