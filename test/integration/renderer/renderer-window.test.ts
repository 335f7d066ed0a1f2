// The built window in Debian's Chromium, under the same CSP and file rules the app://
// protocol applies. Electron cannot run here, so a stand-in `window.lifeboat` answers the
// way the preload does; what is checked is what the operator sees.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveRendererFile } from '../../../src-main/app/renderer-files.js';
import type { AppInfo, IpcResult } from '../../../src-main/shared/ipc-contract.js';
import type { ArchiveInfo } from '../../../src-main/shared/models/archive.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';
import { ensureDebianPackages } from '../../env/debian-packages.mjs';

const repo = resolve(import.meta.dirname, '../../..');

const appInfo: AppInfo = { version: '0.1.0', store: '/home/op/.local/share/lifeboat/archives', pluginsDir: '/home/op/.local/share/lifeboat/plugins' };
const plugins: PluginInfo[] = [
  { id: 'juju-client', displayName: 'Juju client directory', version: '0.1.0', apiVersion: '^1.0.0', folder: '/opt/Lifeboat/resources/plugins/juju-client', source: 'builtin', status: 'enabled' },
  { id: 'notes', displayName: 'Notes folder', version: '1.0.0', apiVersion: '^2.0.0', folder: '/home/op/.local/share/lifeboat/plugins/notes', source: 'user', status: 'disabled', reason: 'it needs plugin API ^2.0.0' },
];
const archives: ArchiveInfo[] = [
  { path: '/s/a.tar.gz.gpg', fileName: 'juju-client-2026-11-20T10-00-00Z.tar.gz.gpg', target: 'juju-client', createdAt: '2026-11-20T10:00:00Z', size: 48_234_567, encryption: { kind: 'passphrase' }, hasIndex: true },
  { path: '/s/b.tar.gz', fileName: 'btcpay-2026-11-21T08-00-00Z.tar.gz', target: 'btcpay', createdAt: '2026-11-21T08:00:00Z', size: 1234, encryption: { kind: 'none' }, hasIndex: false },
];

describe('the Lifeboat window', () => {
  let outDir: string;
  let server: http.Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureDebianPackages({ chromium: 'chromium' });
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

  /** Opens the page; `answers` is what the stand-in bridge returns per function. */
  async function open(answers: Record<string, IpcResult<unknown>> | undefined): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    if (answers) {
      await page.addInitScript((given) => {
        const call = (name: string) => () => Promise.resolve(given[name]);
        Object.defineProperty(window, 'lifeboat', {
          value: {
            appInfo: call('appInfo'),
            pluginsList: call('pluginsList'),
            archivesList: call('archivesList'),
            onJobsChanged: () => () => {},
          },
        });
      }, answers);
    }
    await page.goto(`${origin}/`);
    return { page, problems };
  }

  it('lists archives with target, size and encryption, and plugins with why one is disabled', async () => {
    const { page, problems } = await open({
      appInfo: { ok: true, value: appInfo },
      pluginsList: { ok: true, value: plugins },
      archivesList: { ok: true, value: archives },
    });
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first.
    expect(await rows.nth(0).innerText()).toMatch(/btcpay[\s\S]*1\.2 KiB[\s\S]*Not encrypted/);
    expect(await rows.nth(1).innerText()).toMatch(/juju-client[\s\S]*46 MiB[\s\S]*Passphrase/);
    const pluginsPanel = await page.locator('section', { hasText: 'Plugins' }).innerText();
    expect(pluginsPanel).toContain('Juju client directory');
    expect(pluginsPanel).toMatch(/Notes folder[\s\S]*disabled[\s\S]*it needs plugin API \^2\.0\.0/);
    expect(await page.locator('header').first().innerText()).toContain('version 0.1.0');
    // Nothing blocked by the CSP, nothing thrown.
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows main's error message when a list cannot be read", async () => {
    const { page } = await open({
      appInfo: { ok: true, value: appInfo },
      pluginsList: { ok: true, value: [] },
      archivesList: { ok: false, error: { code: 'io', message: 'The store folder cannot be read: is the disk mounted?' } },
    });
    const alert = page.locator('[role=alert]');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toContain('The store folder cannot be read: is the disk mounted?');
    expect(await page.locator('section', { hasText: 'Plugins' }).innerText()).toContain('No plugins were found.');
    await page.close();
  });

  it('says so instead of showing an empty window when opened outside Lifeboat', async () => {
    const { page } = await open(undefined);
    await expect.poll(() => page.locator('[role=alert]').count()).toBeGreaterThan(0);
    expect(await page.locator('body').innerText()).toContain("open it in Lifeboat's own window");
    await page.close();
  });
});
