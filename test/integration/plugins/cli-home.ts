/**
 * The isolated home the tests run the real `lifeboat` command in (see lifeboat-cli.ts): its
 * HOME, XDG folders and store under one folder, and a passphrase file for `--passphrase-file`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliHome } from './lifeboat-cli.js';

export interface PassphraseCliHome extends CliHome {
  /** Holds the passphrase and a newline, readable by its owner only, as an operator would keep it. */
  readonly passFile: string;
}

/** Makes the folders of a CLI home under `base` (empty, the store too) and its passphrase file. */
export async function createCliHome(base: string, passphrase: string): Promise<PassphraseCliHome> {
  const home: PassphraseCliHome = {
    home: join(base, 'home'),
    dataHome: join(base, 'data'),
    configHome: join(base, 'config'),
    store: join(base, 'store'),
    passFile: join(base, 'pass.txt'),
  };
  for (const d of [home.home, home.dataHome, home.configHome, home.store]) await mkdir(d, { recursive: true });
  await writeFile(home.passFile, passphrase + '\n', { mode: 0o600 });
  return home;
}
