/**
 * Secrets and the plugins folder as an operator on a headless host meets them: `lifeboat
 * serve --passphrase-file F` (the built CLI as a process) in Debian's Chromium. Settings says
 * the window keeps no secrets and names the passphrase file; Open plugins folder names the
 * folder to open by hand, which it made. Screenshots: out/test-artifacts/serve-secrets-*.png.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, closeServeTest, openServedPage, prepareServeTest, showView as showViewOf, startServe, type ServeProcess } from '../helpers/serve.js';
import { type PassphraseCliHome } from '../plugins/cli-home.js';

let root: string;
let env: PassphraseCliHome;
let served: ServeProcess;
let browser: Browser;
let page: Page;
let problems: string[] = [];

const showView = (name: string): Promise<void> => showViewOf(page, name);

beforeAll(async () => {
  ({ root, home: env } = await prepareServeTest('serve-secrets', 'serve secrets test passphrase'));
  served = await startServe(env, ['--passphrase-file', env.passFile]);
  ({ browser, page, problems } = await openServedPage(served.url));
});

afterAll(() => closeServeTest({ browser, served, root }));

describe('lifeboat serve: secrets and the plugins folder', () => {
  it('Settings says the window keeps no secrets and where the passphrase comes from', async () => {
    await showView('Settings');
    const secrets = page.locator('fieldset.secrets');
    await expect.poll(() => secrets.innerText()).toContain(`Read from the file ${env.passFile}.`);
    const text = await secrets.innerText();
    expect(text).toContain('served by lifeboat serve, which keeps no secrets');
    expect(text).toContain('--passphrase-file FILE');
    expect(await secrets.locator('input[type=password]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-secrets-settings.png'), fullPage: true });
  });

  it('Open plugins folder names the folder to open on the server, and makes it', async () => {
    const folder = join(env.dataHome, 'lifeboat', 'plugins');
    await showView('Plugins');
    await page.getByRole('button', { name: 'Open plugins folder' }).click();
    await expect.poll(() => page.locator('.folder__message').innerText()).toContain(`Open ${folder} on the machine running Lifeboat`);
    expect((await stat(folder)).isDirectory()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-secrets-plugins-folder.png'), fullPage: true });
  });

  it('showed no errors in the console', () => {
    expect(problems).toEqual([]);
  });
});
