import { passphraseFromEnv } from '../config/index.js';
import type { SecretSource } from './secret-source.js';

/**
 * Passphrases as the CLI reads them without a terminal: LIFEBOAT_PASSPHRASE, else the file
 * named by LIFEBOAT_PASSPHRASE_FILE. Read at each ask, so a changed file is picked up.
 */
export function envSecretSource(env: Readonly<Record<string, string | undefined>> = process.env): SecretSource {
  return {
    passphrase: () => passphraseFromEnv(env),
    origin() {
      if (env.LIFEBOAT_PASSPHRASE) return { kind: 'environment', variable: 'LIFEBOAT_PASSPHRASE' };
      if (env.LIFEBOAT_PASSPHRASE_FILE) return { kind: 'file', path: env.LIFEBOAT_PASSPHRASE_FILE };
      return undefined;
    },
  };
}
