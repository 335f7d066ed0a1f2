/**
 * Expected failures carry a code the UI and CLI can act on and a message that tells the
 * operator what is wrong and what to do. Anything thrown that is not an AppError is a bug.
 */
export type AppErrorCode =
  | 'usage'
  | 'config'
  | 'not-found'
  | 'wrong-passphrase'
  | 'no-key'
  | 'secret-required'
  | 'integrity'
  | 'unsafe-archive'
  | 'unreadable-files'
  | 'plugin'
  | 'plugin-disabled'
  | 'target-busy'
  | 'unreachable'
  | 'host-key'
  | 'canceled'
  | 'io'
  | 'declined';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (e instanceof Error && e.name === 'AppError' && typeof (e as AppError).code === 'string');
}

/** Exhaustiveness check for switches over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** The error's message, or a fallback for thrown non-errors. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Throws an AppError('canceled') when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('canceled', 'Canceled.');
}
