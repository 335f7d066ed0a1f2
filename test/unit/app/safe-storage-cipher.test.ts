// The safeStorage adapter with a stand-in for Electron's safeStorage (which cannot run here),
// driving the real vault: the backend name reaches Settings and the async API does the work.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSafeStorageCipher, safeStorageBackend } from '../../../src-main/app/safe-storage-cipher.js';
import { createSecretVault } from '../../../src-main/service/secret-vault.js';
import { fakeCipher } from '../service/fake-cipher.js';

// Electron's own type, taken from the adapter: tests may not import electron, even for types.
type SafeStorage = Parameters<typeof createSafeStorageCipher>[0];
type Backend = ReturnType<SafeStorage['getSelectedStorageBackend']>;

/** Only the asynchronous calls and the backend name work: the synchronous API is on its way out. */
function standInSafeStorage(backend: Backend, available = true): SafeStorage {
  const aes = fakeCipher();
  const refuse = () => {
    throw new Error('the synchronous safeStorage API was used');
  };
  return {
    getSelectedStorageBackend: () => backend,
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: (text: string) => aes.encrypt(text),
    decryptStringAsync: async (data: Buffer) => ({ result: await aes.decrypt(data), shouldReEncrypt: false }),
    isEncryptionAvailable: refuse,
    encryptString: refuse,
    decryptString: refuse,
    setUsePlainTextEncryption: refuse,
  } as SafeStorage;
}

describe('safeStorage as the vault cipher', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-safe-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the backend: Linux asks safeStorage, macOS and Windows have their keyrings', () => {
    const s = standInSafeStorage('kwallet6');
    expect(safeStorageBackend(s, 'linux')).toBe('kwallet6');
    expect(safeStorageBackend(s, 'darwin')).toBe('keychain');
    expect(safeStorageBackend(s, 'win32')).toBe('dpapi');
  });

  it('stores through the async API, and the plain-text fallback is named as such', async () => {
    const file = join(dir, 'secrets.json');
    const safeStorage = standInSafeStorage('basic_text');
    const vault = createSecretVault({ file, cipher: createSafeStorageCipher(safeStorage, 'linux'), preference: { read: async () => undefined, write: async () => {} } });
    await vault.update({ 'archive-passphrase': 'correct horse' });
    expect(await readFile(file, 'utf8')).not.toContain('correct horse');
    expect(await vault.state()).toMatchObject({ backend: { kind: 'plain-text', name: 'basic_text' }, storing: true });
    const again = createSecretVault({ file, cipher: createSafeStorageCipher(safeStorage, 'linux'), preference: { read: async () => undefined, write: async () => {} } });
    expect(await again.get('archive-passphrase')).toBe('correct horse');
  });

  it('a keyring that cannot encrypt leaves secrets in memory', async () => {
    const file = join(dir, 'secrets.json');
    const vault = createSecretVault({ file, cipher: createSafeStorageCipher(standInSafeStorage('gnome_libsecret', false), 'linux'), preference: { read: async () => undefined, write: async () => {} } });
    await vault.update({ 'archive-passphrase': 'correct horse' });
    expect(await vault.state()).toMatchObject({ backend: { kind: 'unavailable', detail: expect.stringContaining('gnome_libsecret') }, storing: false });
    expect(await vault.get('archive-passphrase')).toBe('correct horse');
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
