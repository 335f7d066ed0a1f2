/**
 * What encrypts the secrets the desktop app keeps on disk. Electron's safeStorage fits this
 * shape (src-main/app/safe-storage-cipher.ts adapts it); the service never imports Electron.
 */
export interface SecretCipher {
  /**
   * The backend's name: on Linux safeStorage's selected backend (gnome_libsecret, kwallet5,
   * kwallet6, basic_text…), `keychain` on macOS, `dpapi` on Windows.
   */
  backend(): string;
  /** Whether encrypt and decrypt work now (a keyring can be missing or locked). */
  available(): Promise<boolean>;
  encrypt(text: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
}

/** safeStorage's fallback on Linux when no keyring is found: a fixed key, so no protection at all. */
export const PLAIN_TEXT_BACKEND = 'basic_text';
