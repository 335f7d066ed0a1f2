import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../shared/app-error.js';
import type { SecretFlags } from './secrets.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const SECRET_OPTIONS = {
  'passphrase-file': { type: 'string' },
  recipient: { type: 'string', multiple: true },
  identity: { type: 'string', multiple: true },
} as const satisfies Options;

export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  store: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parses one command's arguments; unknown flags are usage errors that name the flag. */
export function parse<O extends Options>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new AppError('usage', `${(e as Error).message}\n${usage}`);
  }
}

export function secretFlags(values: Record<string, unknown>): SecretFlags {
  return {
    ...(typeof values['passphrase-file'] === 'string' ? { passphraseFile: values['passphrase-file'] } : {}),
    ...(Array.isArray(values.recipient) ? { recipients: values.recipient as string[] } : {}),
    ...(Array.isArray(values.identity) ? { identities: values.identity as string[] } : {}),
    ...(values['no-encrypt'] === true ? { noEncrypt: true } : {}),
  };
}

/** `--opt key=value` (repeatable; a repeated key makes a list). */
export function parseOpts(raw: readonly string[] | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const item of raw ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new AppError('usage', `--opt needs key=value, got "${item}".`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function requirePositional(positionals: readonly string[], index: number, name: string, usage: string): string {
  const v = positionals[index];
  if (!v) throw new AppError('usage', `Missing ${name}.\n${usage}`);
  return v;
}
