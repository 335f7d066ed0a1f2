/**
 * The secrets part of the service: what Settings shows (backend, storing, the passphrase's
 * origin) and the archive passphrase the window sets. With a vault (the desktop app) the
 * window's passphrase comes first, then the environment's; without one (`lifeboat serve`) the
 * passphrase comes only from where the CLI reads it, and the window cannot change it.
 */
import { AppError } from '../shared/app-error.js';
import type { SecretsStatus } from '../shared/models/secrets.js';
import type { SecretsApi } from '../ipc/secrets-handlers.js';
import type { SecretSource } from './secret-source.js';
import type { SecretVault } from './secret-vault.js';
import { isTargetSecretKey } from './target-secrets.js';

/** The archive passphrase's key in the vault. */
export const PASSPHRASE_KEY = 'archive-passphrase';

const SERVE_CANNOT_KEEP =
  'cannot be changed from this window: lifeboat serve keeps no secrets. Give the passphrase when starting it, with --passphrase-file FILE, or LIFEBOAT_PASSPHRASE, or LIFEBOAT_PASSPHRASE_FILE.';

export interface SecretsService extends SecretsApi {
  /** The passphrase jobs use: the one kept by the window, else the environment's. */
  readonly source: SecretSource;
}

export function createSecretsService(env: SecretSource, vault?: SecretVault): SecretsService {
  if (!vault) return environmentOnly(env);

  const source: SecretSource = {
    async passphrase(purpose, archive) {
      let unreadable: unknown;
      try {
        const kept = await vault.get(PASSPHRASE_KEY);
        if (kept) return kept;
      } catch (e) {
        // Stored secrets that cannot be read: the environment's passphrase still works.
        unreadable = e;
      }
      const fromEnv = await env.passphrase(purpose, archive);
      if (fromEnv !== undefined) return fromEnv;
      if (unreadable !== undefined) throw unreadable;
      // Said here rather than by the caller, whose words are for the environment alone.
      const what = purpose === 'new-archive' ? 'A new archive' : `Opening ${archive ?? 'the archive'}`;
      throw new AppError('secret-required', `${what} needs the archive passphrase and none is set: set it in Settings, under Secrets${purpose === 'new-archive' ? " (or choose recipients' public keys as the default encryption)" : ''}.`);
    },
  };

  const status = async (): Promise<SecretsStatus> => {
    const state = await vault.state();
    const origin = state.keys.includes(PASSPHRASE_KEY) ? { kind: state.storing ? ('stored' as const) : ('memory' as const) } : env.origin?.();
    return {
      backend: state.backend,
      storing: state.storing,
      canChange: true,
      ...(state.storing ? { file: state.file } : {}),
      ...(origin ? { passphrase: origin } : {}),
      targetSecrets: state.keys.filter(isTargetSecretKey).length,
      ...(state.problem ? { problem: state.problem } : {}),
    };
  };

  return {
    source,
    status,
    async setPassphrase(passphrase) {
      await vault.update({ [PASSPHRASE_KEY]: passphrase });
      return status();
    },
    async forgetPassphrase() {
      await vault.update({ [PASSPHRASE_KEY]: undefined });
      return status();
    },
    async setStoring(storing) {
      await vault.setStoring(storing);
      return status();
    },
  };
}

function environmentOnly(env: SecretSource): SecretsService {
  const refuse = (what: string): Promise<never> => Promise.reject(new AppError('usage', `${what} ${SERVE_CANNOT_KEEP}`));
  return {
    source: env,
    async status() {
      const origin = env.origin?.();
      return { backend: { kind: 'environment' }, storing: false, canChange: false, targetSecrets: 0, ...(origin ? { passphrase: origin } : {}) };
    },
    setPassphrase: () => refuse('The archive passphrase'),
    forgetPassphrase: () => refuse('The archive passphrase'),
    setStoring: () => refuse('Where secrets are kept'),
  };
}
