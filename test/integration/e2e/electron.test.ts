/**
 * The real Electron app, driven by Playwright's `_electron`: the built out/main/index.js in an
 * isolated home, with the passphrase from LIFEBOAT_PASSPHRASE. The window opens on app://,
 * Plugins lists the four built-in plugins, a juju-client target is added and backed up through
 * the window, the job succeeds and Archives lists the archive.
 *
 * Electron's binary cannot be downloaded on this machine (its npm package installs without it),
 * so where it is missing the scenario is SKIPPED and says why, in its name and on stderr; it never
 * passes without running. The built preload is checked either way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, showView } from '../helpers/serve.js';
import { createCliHome, type PassphraseCliHome } from '../plugins/cli-home.js';
import { makeJujuClientDir } from '../plugins/juju-client-fixture.js';
import { PROJECT_DIR } from '../plugins/lifeboat-cli.js';

const PASSPHRASE = 'e2e electron passphrase';
const TARGET = 'laptop';
const BUILTIN_PLUGINS = ['bitnobi', 'btcpay', 'juju-client', 'juju-state'];
const UI = { timeout: 30_000, interval: 200 };
const JOB = { timeout: 180_000, interval: 250 };

type ElectronBinary =
  | { readonly kind: 'present'; readonly path: string }
  /** Not installed: the scenario is skipped, saying what was checked. */
  | { readonly kind: 'missing'; readonly reason: string }
  /** Installed but does not run: that is a broken machine, and the test fails saying so. */
  | { readonly kind: 'broken'; readonly reason: string };

/**
 * Finds the Electron binary the way the electron package's index.js does, without requiring
 * it: requiring it starts a download when the binary is missing, and that cannot work here.
 * Then checks that it runs, as Node (ELECTRON_RUN_AS_NODE), which needs no display.
 */
function findElectronBinary(): ElectronBinary {
  const pkg = join(PROJECT_DIR, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const exe = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : undefined;
  const notInstalled = 'Electron binary not installed (cannot be downloaded on this machine)';
  if (!override && !exe) {
    return { kind: 'missing', reason: `${notInstalled}: ${pathTxt} does not exist and ELECTRON_OVERRIDE_DIST_PATH is not set` };
  }
  const binary = override ? join(override, exe || 'electron') : join(pkg, 'dist', exe as string);
  if (!existsSync(binary)) return { kind: 'missing', reason: `${notInstalled}: ${binary} does not exist` };
  const run = spawnSync(binary, ['-p', 'process.versions.electron'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  if (run.status !== 0 || !/^\d+\.\d+\.\d+/.test(run.stdout.trim())) {
    const said = (run.stderr || run.stdout || String(run.error ?? '')).trim();
    return { kind: 'broken', reason: `the Electron binary at ${binary} does not run (exit ${run.status ?? run.signal}): ${said}` };
  }
  return { kind: 'present', path: binary };
}

const electron = findElectronBinary();
if (electron.kind === 'missing') console.warn(`SKIPPED: the real-Electron end-to-end test. ${electron.reason}.`);

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed (exit ${build.status}):\n${build.stderr}${build.stdout}`);
});

describe('the built preload', () => {
  it('requires nothing but electron (a sandboxed preload can load nothing else) and exposes the two bridges', () => {
    const preload = readFileSync(join(PROJECT_DIR, 'out', 'preload', 'index.cjs'), 'utf8');
    const required = new Set([...preload.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    // No dynamic require or import that the pattern above would not see.
    expect(preload).not.toMatch(/\brequire\(\s*[^"'`\s]/);
    expect(preload).not.toMatch(/\bimport\(/);
    expect(preload).toContain('exposeInMainWorld("lifeboat"');
    expect(preload).toContain('exposeInMainWorld("lifeboatFiles"');
    expect(preload).toContain('getPathForFile');
  });
});

/** A private X display when there is none and Xvfb is installed; undefined otherwise. */
function startXvfb(): { display: string; child: ChildProcess } | undefined {
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  const xvfb = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'Xvfb')).find((p) => existsSync(p));
  if (!xvfb) return undefined;
  const display = `:${90 + (process.pid % 100)}`;
  const child = spawn(xvfb, [display, '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  return { display, child };
}

describe.runIf(electron.kind === 'broken')('the Electron binary', () => {
  it('runs', () => {
    throw new Error(electron.kind === 'broken' ? electron.reason : 'unreachable');
  });
});

describe.skipIf(electron.kind !== 'present')(
  electron.kind === 'missing' ? `the juju-client scenario in the real Electron app — SKIPPED: ${electron.reason}` : 'the juju-client scenario in the real Electron app',
  () => {
    let root: string;
    let env: PassphraseCliHome;
    let jujuDir: string;
    let xvfb: ReturnType<typeof startXvfb>;
    let app: ElectronApplication;
    let page: Page;
    const problems: string[] = [];
    let archiveName: string;

    const shot = (step: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `electron-${step}.png`) });

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      root = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-electron-'));
      env = await createCliHome(root, PASSPHRASE);
      jujuDir = join(env.home, '.local', 'share', 'juju');
      await makeJujuClientDir(jujuDir, { smallFiles: 40, bigFileBytes: 4 * 1024 * 1024 });
      xvfb = startXvfb();

      const args = [PROJECT_DIR];
      // Chromium refuses to start as root with its sandbox; the window's own sandbox flag stays set.
      if (process.getuid?.() === 0) args.push('--no-sandbox');
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !xvfb) args.push('--ozone-platform=headless');
      app = await _electron.launch({
        executablePath: electron.kind === 'present' ? electron.path : '',
        args,
        cwd: PROJECT_DIR,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: env.home,
          XDG_DATA_HOME: env.dataHome,
          XDG_CONFIG_HOME: env.configHome,
          XDG_CACHE_HOME: join(root, 'cache'),
          LIFEBOAT_STORE: env.store,
          LIFEBOAT_PASSPHRASE: PASSPHRASE,
          LANG: 'C.UTF-8',
          ...(xvfb ? { DISPLAY: xvfb.display } : process.env.DISPLAY ? { DISPLAY: process.env.DISPLAY } : {}),
        },
      });
      page = await app.firstWindow();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.waitForLoadState('domcontentloaded');
    });

    afterAll(async () => {
      await app?.close().catch(() => undefined);
      xvfb?.child.kill();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('opens the window from app:// with only the preload bridges, and keeps its data in the isolated home', async () => {
      expect(page.url()).toBe('app://lifeboat/index.html');
      const seen = await page.evaluate(() => ({
        bridge: typeof (window as unknown as { lifeboat?: unknown }).lifeboat,
        files: typeof (window as unknown as { lifeboatFiles?: { pathFor?: unknown } }).lifeboatFiles?.pathFor,
        node: typeof (globalThis as unknown as { require?: unknown }).require,
        process: typeof (globalThis as unknown as { process?: unknown }).process,
      }));
      expect(seen).toEqual({ bridge: 'object', files: 'function', node: 'undefined', process: 'undefined' });
      const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
      expect(userData.startsWith(env.configHome)).toBe(true);
    });

    it('lists the four built-in plugins', async () => {
      await showView(page, 'Plugins');
      const items = page.locator('li.plugin');
      await expect.poll(() => items.count(), UI).toBe(BUILTIN_PLUGINS.length);
      const texts = (await items.allInnerTexts()).join('\n');
      for (const id of BUILTIN_PLUGINS) expect(texts).toContain(`${id} · version`);
      await shot('plugins');
    });

    it('adds a juju-client target from the plugin form', async () => {
      await showView(page, 'Targets');
      await page.getByRole('button', { name: 'Add target' }).click();
      const form = page.getByRole('form', { name: 'New target' });
      await form.getByLabel('Name').fill(TARGET);
      await form.getByLabel('What it is').selectOption('juju-client');
      await form.getByLabel('dir', { exact: true }).fill(jujuDir);
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => form.count(), UI).toBe(0);
      const item = page.locator(`li[data-target="${TARGET}"]`);
      await expect.poll(() => item.count(), UI).toBe(1);
      expect(await item.innerText()).toContain('juju-client');
    });

    it('backs it up and the job succeeds', async () => {
      await page.locator(`li[data-target="${TARGET}"]`).getByRole('button', { name: 'Back up now' }).click();
      await showView(page, 'Jobs');
      const finished = page
        .getByRole('region', { name: 'Finished' })
        .getByRole('listitem')
        .filter({ has: page.getByText(`Back up ${TARGET}`, { exact: true }) })
        .first();
      await expect.poll(() => finished.count(), { ...JOB, message: 'the backup never finished' }).toBe(1);
      expect((await finished.locator('.badge').first().innerText()).trim()).toBe('succeeded');
      const archivePath = (await finished.locator('[title$=".tar.gz.gpg"]').getAttribute('title')) ?? '';
      expect(archivePath).toMatch(new RegExp(`/${TARGET}-\\d{8}-\\d{6}\\.tar\\.gz\\.gpg$`));
      archiveName = archivePath.split('/').pop() as string;
      expect(await readdir(env.store)).toContain(archiveName);
      await shot('job-succeeded');
    });

    it('lists the archive in Archives', async () => {
      await showView(page, 'Archives');
      await expect.poll(() => page.getByRole('button', { name: `Open ${archiveName}` }).count(), UI).toBe(1);
      await shot('archives');
      expect(problems).toEqual([]);
    });
  },
);
