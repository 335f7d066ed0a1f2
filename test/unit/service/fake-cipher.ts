/**
 * A stand-in for Electron's safeStorage (which cannot run here): real AES-256-GCM with a key of
 * its own, so what it writes is unreadable without that key, like a keyring's.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretCipher } from '../../../src-main/service/secret-cipher.js';

export interface FakeCipher extends SecretCipher {
  /** Makes the backend unable to encrypt (a locked keyring) or able again. */
  setAvailable(available: boolean): void;
}

export function fakeCipher(backend = 'gnome_libsecret', key: Buffer = randomBytes(32)): FakeCipher {
  let available = true;
  return {
    backend: () => backend,
    available: async () => available,
    setAvailable(value) {
      available = value;
    },
    async encrypt(text) {
      if (!available) throw new Error('the keyring is locked');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(data) {
      if (!available) throw new Error('the keyring is locked');
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
