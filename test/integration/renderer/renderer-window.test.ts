// The built window in Debian's Chromium, under the same CSP and file rules the app://
// protocol applies. Electron cannot run here, so a stand-in `window.lifeboat` answers the
// way the preload does (and pushes events when the test says so); what is checked is what
// the operator sees in each view. Screenshots go to out/test-artifacts/.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveRendererFile } from '../../../src-main/app/renderer-files.js';
import type { AppInfo, EventChannel, EventPayload, IpcResult, RestorePlanView } from '../../../src-main/shared/ipc-contract.js';
import type { ArchiveInfo } from '../../../src-main/shared/models/archive.js';
import type { ArchiveTree, ManifestHeader } from '../../../src-main/shared/models/archive-browser.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';
import type { AppSettings } from '../../../src-main/shared/models/settings.js';
import type { TargetView } from '../../../src-main/shared/models/target.js';
import { ensureDebianPackages } from '../../env/debian-packages.mjs';

const repo = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = join(repo, 'out', 'test-artifacts');

const appInfo: AppInfo = { version: '0.1.0', store: '/home/op/.local/share/lifeboat/archives', pluginsDir: '/home/op/.local/share/lifeboat/plugins' };
const btcpaySchema = {
  type: 'object',
  properties: {
    ssh: {
      type: 'object',
      description: 'How to reach the BTCPay host over SSH.',
      required: ['host'],
      properties: { host: { type: 'string', description: 'Host name or address' }, password: { type: 'string', secret: true, description: 'Login password' } },
    },
    exclude: { type: 'array', items: { type: 'string' }, description: 'More paths to leave out', builtinItems: ['**/logs/*'] },
  },
};
const plugins: PluginInfo[] = [
  { id: 'juju-client', displayName: 'Juju client directory', version: '0.1.0', apiVersion: '^1.0.0', folder: '/opt/Lifeboat/resources/plugins/juju-client', source: 'builtin', status: 'enabled', optionsSchema: { type: 'object', properties: { dir: { type: 'string', description: 'The Juju client directory' } } } },
  { id: 'btcpay', displayName: 'BTCPay Server', version: '1.0.0', apiVersion: '^1.0.0', folder: '/opt/Lifeboat/resources/plugins/btcpay', source: 'builtin', status: 'enabled', optionsSchema: btcpaySchema },
  { id: 'notes', displayName: 'Notes folder', version: '1.0.0', apiVersion: '^2.0.0', folder: '/home/op/.local/share/lifeboat/plugins/notes', source: 'user', status: 'disabled', reason: 'it needs plugin API ^2.0.0' },
];
const archives: ArchiveInfo[] = [
  { path: '/s/a.tar.gz.gpg', fileName: 'juju-client-2026-11-20T10-00-00Z.tar.gz.gpg', target: 'juju-client', createdAt: '2026-11-20T10:00:00Z', size: 48_234_567, encryption: { kind: 'passphrase' }, hasIndex: true, lastVerification: { at: '2026-11-20T11:00:00Z', ok: true, message: 'All 3 files match.' } },
  { path: '/s/b.tar.gz', fileName: 'btcpay-2026-11-21T08-00-00Z.tar.gz', target: 'btcpay', createdAt: '2026-11-21T08:00:00Z', size: 1234, encryption: { kind: 'none' }, hasIndex: false },
];
const DAY = 86_400_000;
const targets: TargetView[] = [
  { name: 'juju-client', plugin: 'juju-client', pluginStatus: 'enabled', options: { dir: '/home/op/.local/share/juju' }, lastBackup: { at: new Date(Date.now() - 2 * DAY).toISOString(), archive: '/s/a.tar.gz.gpg', ok: true }, stale: false, busy: false },
  { name: 'shop', plugin: 'btcpay', pluginStatus: 'enabled', options: { ssh: { host: 'btcpay.example', password: '***' } }, lastBackup: { at: new Date(Date.now() - 12 * DAY).toISOString(), archive: '/s/b.tar.gz', ok: true }, stale: true, busy: false },
];
const settings: AppSettings = { store: appInfo.store, warnAfterDays: 7, concurrency: 2, theme: 'system', encryption: { kind: 'passphrase' } };
const manifest: ManifestHeader = {
  formatVersion: 1,
  tool: { name: 'lifeboat', version: '0.1.0' },
  plugin: { id: 'juju-client', version: '0.1.0' },
  target: { name: 'juju-client', options: {} },
  startedAt: '2026-11-20T10:00:00Z',
  finishedAt: '2026-11-20T10:00:03Z',
  metadata: { jujuVersion: '3.6.1' },
  totals: { entries: 3, files: 2, bytes: 2048 },
};
const entry = (path: string, type: 'file' | 'directory', size = 0) => ({ path, name: path.split('/').pop()!, type, size, mode: type === 'file' ? 0o600 : 0o755, uid: 1000, gid: 1000, mtime: '2026-11-20T09:00:00Z' });
const topTree: ArchiveTree = { entries: [{ ...entry('juju', 'directory'), children: 2 }], total: 1, truncated: false };
const jujuTree: ArchiveTree = { entries: [entry('juju/controllers.yaml', 'file', 1024), entry('juju/accounts.yaml', 'file', 1024)], total: 2, truncated: false };
const searchTree: ArchiveTree = { entries: [entry('juju/controllers.yaml', 'file', 1024)], total: 1, truncated: false };
const plan: RestorePlanView = {
  made: { plugin: { id: 'juju-client', version: '0.1.0' }, target: 'juju-client', startedAt: manifest.startedAt },
  steps: ['Move /home/op/.local/share/juju aside', 'Unpack the archive into /home/op/.local/share/juju'],
  note: 'Made from the manifest only; the restore verifies the archive first.',
};
const running: JobSnapshot = {
  id: 'j1', kind: 'backup', target: 'shop', title: 'Back up shop', state: 'running', queuedAt: '2026-11-22T03:00:00Z', startedAt: '2026-11-22T03:00:01Z',
  progress: { phase: 'Copying volumes', bytesDone: 440_401_920, bytesTotal: 1_048_576_000, itemsDone: 12, rate: 8_388_608, etaSeconds: 75, percent: 42, currentItem: 'volumes/btcpay_datadir/_data/x.db' },
  logTail: ['03:00:01 info stopping the stack', '03:00:05 info copying volumes'],
};

/** What each bridge function answers; `archivesTree` and `archivesPreview` answer by request. */
function defaultAnswers(): Record<string, IpcResult<unknown>> {
  return {
    appInfo: { ok: true, value: appInfo },
    pluginsList: { ok: true, value: plugins },
    archivesList: { ok: true, value: archives },
    targetsList: { ok: true, value: targets },
    targetsProbe: { ok: true, value: { reachable: true, running: true, version: 'BTCPay 2.0.4' } },
    targetsSave: { ok: true, value: targets[1] },
    jobsList: { ok: true, value: [] },
    jobsBackup: { ok: true, value: { jobId: 'j1' } },
    jobsCancel: { ok: true, value: undefined },
    jobsRestore: { ok: true, value: { jobId: 'r1' } },
    jobsVerify: { ok: true, value: { jobId: 'v1' } },
    questionsAnswer: { ok: true, value: undefined },
    settingsGet: { ok: true, value: settings },
    secretsStatus: { ok: true, value: { backend: { kind: 'plain-text', name: 'basic_text' }, storing: true, canChange: true, file: '/home/op/.config/lifeboat/secrets.json', passphrase: { kind: 'stored' }, targetSecrets: 1 } },
    archivesManifest: { ok: true, value: manifest },
    archivesPlan: { ok: true, value: plan },
    'archivesTree:': { ok: true, value: topTree },
    'archivesTree:juju': { ok: true, value: jujuTree },
    'archivesTree:search': { ok: true, value: searchTree },
    archivesPreview: { ok: true, value: { kind: 'text', text: 'controllers:\n  prod:\n    uuid: 1234\n', size: 1024, truncated: false } },
  };
}

describe('the Lifeboat window', () => {
  let outDir: string;
  let server: http.Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureDebianPackages({ chromium: 'chromium' });
    await mkdir(ARTIFACTS, { recursive: true });
    outDir = await mkdtemp(join(tmpdir(), 'lifeboat-renderer-'));
    await build({ configFile: join(repo, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = http.createServer((req, res) => {
      void (async () => {
        const file = resolveRendererFile(`app://lifeboat${req.url ?? '/'}`, outDir);
        try {
          if (!file) throw new Error('outside');
          const body = await readFile(file);
          res.writeHead(200, { 'content-type': contentTypeFor(file), 'content-security-policy': CONTENT_SECURITY_POLICY });
          res.end(body);
        } catch {
          res.writeHead(404, { 'content-security-policy': CONTENT_SECURITY_POLICY });
          res.end();
        }
      })();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /**
   * Opens the page; `answers` is what the stand-in bridge returns per function (undefined: no
   * bridge at all). Calls are recorded in `window.__calls`; `window.__emit` pushes an event.
   */
  async function open(answers: Record<string, IpcResult<unknown>> | undefined): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    if (answers) {
      await page.addInitScript((given) => {
        const w = window as unknown as { __calls: [string, unknown][]; __emit: (event: string, payload: unknown) => void };
        w.__calls = [];
        const listeners = new Map<string, Set<(payload: unknown) => void>>();
        const answerFor = (name: string, request: unknown): unknown => {
          if (name === 'archivesTree') {
            const r = request as { dir?: string; search?: string };
            return given[r.search ? 'archivesTree:search' : `archivesTree:${r.dir ?? ''}`];
          }
          return given[name] ?? { ok: false, error: { code: 'internal', message: `The stand-in has no answer for ${name}.` } };
        };
        w.__emit = (event, payload) => listeners.get(event)?.forEach((l) => l(payload));
        const bridge = new Proxy(
          {},
          {
            get: (_, name: string) => {
              if (name.startsWith('on')) {
                return (listener: (payload: unknown) => void) => {
                  const set = listeners.get(name) ?? new Set();
                  set.add(listener);
                  listeners.set(name, set);
                  return () => set.delete(listener);
                };
              }
              return (request?: unknown) => {
                w.__calls.push([name, request]);
                return Promise.resolve(answerFor(name, request));
              };
            },
          },
        );
        Object.defineProperty(window, 'lifeboat', { value: bridge });
      }, answers);
    }
    await page.goto(`${origin}/`);
    return { page, problems };
  }

  const emit = <C extends EventChannel>(page: Page, bridgeName: string, payload: EventPayload<C>) =>
    page.evaluate(([name, value]) => (window as unknown as { __emit: (n: string, p: unknown) => void }).__emit(name as string, value), [bridgeName, payload] as const);
  const callsOf = (page: Page, name: string) =>
    page.evaluate((n) => (window as unknown as { __calls: [string, unknown][] }).__calls.filter(([c]) => c === n).map(([, r]) => r), name);
  const showView = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name, exact: false }).first().click();

  it('opens on Targets: host, reachability, last backup’s age, a stale warning, and Back up now', async () => {
    const { page, problems } = await open(defaultAnswers());
    const shop = page.locator('li[data-target="shop"]');
    await expect.poll(() => shop.innerText()).toContain('running · BTCPay 2.0.4');
    const text = await shop.innerText();
    expect(text).toContain('on btcpay.example');
    expect(text).toContain('12 days ago');
    expect(text).toContain('No backup in the last 7 days');
    expect(await page.locator('li[data-target="juju-client"]').innerText()).toMatch(/on this machine[\s\S]*2 days ago/);
    expect(await page.locator('li[data-target="juju-client"]').innerText()).not.toContain('No backup in the last');
    await page.screenshot({ path: join(ARTIFACTS, 'window-targets.png'), fullPage: true });

    await shop.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit shop' });
    expect(await form.locator('fieldset legend').first().innerText()).toBe('ssh');
    expect(await form.locator('#opt-ssh-password').getAttribute('type')).toBe('password');
    expect(await form.locator('#opt-ssh-host').inputValue()).toBe('btcpay.example');
    expect(await form.innerText()).toContain('Always included by the plugin (1)');
    await page.screenshot({ path: join(ARTIFACTS, 'window-target-form.png'), fullPage: true });

    await form.getByRole('button', { name: 'Close' }).click();
    await shop.getByRole('button', { name: 'Back up now' }).click();
    // Starting a backup brings the Jobs view forward.
    await expect.poll(() => page.locator('h2', { hasText: 'Running and queued' }).count()).toBe(1);
    expect(await callsOf(page, 'jobsBackup')).toEqual([{ target: 'shop' }]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a running job’s progress and ETA, and canceling… after Cancel', async () => {
    const { page, problems } = await open(defaultAnswers());
    await showView(page, 'Jobs');
    expect(await page.locator('main').innerText()).toContain('Nothing is running');
    await emit(page, 'onJobsChanged', running);
    const job = page.locator('li[data-job="j1"]');
    await expect.poll(() => job.count()).toBe(1);
    expect(await job.locator('progress').getAttribute('value')).toBe('42');
    const text = await job.innerText();
    expect(text).toContain('42 %');
    expect(text).toContain('1 min 15 s left');
    expect(text).toContain('8.0 MiB/s');
    expect(text).toContain('Copying volumes');
    expect(await page.getByRole('navigation').innerText()).toContain('1 running');
    await page.screenshot({ path: join(ARTIFACTS, 'window-jobs.png'), fullPage: true });
    await job.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => job.locator('.badge').innerText()).toBe('canceling…');
    expect(await callsOf(page, 'jobsCancel')).toEqual([{ jobId: 'j1' }]);
    await emit(page, 'onJobsChanged', { ...running, state: 'canceled', finishedAt: '2026-11-22T03:01:00Z', error: { code: 'canceled', message: 'Canceled; the stack was started again.' } });
    await expect.poll(() => job.innerText()).toContain('Canceled; the stack was started again.');
    await page.screenshot({ path: join(ARTIFACTS, 'window-jobs-canceled.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists archives, opens one: manifest, tree, search, preview, and restore after typing the target’s name', async () => {
    const { page, problems } = await open(defaultAnswers());
    await showView(page, 'Archives');
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first.
    expect(await rows.nth(0).innerText()).toMatch(/btcpay[\s\S]*1\.2 KiB[\s\S]*Not encrypted[\s\S]*never/);
    expect(await rows.nth(1).innerText()).toMatch(/juju-client[\s\S]*46 MiB[\s\S]*Passphrase[\s\S]*OK/);
    await page.locator('select').first().selectOption('btcpay');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('main').innerText()).toContain('Import an archive');
    await page.screenshot({ path: join(ARTIFACTS, 'window-archives.png'), fullPage: true });

    await rows.nth(1).getByRole('button', { name: /^Open/ }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('2 files, 3 entries, 2.0 KiB');
    await page.getByRole('button', { name: /juju\/$/ }).click();
    await expect.poll(() => page.getByRole('tree').innerText()).toContain('accounts.yaml');
    await page.getByRole('button', { name: 'controllers.yaml' }).click();
    await expect.poll(() => page.getByLabel('File content').innerText()).toContain('uuid: 1234');
    await page.getByPlaceholder('Search file names and paths').fill('controllers');
    await expect.poll(() => page.locator('main').innerText()).toContain('1 match');
    expect(await page.getByRole('tree').innerText()).toContain('juju/controllers.yaml');

    const restore = page.getByRole('button', { name: 'Restore onto juju-client' });
    await expect.poll(() => page.locator('main').innerText()).toContain('Unpack the archive into /home/op/.local/share/juju');
    expect(await restore.isDisabled()).toBe(true);
    await page.locator('#restore-confirm').fill('juju-clien');
    expect(await restore.isDisabled()).toBe(true);
    await page.locator('#restore-confirm').fill('juju-client');
    expect(await restore.isDisabled()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'window-archive-open.png'), fullPage: true });
    await restore.click();
    await expect.poll(() => callsOf(page, 'jobsRestore')).toEqual([{ archivePath: '/s/a.tar.gz.gpg', target: 'juju-client', confirmTargetName: 'juju-client' }]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows plugins with why one is disabled, and switches to the dark theme in Settings', async () => {
    const answers = defaultAnswers();
    const { page, problems } = await open({ ...answers, settingsSet: { ok: true, value: { ...settings, theme: 'dark' } } });
    await showView(page, 'Plugins');
    const pluginsPanel = page.locator('section', { hasText: 'Plugins' });
    await expect.poll(() => pluginsPanel.innerText()).toContain('Juju client directory');
    expect(await pluginsPanel.innerText()).toMatch(/Notes folder[\s\S]*disabled[\s\S]*it needs plugin API \^2\.0\.0/);
    expect(await page.locator('header').first().innerText()).toContain('version 0.1.0');
    await page.screenshot({ path: join(ARTIFACTS, 'window-plugins.png'), fullPage: true });

    await showView(page, 'Settings');
    expect(await page.locator('html').getAttribute('data-theme')).toBe('system');
    expect(await page.locator('main').innerText()).toContain(appInfo.store);
    await page.getByLabel('Dark').check();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await callsOf(page, 'settingsSet')).toEqual([{ theme: 'dark' }]);
    // The plain-text backend is said loudly, with the switch to keep secrets only until quit.
    await expect.poll(() => page.locator('fieldset.secrets').innerText()).toContain('No system keyring was found');
    expect(await page.getByLabel('Keep secrets only until Lifeboat quits').isChecked()).toBe(false);
    // Headless Chromium prefers light: only the setting can make the page dark.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(21, 24, 29)');
    await page.screenshot({ path: join(ARTIFACTS, 'window-settings-dark.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks about an unknown host key with its fingerprint and sends the answer', async () => {
    const { page, problems } = await open(defaultAnswers());
    const fingerprint = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';
    await expect.poll(() => page.locator('li[data-target="shop"]').count()).toBe(1);
    await emit(page, 'onQuestionsAsked', {
      id: 'q1',
      jobId: 'j1',
      trust: true,
      question: `The authenticity of host btcpay.example can't be established. ED25519 key fingerprint is ${fingerprint}. Trust it and connect?`,
      hostKey: { host: 'btcpay.example', keyType: 'ED25519', fingerprint, changed: false },
    });
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await dialog.locator('h2').innerText()).toBe('Trust this host key?');
    expect(await dialog.locator('.dialog__fingerprint').innerText()).toBe(`Its ED25519 key fingerprint: ${fingerprint}`);
    // The safe answer has the focus, so Enter does not trust a key nobody compared.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Do not trust');
    await page.screenshot({ path: join(ARTIFACTS, 'window-host-key.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Do not trust' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await callsOf(page, 'questionsAnswer')).toEqual([{ id: 'q1', yes: false }]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows main's error message when a list cannot be read, and says what to do when there is nothing yet", async () => {
    const { page } = await open({
      ...defaultAnswers(),
      targetsList: { ok: true, value: [] },
      pluginsList: { ok: true, value: [] },
      archivesList: { ok: false, error: { code: 'io', message: 'The store folder cannot be read: is the disk mounted?' } },
    });
    await expect.poll(() => page.locator('main').innerText()).toContain('No targets yet. Press Add target');
    await showView(page, 'Archives');
    const alert = page.locator('[role=alert]');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toContain('The store folder cannot be read: is the disk mounted?');
    await showView(page, 'Plugins');
    await expect.poll(() => page.locator('section', { hasText: 'Plugins' }).innerText()).toContain('No plugins were found.');
    await page.close();
  });

  it('says so instead of showing an empty window when opened outside Lifeboat', async () => {
    const { page } = await open(undefined);
    await expect.poll(() => page.locator('[role=alert]').count()).toBeGreaterThan(0);
    expect(await page.locator('body').innerText()).toContain("open it in Lifeboat's own window");
    await page.close();
  });
});
