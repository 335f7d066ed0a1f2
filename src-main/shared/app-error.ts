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

/**
 * Problems with single fields of what the operator submitted, keyed by the field: a dotted
 * option path (`ssh.host`; a list's items belong to the list, `exclude`), `name` for the
 * target's name, `''` for the options as a whole. A form shows each at its field.
 */
export type FieldProblems = Readonly<Record<string, string>>;

export class AppError extends Error {
  override readonly name = 'AppError';
  /** Set when the error is about fields of a form; the message says the same for the CLI. */
  readonly fields?: FieldProblems;
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown; fields?: FieldProblems },
  ) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    if (options?.fields !== undefined) this.fields = options.fields;
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
