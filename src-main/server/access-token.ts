import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { AppError } from '../shared/app-error.js';

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

/** 32 random bytes, base64url: what a token looks like, printed or kept in a file. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const newTokenValue = (): string => randomBytes(32).toString('base64url');

/** `value` is a token kept from an earlier run (see readOrCreateTokenFile); else a new one. */
export function createAccessToken(port: number, given?: string): AccessToken {
  const value = given ?? newTokenValue();
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

/**
 * The token kept in `path`, written there (owner-only) first when the file does not exist.
 * A server restarted with the same file and port takes the open pages back: their cookie
 * still holds, so they reconnect instead of asking for the new URL.
 */
export async function readOrCreateTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new AppError('config', `Cannot read the token file ${path}: ${(e as Error).message}.`, { cause: e });
    const value = newTokenValue();
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, value + '\n', { mode: 0o600, flag: 'wx' });
      return value;
    } catch (writeError) {
      // Another server made it meanwhile: use theirs.
      if ((writeError as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateTokenFile(path);
      throw new AppError('config', `Cannot write the token file ${path}: ${(writeError as Error).message}.`, { cause: writeError });
    }
  }
  const value = text.trim();
  if (!TOKEN_SHAPE.test(value)) {
    throw new AppError('config', `The token file ${path} does not hold a token (43 characters of A-Z, a-z, 0-9, - and _). Delete it to get a new one.`);
  }
  return value;
}
