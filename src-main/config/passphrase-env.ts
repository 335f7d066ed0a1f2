/**
 * Archive passphrases from where the operator put them outside any prompt: a file, or the
 * environment. Shared by the CLI and the app service (`lifeboat serve`), so both read them
 * the same way.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../shared/app-error.js';

/** What to tell an operator who gave no passphrase to a program that cannot ask. */
export const PASSPHRASE_ENV_HOW = 'set LIFEBOAT_PASSPHRASE, or LIFEBOAT_PASSPHRASE_FILE to a file holding it';

/** The file's content without one trailing newline; an unreadable or empty file is an AppError('usage'). */
export async function readPassphraseFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AppError('usage', `Cannot read the passphrase file ${path}: ${(e as Error).message}.`, { cause: e });
  }
  const value = text.replace(/\r?\n$/, '');
  if (!value) throw new AppError('usage', `The passphrase file ${path} is empty.`);
  return value;
}

/** LIFEBOAT_PASSPHRASE, else the content of LIFEBOAT_PASSPHRASE_FILE, else undefined. */
export async function passphraseFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> {
  if (env.LIFEBOAT_PASSPHRASE) return env.LIFEBOAT_PASSPHRASE;
  if (env.LIFEBOAT_PASSPHRASE_FILE) return readPassphraseFile(env.LIFEBOAT_PASSPHRASE_FILE);
  return undefined;
}
