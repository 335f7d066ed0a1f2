/**
 * The window over `lifeboat serve` when the connection dies: a real serve (the built CLI) and
 * Debian's Chromium, with a relay between them that the test freezes the way a suspended
 * laptop or a dropped NAT entry does (no close, nothing delivered). The page must notice on its
 * own heartbeat: it shows that the connection is lost, a call answers 'unreachable' instead of
 * hanging, and serve drops the silent socket. When the network comes back the page reconnects
 * and shows what happened meanwhile (a backup another window ran). Then serve is restarted on
 * the same port and token file, and the page gets back in by itself.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { IpcResult, LifeboatBridge } from '../../../src-main/shared/ipc-contract.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { ARTIFACTS, closeServeTest, openServedPage, prepareServeTest, showView, startServe, type ServeProcess } from '../helpers/serve.js';
import { type PassphraseCliHome } from '../plugins/cli-home.js';
import { output, runLifeboat } from '../plugins/lifeboat-cli.js';
import { startFreezableProxy, type FreezableProxy } from './freezable-proxy.js';

const PASSPHRASE = 'serve reconnect test passphrase';
/** Short, so the test sees a dead connection found quickly; the default is 10 s. */
const HEARTBEAT_MS = '1000';
const BANNER = 'Connection lost — reconnecting…';

let root: string;
let env: PassphraseCliHome;
let tokenFile: string;
let proxy: FreezableProxy;
let served: ServeProcess | undefined;
let browser: Browser;
let page: Page;
let problems: string[] = [];

const serveArgs = (keepToken: boolean): string[] => [
  '--host',
  '127.0.0.1',
  '--port',
  String(proxy.port),
  '--passphrase-file',
  env.passFile,
  ...(keepToken ? ['--token-file', tokenFile] : []),
];
const startOurServe = (keepToken = true): Promise<ServeProcess> => startServe(env, serveArgs(keepToken), { LIFEBOAT_SERVE_HEARTBEAT_MS: HEARTBEAT_MS });
/** The printed URL, through the relay. */
const relayed = (printed: string): string => `http://[::1]:${proxy.port}/?token=${new URL(printed).searchParams.get('token')}`;

/** A call from the page, as its stores make them. */
const pluginsListFromPage = (): Promise<IpcResult<unknown>> =>
  page.evaluate(() => (window as unknown as { lifeboat: LifeboatBridge }).lifeboat.pluginsList() as Promise<IpcResult<unknown>>);

const banner = () => page.getByRole('status').filter({ hasText: BANNER });

/** Another window: a plain WebSocket client straight to serve (not through the relay). */
async function otherWindowBackup(target: string): Promise<JobSnapshot> {
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const host = `127.0.0.1:${proxy.port}`;
  const ws = new WebSocket(`ws://${host}/ipc`, { headers: { cookie: `lifeboat-token-${proxy.port}=${token}`, origin: `http://${host}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  try {
    return await new Promise<JobSnapshot>((resolve, reject) => {
      let jobId: string | undefined;
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { id?: string; result?: IpcResult<{ jobId: string }>; event?: string; payload?: JobSnapshot };
        if (message.id === 'backup') {
          if (message.result?.ok) jobId = message.result.value.jobId;
          else reject(new Error(JSON.stringify(message.result)));
        }
        const job = message.event === 'jobs:changed' ? message.payload : undefined;
        if (job && job.id === jobId && ['succeeded', 'failed', 'canceled'].includes(job.state)) resolve(job);
      });
      ws.send(JSON.stringify({ id: 'backup', channel: 'jobs:backup', args: [{ target }] }));
    });
  } finally {
    ws.close();
  }
}

beforeAll(async () => {
  ({ root, home: env } = await prepareServeTest('serve-reconnect', PASSPHRASE));
  tokenFile = join(root, 'serve-token');
  const source = join(root, 'juju');
  await mkdir(source);
  await writeFile(join(source, 'controllers.yaml'), 'controllers:\n  prod:\n    uuid: 1234\n');
  const added = await runLifeboat(env, ['targets', 'add', 'laptop', '--plugin', 'juju-client', '--opt', `dir=${source}`]);
  expect(added.code, output(added)).toBe(0);

  // The browser reaches serve only through the relay: the relay has [::1]:P, serve 127.0.0.1:P,
  // and serve answers to both names of the loopback.
  proxy = await startFreezableProxy('::1', '127.0.0.1');
  served = await startOurServe();
  ({ browser, page, problems } = await openServedPage(relayed(served.url)));
});

afterAll(async () => {
  await proxy?.close();
  await closeServeTest({ browser, served, root });
});

describe('the window over lifeboat serve, when the connection dies', () => {
  it('is connected through the relay: no banner, calls answer', async () => {
    await showView(page, 'Jobs');
    await expect.poll(async () => (await pluginsListFromPage()).ok).toBe(true);
    expect(await banner().count()).toBe(0);
  });

  it('a frozen connection: the banner shows, a waiting call answers unreachable, and serve drops the silent socket', async () => {
    proxy.freeze();
    // Made at once, before anything noticed: it would wait forever without the heartbeat.
    const answer = await pluginsListFromPage();
    expect(answer).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!answer.ok) expect(answer.error.message).toContain('connection to `lifeboat serve` is lost');
    await expect.poll(() => banner().isVisible(), { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-connection-lost.png'), fullPage: true });
    await expect.poll(() => proxy.serverDropsWhileFrozen, { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it('meanwhile another window runs a backup; the page sees none of it while frozen', async () => {
    const job = await otherWindowBackup('laptop');
    expect(job.state, JSON.stringify(job)).toBe('succeeded');
    expect(await page.locator(`li[data-job="${job.id}"]`).count()).toBe(0);
    // Once it is back, the Jobs view shows the finished backup it missed.
    proxy.thaw();
    await expect.poll(() => banner().count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.locator(`li[data-job="${job.id}"]`).innerText(), { timeout: 30_000 }).toContain('succeeded');
    expect(await pluginsListFromPage()).toMatchObject({ ok: true });
    await showView(page, 'Archives');
    await expect.poll(() => page.locator('table tbody tr', { hasText: 'laptop' }).count()).toBe(1);
  });

  it('serve restarted on the same port and token file: the banner shows while it is down, then the page is back by itself', async () => {
    expect(await served!.stop()).toBe(0);
    await expect.poll(() => banner().isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await pluginsListFromPage()).toMatchObject({ ok: false, error: { code: 'unreachable' } });

    const connectionsBefore = proxy.connections;
    served = await startOurServe();
    await expect.poll(() => banner().count(), { timeout: 30_000 }).toBe(0);
    expect(proxy.connections).toBeGreaterThan(connectionsBefore);
    expect(await pluginsListFromPage()).toMatchObject({ ok: true });
    await showView(page, 'Plugins');
    await expect.poll(async () => (await page.locator('li').allInnerTexts()).some((t) => t.includes('juju-client · version'))).toBe(true);
  });

  it('serve restarted without the token file: the page says to open the new URL, which works', async () => {
    expect(await served!.stop()).toBe(0);
    served = await startOurServe(false);
    const refused = page.getByRole('status').filter({ hasText: 'Lifeboat was restarted: open the new URL it printed.' });
    await expect.poll(() => refused.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await pluginsListFromPage()).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringContaining('new URL') } });
    await page.screenshot({ path: join(ARTIFACTS, 'serve-connection-refused.png'), fullPage: true });
    await page.goto(relayed(served.url));
    await expect.poll(async () => (await pluginsListFromPage()).ok).toBe(true);
    expect(await page.getByRole('status').innerText()).toBe('');
  });

  it('raised no page errors', () => {
    // The browser logs each failed reconnect attempt and each probe of a server that is down or
    // refuses the page (see ws-bridge.ts) as a console error; nothing else may appear. Which
    // network error a probe meets depends on when it lands: the relay may accept and then fail
    // to reach serve (empty response, socket not connected) or serve may be gone (refused, reset).
    const expected = /WebSocket connection to .* failed|status of 401|net::ERR_(EMPTY_RESPONSE|SOCKET_NOT_CONNECTED|CONNECTION_(REFUSED|RESET|CLOSED))/;
    expect(problems.filter((p) => !expected.test(p))).toEqual([]);
  });
});
