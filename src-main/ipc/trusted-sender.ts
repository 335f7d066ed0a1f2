import { APP_HOST, APP_SCHEME } from '../shared/ipc-contract.js';

/**
 * True only for frames served from our own `app://lifeboat/` origin. Anything else that ends
 * up in a window (an injected iframe, a page reached by a navigation that slipped through)
 * must not reach the handlers, which can read archives and run backups.
 */
export function isTrustedSenderUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
