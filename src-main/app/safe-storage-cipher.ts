/**
 * Electron's safeStorage as the service's SecretCipher: the OS keyring where there is one
 * (Keychain, DPAPI, libsecret, KWallet), or on Linux its plain-text fallback, which the
 * service names so Settings can warn about it.
 */
import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../service/index.js';

/** What safeStorage reports about itself; `keychain` and `dpapi` stand for the macOS and Windows keyrings. */
export function safeStorageBackend(safeStorage: Pick<SafeStorage, 'getSelectedStorageBackend'>, platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'linux':
      return safeStorage.getSelectedStorageBackend();
    case 'darwin':
      return 'keychain';
    case 'win32':
      return 'dpapi';
    default:
      return 'unknown';
  }
}

/**
 * The asynchronous API throughout: Electron recommends it (it waits for a keyring that is
 * still starting instead of failing) and is dropping the synchronous one. Call it after the
 * app is ready: before that, Linux reports the backend as `unknown`.
 */
export function createSafeStorageCipher(safeStorage: SafeStorage, platform: NodeJS.Platform = process.platform): SecretCipher {
  return {
    backend: () => safeStorageBackend(safeStorage, platform),
    available: () => safeStorage.isAsyncEncryptionAvailable(),
    encrypt: (text) => safeStorage.encryptStringAsync(text),
    decrypt: async (data) => (await safeStorage.decryptStringAsync(data)).result,
  };
}
