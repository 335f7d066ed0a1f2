import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The query parameter the printed URL carries the token in. */
export const TOKEN_PARAM = 'token';

/**
 * The secret that every request must carry: 32 random bytes, base64url. Anyone who can reach
 * the port but did not see the printed URL (another user of the host, a page in the
 * operator's browser) gets 401.
 */
export interface AccessToken {
  readonly value: string;
  /**
   * Per port: browsers send a host's cookies to all of its ports, so two servers on one host
   * would otherwise overwrite each other's.
   */
  readonly cookieName: string;
  /** Where this request's token came from, or null when it carries no valid one. */
  check(req: IncomingMessage, url: URL): 'cookie' | 'query' | null;
  /** The Set-Cookie value that lets the page's later requests (and its WebSocket) in. */
  setCookieHeader(): string;
}

export function createAccessToken(port: number): AccessToken {
  const value = randomBytes(32).toString('base64url');
  const expected = Buffer.from(value);
  const cookieName = `lifeboat-token-${port}`;
  // Constant-time, so the answer's timing says nothing about how much of a guess was right.
  const matches = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const buf = Buffer.from(given);
    return buf.length === expected.length && timingSafeEqual(buf, expected);
  };
  return {
    value,
    cookieName,
    check(req, url) {
      if (matches(cookieValue(req.headers.cookie, cookieName))) return 'cookie';
      if (matches(url.searchParams.get(TOKEN_PARAM))) return 'query';
      return null;
    },
    setCookieHeader: () => `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict`,
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
