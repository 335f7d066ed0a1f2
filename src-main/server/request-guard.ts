import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { AccessToken } from './access-token.js';

/** Why a request is turned away: the status and a sentence for the operator. */
export interface Refusal {
  readonly status: 401 | 403 | 421;
  readonly message: string;
}

export type GuardVerdict = { readonly ok: true; readonly tokenFrom: 'cookie' | 'query'; readonly url: URL; /** The checked Host header. */ readonly host: string } | ({ readonly ok: false } & Refusal);

export interface RequestGuard {
  /** Host, then Origin, then token: a request must pass all three. */
  check(req: IncomingMessage, options: { readonly requireOrigin: boolean }): GuardVerdict;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Host names the server answers to, each with its port. A DNS-rebinding page reaches us under
 * its own name (attacker.example resolving to 127.0.0.1), so any other Host is refused.
 * Listening on a wildcard address, the host's own names and addresses are accepted too.
 */
export function allowedHosts(listenHost: string, port: number): Set<string> {
  const names = new Set<string>([hostForUrl(listenHost), ...LOOPBACK_NAMES]);
  if (WILDCARDS.has(listenHost)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const addr of list ?? []) names.add(hostForUrl(addr.address));
    }
  }
  return new Set([...names].map((n) => `${n}:${port}`));
}

/** An address as it appears in a URL or Host header: IPv6 in brackets, names in lower case. */
export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host.toLowerCase();
}

export function createRequestGuard(hosts: ReadonlySet<string>, token: AccessToken): RequestGuard {
  return {
    check(req, { requireOrigin }) {
      const host = (req.headers.host ?? '').toLowerCase();
      if (!hosts.has(host)) {
        return {
          ok: false,
          status: 421,
          message: `This server does not answer to the host name "${host}". Open the URL that \`lifeboat serve\` printed.`,
        };
      }
      const origin = req.headers.origin;
      // A page of another site may send requests here; its Origin gives it away. Our own page
      // always sends its own origin on WebSockets and on anything but GET and HEAD.
      if (origin === undefined ? requireOrigin : origin !== `http://${host}`) {
        return { ok: false, status: 403, message: 'Requests from other sites are refused. Open the URL that `lifeboat serve` printed.' };
      }
      const url = parseRequestUrl(req.url, host);
      const tokenFrom = token.check(req, url);
      if (!tokenFrom) {
        return {
          ok: false,
          status: 401,
          message: 'This page needs the access token. Open the URL that `lifeboat serve` printed (it ends in ?token=…).',
        };
      }
      return { ok: true, tokenFrom, url, host };
    },
  };
}

// A request line that is not a path (`GET http://[x HTTP/1.1`) is read as the root.
function parseRequestUrl(raw: string | undefined, host: string): URL {
  try {
    return new URL(raw ?? '/', `http://${host}`);
  } catch {
    return new URL('/', `http://${host}`);
  }
}
