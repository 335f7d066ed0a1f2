import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AppError } from '../shared/app-error.js';
import { createAccessToken, readOrCreateTokenFile, TOKEN_PARAM } from './access-token.js';
import { createIpcSocketHub, DEFAULT_HEARTBEAT_MS, MAX_MESSAGE_BYTES } from './ipc-socket-hub.js';
import { IPC_PATH, sendRefusalPage, sendRendererFile, sendText } from './renderer-responder.js';
import { allowedHosts, createRequestGuard, hostForUrl, type RequestGuard } from './request-guard.js';
import type { ServedService } from './served-service.js';

export interface ServerOptions {
  readonly service: ServedService;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  /** Address to listen on; default loopback only. */
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /**
   * Keep the access token in this file (made, owner-only, when missing), so a restart on the
   * same port lets open pages reconnect. Without it every start makes a new token.
   */
  readonly tokenFile?: string;
  /**
   * How often the page and the server check the connection (ms). Default 10 s, or
   * LIFEBOAT_SERVE_HEARTBEAT_MS; a connection silent for about this long after a ping is dead.
   */
  readonly heartbeatMs?: number;
}

/** The heartbeat from the environment (tests shorten it), else the default. */
function heartbeatFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.LIFEBOAT_SERVE_HEARTBEAT_MS;
  if (raw === undefined || raw === '') return DEFAULT_HEARTBEAT_MS;
  const ms = Number(raw);
  if (!Number.isSafeInteger(ms) || ms < 100) {
    throw new AppError('usage', `LIFEBOAT_SERVE_HEARTBEAT_MS must be a whole number of milliseconds, at least 100; got "${raw}".`);
  }
  return ms;
}

export interface RunningServer {
  /** The URL to open, with the access token. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Closes every socket and the listener; does not close the service (its owner does). */
  close(): Promise<void>;
}

/**
 * Serves the built window and the IPC contract on one port. Nothing is answered before the
 * Host, Origin and token checks pass; the token arrives once in the URL and is kept in an
 * HttpOnly cookie from then on.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const listenHost = options.host ?? '127.0.0.1';
  const heartbeatMs = options.heartbeatMs ?? heartbeatFromEnv(process.env);
  const kept = options.tokenFile === undefined ? undefined : await readOrCreateTokenFile(options.tokenFile);
  const server = http.createServer();
  await listen(server, listenHost, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  const token = createAccessToken(port, kept);
  const guard = createRequestGuard(allowedHosts(listenHost, port), token);
  const hub = createIpcSocketHub(options.service, { heartbeatMs });
  // Oversized messages are let through up to a hard cap so they can be answered (the socket
  // stays usable); the cap keeps a client from making us buffer without end.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_MESSAGE_BYTES });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res, guard, token.setCookieHeader(), options.rendererDir, heartbeatMs).catch((e: unknown) => {
      console.error('lifeboat serve: a request failed:', e);
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = guard.check(req, { requireOrigin: true });
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.message);
    if (verdict.url.pathname !== IPC_PATH) return refuseUpgrade(socket, 404, `WebSockets are served on ${IPC_PATH} only.`);
    wss.handleUpgrade(req, socket, head, (ws) => hub.add(ws));
  });

  const displayHost = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : hostForUrl(listenHost);
  return {
    url: `http://${displayHost}:${port}/?${TOKEN_PARAM}=${token.value}`,
    port,
    token: token.value,
    async close() {
      hub.close();
      wss.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  guard: RequestGuard,
  setCookie: string,
  rendererDir: string,
  heartbeatMs: number,
): Promise<void> {
  const method = req.method ?? 'GET';
  const safe = method === 'GET' || method === 'HEAD';
  const verdict = guard.check(req, { requireOrigin: !safe });
  if (!verdict.ok) return sendRefusalPage(res, verdict.status, verdict.message);
  if (!safe) return sendText(res, 405, 'Only GET and HEAD are served; calls go over the WebSocket.', { allow: 'GET, HEAD' });
  if (verdict.tokenFrom === 'query') {
    // First visit: keep the token in a cookie and drop it from the address bar and history.
    const clean = new URL(verdict.url);
    clean.searchParams.delete(TOKEN_PARAM);
    res.writeHead(303, { location: clean.pathname + clean.search, 'set-cookie': setCookie, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end();
    return;
  }
  await sendRendererFile(res, rendererDir, verdict.host, verdict.url.pathname, method === 'HEAD', heartbeatMs);
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = http.STATUS_CODES[status] ?? 'Refused';
  const body = message + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'EADDRINUSE'
          ? `port ${port} is already in use: pick another with --port, or leave it out to get a free one`
          : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
            ? `${host} is not an address of this host`
            : e.code === 'EACCES'
              ? `port ${port} needs more privileges: use a port above 1023`
              : e.message;
      reject(new AppError('usage', `Cannot listen on ${host}:${port}: ${why}.`, { cause: e }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
