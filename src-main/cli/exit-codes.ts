import { assertNever, isAppError, type AppErrorCode } from '../shared/app-error.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_VERIFY = 3;
export const EXIT_CANCELED = 130;

/** The exit code for an error: what a script calling `lifeboat` can branch on. */
export function exitCodeFor(error: unknown): number {
  if (!isAppError(error)) return EXIT_FAILED;
  const code: AppErrorCode = error.code;
  switch (code) {
    case 'usage':
    case 'config':
    case 'secret-required':
      return EXIT_USAGE;
    case 'integrity':
      return EXIT_VERIFY;
    case 'canceled':
      return EXIT_CANCELED;
    case 'not-found':
    case 'wrong-passphrase':
    case 'no-key':
    case 'unsafe-archive':
    case 'unreadable-files':
    case 'plugin':
    case 'plugin-disabled':
    case 'target-busy':
    case 'unreachable':
    case 'host-key':
    case 'io':
    case 'declined':
      return EXIT_FAILED;
    default:
      return assertNever(code, 'error code');
  }
}
