/**
 * The host recognises expected failures by `name === 'AppError'` and a string `code`
 * (isAppError in src-main/shared/app-error.ts). A plugin imports only types from the host,
 * so it raises its own error of that shape instead of importing the host's class.
 */
import type { AppErrorCode } from '../../../src-main/plugin-host/plugin-api.js';

export class PluginError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for the host's AppError and for PluginError, compared by shape. */
export function hasErrorCode(e: unknown, code: AppErrorCode): e is Error & { code: AppErrorCode } {
  return e instanceof Error && e.name === 'AppError' && (e as { code?: unknown }).code === code;
}
