import type { ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
// Directly, not through app/index.ts: that one also loads the Electron-only modules.
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveRendererFile } from '../app/renderer-files.js';
import { APP_HOST, APP_SCHEME } from '../shared/ipc-contract.js';

/**
 * Tells the renderer it is served by `lifeboat serve`, so it installs the WebSocket bridge.
 * A plain page without it (opened from disk, or another server) keeps saying it has no
 * connection, instead of trying a socket that cannot exist.
 */
export const SERVE_MARKER = '<meta name="lifeboat-ipc" content="websocket">';

/** How often the page pings the server (ms), so both ends agree on when a connection is dead. */
export function heartbeatMarker(heartbeatMs: number): string {
  return `<meta name="lifeboat-heartbeat-ms" content="${Math.round(heartbeatMs)}">`;
}

/** The path the renderer's WebSocket connects to. */
export const IPC_PATH = '/ipc';

/**
 * The app's CSP, with the page's own ws:// origin allowed to connect (the WebSocket) and
 * framing forbidden (a page of another site must not show ours under its own).
 */
export function servedContentSecurityPolicy(host: string): string {
  const directives = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim()).filter(Boolean);
  const connect = directives.findIndex((d) => d.startsWith('connect-src '));
  // CSP has no syntax for IPv6 literals (Chromium logs `ws://[::1]:…` as invalid and ignores
  // it); there the page relies on 'self', which CSP 3 browsers extend to ws: on the same host.
  const wsOrigin = host.startsWith('[') ? '' : ` ws://${host}`;
  if (connect >= 0) directives[connect] = `${directives[connect]}${wsOrigin}`;
  else directives.push(`connect-src 'self'${wsOrigin}`);
  directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

/** For answers that are not the window (refusals, errors): they need nothing at all. */
const NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** `host` (already checked) for the window's own files; none for everything else. */
export function securityHeaders(contentType: string, host?: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': host === undefined ? NOTHING_POLICY : servedContentSecurityPolicy(host),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // The first URL carries the token: no page of ours may pass it on as a referrer.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...securityHeaders('text/plain; charset=utf-8'), ...extra });
  res.end(text + '\n');
}

/** A short page for refusals, readable in the browser the operator opened. */
export function sendRefusalPage(res: ServerResponse, status: number, message: string): void {
  const body = `<!doctype html><meta charset="utf-8"><title>Lifeboat</title><h1>Lifeboat</h1><p>${escapeHtml(message)}</p>\n`;
  res.writeHead(status, securityHeaders('text/html; charset=utf-8'));
  res.end(body);
}

/** Serves a file of the built renderer under the same path rules as the app:// protocol. */
export async function sendRendererFile(
  res: ServerResponse,
  rendererDir: string,
  host: string,
  pathname: string,
  headOnly: boolean,
  heartbeatMs: number,
): Promise<void> {
  const file = resolveRendererFile(`${APP_SCHEME}://${APP_HOST}${pathname}`, rendererDir);
  if (!file) return sendText(res, 404, 'Not found');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return sendText(res, 404, 'Not found');
    console.error(`lifeboat serve: could not read ${file}:`, e);
    return sendText(res, 500, 'Could not read the file');
  }
  if (file.endsWith('.html')) body = Buffer.from(body.toString('utf8').replace(/<head>/i, (head) => `${head}\n    ${SERVE_MARKER}\n    ${heartbeatMarker(heartbeatMs)}`));
  res.writeHead(200, { ...securityHeaders(contentTypeFor(file), host), 'content-length': String(body.length) });
  res.end(headOnly ? undefined : body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
