import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME } from '../shared/ipc-contract.js';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveRendererFile } from './renderer-files.js';

/**
 * Declares `app:` a standard, secure scheme. Must run before the app is ready. Standard
 * gives the renderer a real origin (`app://lifeboat`), so relative URLs, 'self' in the CSP
 * and the trusted-sender check work; file:// would share one origin with every local file.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // corsEnabled: Vite emits `<script type="module" crossorigin>`, which Chromium fetches
      // in CORS mode; we send no Access-Control headers, so no other origin gains anything.
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ]);
}

/** Serves the built renderer (out/renderer) on `app://lifeboat/`, with the CSP header. */
export function serveRendererFiles(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return textResponse(405, 'Method not allowed');
    const file = resolveRendererFile(request.url, rendererDir);
    if (!file) return textResponse(404, 'Not found');
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: headersFor(contentTypeFor(file)) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return textResponse(404, 'Not found');
      console.error(`Could not serve ${request.url}:`, e);
      return textResponse(500, 'Could not read the file');
    }
  });
}

function headersFor(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  };
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: headersFor('text/plain; charset=utf-8') });
}
