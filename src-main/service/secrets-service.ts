/**
 * The secrets part of the service: what Settings shows (backend, storing, the passphrase's
 * origin) and the archive passphrase the window sets. Without a vault (`lifeboat serve`) the
 * passphrase comes only from where the CLI reads it, and the window cannot change it.
 */
import { AppError } from '../shared/app-error.js';
import type { SecretsStatus } from '../shared/models/secrets.js';
import type { SecretsApi } from '../ipc/secrets-handlers.js';
import type { SecretSource } from './secret-source.js';

const SERVE_CANNOT_KEEP =
  'cannot be changed from this window: `lifeboat serve` keeps no secrets. Give the passphrase when starting it, with --passphrase-file FILE, or LIFEBOAT_PASSPHRASE, or LIFEBOAT_PASSPHRASE_FILE.';

export interface SecretsService extends SecretsApi {
  /** The passphrase jobs use: the one kept by the window, else the environment's. */
  readonly source: SecretSource;
}

export function createSecretsService(env: SecretSource): SecretsService {
  const status = async (): Promise<SecretsStatus> => {
    const origin = env.origin?.();
    return { backend: { kind: 'environment' }, storing: false, canChange: false, targetSecrets: 0, ...(origin ? { passphrase: origin } : {}) };
  };
  const refuse = (what: string): Promise<never> => Promise.reject(new AppError('usage', `${what} ${SERVE_CANNOT_KEEP}`));
  return {
    source: env,
    status,
    setPassphrase: () => refuse('The archive passphrase'),
    forgetPassphrase: () => refuse('The archive passphrase'),
    setStoring: () => refuse('Where secrets are kept'),
  };
}
