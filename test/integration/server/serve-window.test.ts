/**
 * The window as an operator on a headless host meets it: `lifeboat serve` started as a
 * process (the built CLI), the printed URL opened in Debian's Chromium. The page reaches the
 * real service over the WebSocket: it shows the built-in plugins and the archive a real
 * `lifeboat backup` made. Ctrl-C then stops the server cleanly. Screenshots of each view go to
 * out/test-artifacts/serve-*.png.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifeboatBridge } from '../../../src-main/shared/ipc-contract.js';
import { ARTIFACTS, closeServeTest, openServedPage, prepareServeTest, serveEnv, showView as showViewOf, startServe, type ServeProcess } from '../helpers/serve.js';
import { type PassphraseCliHome } from '../plugins/cli-home.js';
import { PROJECT_DIR, archivePathOf, output, runLifeboat } from '../plugins/lifeboat-cli.js';

const PASSPHRASE = 'serve window test passphrase';

let root: string;
let env: PassphraseCliHome;
let archive: string;
let served: ServeProcess;
let url: string;
let browser: Browser;
let page: Page;
let problems: string[] = [];

const showView = (name: string): Promise<void> => showViewOf(page, name);

beforeAll(async () => {
  ({ root, home: env } = await prepareServeTest('serve-window', PASSPHRASE));
  const source = join(env.home, '.local', 'share', 'juju');
  await mkdir(source, { recursive: true });
  await writeFile(join(source, 'controllers.yaml'), 'controllers:\n  prod:\n    uuid: 1234\n');
  const made = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${source}`, '--passphrase-file', env.passFile, '--json']);
  expect(made.code, output(made)).toBe(0);
  archive = archivePathOf(made);

  served = await startServe(env, ['--passphrase-file', env.passFile]);
  url = served.url;
  ({ browser, page, problems } = await openServedPage(url));
});

afterAll(() => closeServeTest({ browser, served, root }));

describe('lifeboat serve in a browser', () => {
  it('prints a loopback URL with a token, and the page drops the token from the address', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(page.url()).not.toContain('token=');
    expect(served.stderr()).not.toContain('WARNING');
  });

  it('shows the built-in plugins, all enabled', async () => {
    await showView('Plugins');
    // Each plugin is an item showing "<id> · version <v>"; a disabled one says so.
    const itemOf = async (id: string) => (await page.locator('li').allInnerTexts()).filter((t) => t.includes(`${id} · version`));
    for (const id of ['juju-client', 'btcpay', 'bitnobi', 'juju-state']) {
      await expect.poll(async () => (await itemOf(id)).length, { message: id }).toBe(1);
      expect((await itemOf(id))[0], id).not.toMatch(/disabled/i);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'serve-plugins.png'), fullPage: true });
  });

  it('lists the archive `lifeboat backup` made, passphrase-encrypted', async () => {
    await showView('Archives');
    const row = page.locator('table tbody tr', { hasText: 'juju-client' });
    await expect.poll(() => row.count(), { message: basename(archive) }).toBe(1);
    expect(await row.innerText()).toMatch(/Passphrase/);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-archives.png'), fullPage: true });
  });

  it('works from the keyboard alone: arrows through the views, Enter opens the archive, type to search, focus always visible', async () => {
    await page.reload();
    await page.locator('nav[aria-label="Views"]').waitFor();
    /** Presses Tab until `target` has the focus (at most 60 times), checking the focus is drawn each time. */
    const tabTo = async (target: ReturnType<Page['locator']>, what: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return undefined;
          // A date input's focus sits on its inner month/day/year field, which Chromium highlights itself.
          if (el instanceof HTMLInputElement && el.type === 'date') return undefined;
          return { what: `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`, outline: getComputedStyle(el).outlineStyle };
        });
        if (focus) expect(focus.outline, `${focus.what} has the focus but no visible outline`).not.toBe('none');
        if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
      }
      throw new Error(`Tab never reached ${what}`);
    };
    await tabTo(page.locator('nav [data-view="Targets"]'), 'the Targets view button');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('nav [aria-current="page"]').innerText()).toBe('Archives');
    await tabTo(page.getByRole('button', { name: `Open ${basename(archive)}` }), 'the archive\'s Open button');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: basename(archive) }).waitFor();
    await tabTo(page.getByLabel('Search the files'), 'the tree search');
    await page.keyboard.type('controllers');
    await expect.poll(() => page.getByText('1 match', { exact: false }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-keyboard.png'), fullPage: true });
  });

  it('loaded without CSP violations or errors', () => {
    expect(problems).toEqual([]);
  });

  it('stops on Ctrl-C with exit 0', async () => {
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).toContain('Stopped.');
    // The page is still open: its calls now fail with a message saying what happened.
    const answer = await page.evaluate(() => (window as unknown as { lifeboat: LifeboatBridge }).lifeboat.pluginsList());
    expect(answer).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!answer.ok) expect(answer.error.message).toContain('connection to `lifeboat serve` is lost');
  });
});

describe('lifeboat serve options', () => {
  it('warns loudly when --host is not a loopback address', async () => {
    const child = spawn(process.execPath, [join(PROJECT_DIR, 'bin', 'lifeboat.js'), 'serve', '--host', '0.0.0.0'], {
      cwd: PROJECT_DIR,
      env: serveEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await expect.poll(() => stdout, { timeout: 30_000 }).toMatch(/\?token=/);
    expect(stderr).toContain('WARNING: listening on 0.0.0.0');
    expect(stderr).toContain('No passphrase given');
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a bad --port is a usage error (exit 2)', async () => {
    const run = await runLifeboat(env, ['serve', '--port', 'eighty']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port must be a number');
  });
});
