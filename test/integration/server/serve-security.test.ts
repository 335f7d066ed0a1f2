/**
 * `lifeboat serve`'s doors, knocked on as an attacker and as the operator's own page would:
 * a real server over a real app service on a temporary store. Without the token nothing is
 * served; another site's Origin and a rebound host name are refused; broken WebSocket
 * messages get a clear answer and leave the socket usable; a good call lists the plugins.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../../src-main/server/index.js';
import { createAppService, envSecretSource, type AppService } from '../../../src-main/service/index.js';
import type { IpcResult } from '../../../src-main/shared/ipc-contract.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';
import { PROJECT_DIR } from '../plugins/lifeboat-cli.js';

let root: string;
let service: AppService;
let server: RunningServer;
let base: string;
let hostPort: string;

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request with exactly the headers given (Host included), as any client could send. */
function request(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method, setHost: false, headers: { host: hostPort, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The cookie the first visit with the printed URL sets. */
async function tokenCookie(): Promise<string> {
  const first = await request(`/?token=${server.token}`);
  const setCookie = first.headers['set-cookie']?.[0] ?? '';
  return setCookie.split(';')[0]!;
}

/** Opens a WebSocket the way a page would; resolves with it, or with the refusal's status. */
function openSocket(headers: Record<string, string>, path = '/ipc'): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers: { host: hostPort, ...headers } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Sends raw text and waits for the next answer (not an event). */
function exchange(ws: WebSocket, text: string | Buffer): Promise<{ id: unknown; result: IpcResult<unknown> }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { id: unknown; result?: IpcResult<unknown> };
      if (!message.result) return;
      ws.off('message', onMessage);
      resolve(message as { id: unknown; result: IpcResult<unknown> });
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}

beforeAll(async () => {
  // The built window and built-in plugins, as `lifeboat serve` finds them.
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-serve-security-'));
  await mkdir(join(root, 'store'));
  await mkdir(join(root, 'plugins'));
  service = await createAppService({
    store: join(root, 'store'),
    pluginsDirs: { builtin: join(PROJECT_DIR, 'plugins'), user: join(root, 'plugins') },
    configPath: join(root, 'config.yaml'),
    version: '0.1.0-test',
    secrets: envSecretSource({ LIFEBOAT_PASSPHRASE: 'serve security test passphrase' }),
  });
  server = await startServer({ service, rendererDir: join(PROJECT_DIR, 'out', 'renderer') });
  base = new URL(server.url).origin;
  hostPort = new URL(server.url).host;
});

afterAll(async () => {
  await server?.close();
  await service?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the access token', () => {
  it('is printed in the URL, on the loopback address by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('without it, the page is a 401 saying to use the printed URL', async () => {
    const answer = await request('/');
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('Open the URL that `lifeboat serve` printed');
    expect(answer.body).not.toContain('<script');
    expect((await request('/assets/')).status).toBe(401);
  });

  it('a wrong token is a 401 too, in the URL or in the cookie', async () => {
    expect((await request(`/?token=${'A'.repeat(43)}`)).status).toBe(401);
    expect((await request('/?token=short')).status).toBe(401);
    expect((await request('/', { cookie: `lifeboat-token-${server.port}=${'B'.repeat(43)}` })).status).toBe(401);
  });

  it('the printed URL sets an HttpOnly, SameSite=Strict cookie and drops the token from the address', async () => {
    const first = await request(`/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(`lifeboat-token-${server.port}=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const page = await request('/', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<div id="app">');
    expect(page.body).toContain('name="lifeboat-ipc"');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${hostPort}`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('files outside the built window are not served, however the path is spelled', async () => {
    const cookie = await tokenCookie();
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%00']) {
      const answer = await request(path, { cookie });
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain('"name": "lifeboat"');
    }
  });
});

describe('Host and Origin', () => {
  it('a request under another host name (DNS rebinding) is refused even with the token', async () => {
    const cookie = await tokenCookie();
    const answer = await request('/', { cookie, host: `attacker.example:${server.port}` });
    expect(answer.status).toBe(421);
    expect(answer.body).toContain('does not answer to the host name');
    expect((await request('/', { cookie, host: `127.0.0.1:${server.port + 1}` })).status).toBe(421);
    // The loopback spellings of our own address are fine.
    expect((await request('/', { cookie, host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('a page of another site cannot post here, nor send without saying where it comes from', async () => {
    const cookie = await tokenCookie();
    expect((await request('/', { cookie, origin: 'http://attacker.example' }, 'POST')).status).toBe(403);
    expect((await request('/', { cookie }, 'POST')).status).toBe(403);
    expect((await request('/', { cookie, origin: base }, 'POST')).status).toBe(405);
  });

  it("the WebSocket refuses another site's Origin, a missing Origin, and a missing token", async () => {
    const cookie = await tokenCookie();
    expect(await openSocket({ cookie, origin: 'http://attacker.example' })).toBe(403);
    expect(await openSocket({ cookie, origin: `http://localhost:${server.port + 1}` })).toBe(403);
    expect(await openSocket({ cookie })).toBe(403);
    expect(await openSocket({ origin: base })).toBe(401);
    expect(await openSocket({ cookie, origin: base, host: `attacker.example:${server.port}` })).toBe(421);
    expect(await openSocket({ cookie, origin: base }, '/elsewhere')).toBe(404);
  });
});

describe('the IPC WebSocket', () => {
  let ws: WebSocket;

  beforeAll(async () => {
    const opened = await openSocket({ cookie: await tokenCookie(), origin: base });
    if (typeof opened === 'number') throw new Error(`The WebSocket was refused with ${opened}`);
    ws = opened;
  });

  afterAll(() => ws?.close());

  it('answers plugins:list with the built-in plugins', async () => {
    const answer = await exchange(ws, JSON.stringify({ id: 1, channel: 'plugins:list', args: [] }));
    expect(answer.id).toBe(1);
    expect(answer.result.ok).toBe(true);
    const plugins = (answer.result as { value: PluginInfo[] }).value;
    for (const id of ['juju-client', 'btcpay', 'bitnobi', 'juju-state']) {
      expect(plugins.find((p) => p.id === id)?.status, id).toBe('enabled');
    }
  });

  it('answers broken messages with a clear error, and the socket keeps working', async () => {
    const cases: [string | Buffer, RegExp, unknown][] = [
      ['not json at all', /not JSON/, null],
      ['[1, 2]', /not a JSON object/, null],
      [JSON.stringify({ channel: 'plugins:list' }), /no "id"/, null],
      [JSON.stringify({ id: 7, args: [] }), /no "channel"/, 7],
      [JSON.stringify({ id: 8, channel: 'plugins:list', args: 'x' }), /"args" is not an array/, 8],
      [JSON.stringify({ id: 9, channel: 'x'.repeat(1536 * 1024) }), /more than the limit of 1048576/, null],
      [Buffer.from([1, 2, 3]), /binary/, null],
    ];
    for (const [message, pattern, id] of cases) {
      const answer = await exchange(ws, message);
      expect(answer.id).toBe(id);
      expect(answer.result).toMatchObject({ ok: false, error: { code: 'usage' } });
      if (!answer.result.ok) expect(answer.result.error.message).toMatch(pattern);
    }
    const unknown = await exchange(ws, JSON.stringify({ id: 'u', channel: 'files:delete-everything', args: [] }));
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    const invalid = await exchange(ws, JSON.stringify({ id: 'v', channel: 'plugins:list', args: [{ sneaky: true }] }));
    expect(invalid.result).toMatchObject({ ok: false, error: { code: 'usage' } });

    expect(ws.readyState).toBe(WebSocket.OPEN);
    const again = await exchange(ws, JSON.stringify({ id: 2, channel: 'plugins:list' }));
    expect(again.result.ok).toBe(true);
  });

  it('pushes job events to the page: a backup started over the socket is seen to succeed', async () => {
    const source = join(root, 'juju');
    await mkdir(source);
    await writeFile(join(source, 'environments.yaml'), 'default: prod\n');
    const events: JobSnapshot[] = [];
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { event?: string; payload?: JobSnapshot };
      if (message.event === 'jobs:changed' && message.payload) events.push(message.payload);
    });
    const saved = await exchange(ws, JSON.stringify({ id: 'save', channel: 'targets:save', args: [{ name: 'laptop', plugin: 'juju-client', options: { dir: source } }] }));
    expect(saved.result.ok, JSON.stringify(saved.result)).toBe(true);
    const started = await exchange(ws, JSON.stringify({ id: 'backup', channel: 'jobs:backup', args: [{ target: 'laptop' }] }));
    expect(started.result.ok, JSON.stringify(started.result)).toBe(true);
    const jobId = (started.result as { value: { jobId: string } }).value.jobId;
    await expect.poll(() => events.find((e) => e.id === jobId && ['succeeded', 'failed', 'canceled'].includes(e.state))?.state, { timeout: 60_000 }).toBe('succeeded');
  });
});

describe('the heartbeat', () => {
  /** Sends a ping and waits for its pong. */
  const pong = (ws: WebSocket, text: string): Promise<unknown> =>
    new Promise((resolve) => {
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { pong?: unknown };
        if (message.pong === undefined) return;
        ws.off('message', onMessage);
        resolve(message.pong);
      };
      ws.on('message', onMessage);
      ws.send(text);
    });

  it("tells the page how often to ping, and answers the page's ping", async () => {
    const page = await request('/', { cookie: await tokenCookie() });
    expect(page.body).toContain('<meta name="lifeboat-heartbeat-ms" content="10000">');
    const ws = await openSocket({ cookie: await tokenCookie(), origin: base });
    if (typeof ws === 'number') throw new Error(`The WebSocket was refused with ${ws}`);
    expect(await pong(ws, JSON.stringify({ ping: 5 }))).toBe(5);
    const bad = await exchange(ws, JSON.stringify({ ping: 'x' }));
    expect(bad.result).toMatchObject({ ok: false, error: { code: 'usage' } });
    ws.close();
  });

  it('drops a socket that stops answering its pings, and keeps one that answers', async () => {
    const quick = await startServer({ service, rendererDir: join(PROJECT_DIR, 'out', 'renderer'), heartbeatMs: 200 });
    try {
      const host = new URL(quick.url).host;
      const cookie = (await fetch(quick.url, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      const open = (autoPong: boolean) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`ws://${host}/ipc`, { headers: { cookie, origin: `http://${host}` }, autoPong });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        });
      const silent = await open(false);
      const answering = await open(true);
      let pingsAnswered = 0;
      answering.on('ping', () => pingsAnswered++);
      const silentClosed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      // Dropped without a closing handshake: the peer is presumed gone.
      expect(await silentClosed).toBe(1006);
      await expect.poll(() => pingsAnswered, { timeout: 10_000 }).toBeGreaterThan(3);
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
    } finally {
      await quick.close();
    }
  });

  it('with a token file, a restarted server keeps the token, so open pages get back in', async () => {
    const tokenFile = join(root, 'serve', 'token');
    const first = await startServer({ service, rendererDir: join(PROJECT_DIR, 'out', 'renderer'), tokenFile });
    const port = first.port;
    await first.close();
    const second = await startServer({ service, rendererDir: join(PROJECT_DIR, 'out', 'renderer'), tokenFile, port });
    try {
      expect(second.token).toBe(first.token);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      const cookie = (await fetch(first.url, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await second.close();
    }
    await writeFile(tokenFile, 'not a token\n');
    await expect(startServer({ service, rendererDir: join(PROJECT_DIR, 'out', 'renderer'), tokenFile })).rejects.toThrow(/does not hold a token.*Delete it/);
  });
});
