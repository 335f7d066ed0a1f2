// The desktop app's secret vault on real files, with a real (AES-GCM) stand-in for safeStorage.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretVault, type StoringPreference } from '../../../src-main/service/secret-vault.js';
import { fakeCipher } from './fake-cipher.js';

const SECRET = 'correct horse battery staple';

function memoryPreference(initial?: boolean): StoringPreference & { value: boolean | undefined } {
  const p = {
    value: initial,
    read: async () => p.value,
    write: async (v: boolean) => {
      p.value = v;
    },
  };
  return p;
}

describe('secret vault', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-vault-'));
    file = join(dir, 'secrets.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes secrets encrypted, to a 0600 file, and reads them back after a restart', async () => {
    const key = randomBytes(32);
    const preference = memoryPreference();
    await createSecretVault({ file, cipher: fakeCipher('kwallet5', key), preference }).update({ 'archive-passphrase': SECRET, 'target:shop:ssh.sudoPassword': '"hunter2"' });

    const onDisk = await readFile(file);
    for (const plain of [SECRET, 'hunter2', 'sudoPassword', 'shop']) {
      expect(onDisk.includes(plain)).toBe(false);
      expect(onDisk.includes(Buffer.from(plain).toString('base64'))).toBe(false);
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secrets.json']);

    const again = createSecretVault({ file, cipher: fakeCipher('kwallet5', key), preference });
    expect(await again.get('archive-passphrase')).toBe(SECRET);
    expect(await again.state()).toMatchObject({ backend: { kind: 'keyring', name: 'kwallet5' }, storing: true, keys: ['archive-passphrase', 'target:shop:ssh.sudoPassword'] });
  });

  it('names the plain-text fallback, and still stores unless told not to', async () => {
    const vault = createSecretVault({ file, cipher: fakeCipher('basic_text'), preference: memoryPreference() });
    await vault.update({ 'archive-passphrase': SECRET });
    expect(await vault.state()).toMatchObject({ backend: { kind: 'plain-text', name: 'basic_text' }, storing: true });
    expect((await readFile(file)).includes(SECRET)).toBe(false);
  });

  it('with storing off, keeps secrets in memory only and removes what was on disk', async () => {
    const key = randomBytes(32);
    const preference = memoryPreference();
    const vault = createSecretVault({ file, cipher: fakeCipher('basic_text', key), preference });
    await vault.update({ 'archive-passphrase': SECRET });
    await vault.setStoring(false);
    expect(preference.value).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    expect(await vault.get('archive-passphrase')).toBe(SECRET);

    await vault.update({ 'target:shop:token': '"abc"' });
    expect(await readdir(dir)).toEqual([]);
    expect(await vault.state()).toMatchObject({ storing: false, keys: ['archive-passphrase', 'target:shop:token'] });

    // After a restart nothing is left.
    const restarted = createSecretVault({ file, cipher: fakeCipher('basic_text', key), preference });
    expect(await restarted.get('archive-passphrase')).toBeUndefined();

    // Turning storing back on writes what memory holds.
    await vault.setStoring(true);
    expect(await createSecretVault({ file, cipher: fakeCipher('basic_text', key), preference }).get('target:shop:token')).toBe('"abc"');
  });

  it('removing the last secret leaves no file', async () => {
    const vault = createSecretVault({ file, cipher: fakeCipher(), preference: memoryPreference() });
    await vault.update({ 'archive-passphrase': SECRET });
    await vault.update({ 'archive-passphrase': undefined });
    expect(await readdir(dir)).toEqual([]);
    expect(await vault.get('archive-passphrase')).toBeUndefined();
  });

  it.each([
    ['not JSON', 'garbage{', /is damaged \(it is not JSON\)/],
    ['another file', JSON.stringify({ hello: 'world' }), /is damaged \(it is not a lifeboat-secrets file\)/],
    ['a newer version', JSON.stringify({ format: 'lifeboat-secrets', version: 9, backend: 'x', data: '' }), /version 9; this Lifeboat reads version 1/],
  ])('says a file that is %s is damaged, and sets it aside at the next write', async (_what, content, message) => {
    await writeFile(file, content, { mode: 0o600 });
    const vault = createSecretVault({ file, cipher: fakeCipher(), preference: memoryPreference() });
    const state = await vault.state();
    expect(state.problem).toMatch(message);
    expect(state.problem).toContain(file);
    await expect(vault.get('archive-passphrase')).rejects.toMatchObject({ code: 'config', message: expect.stringMatching(message) });

    await vault.update({ 'archive-passphrase': SECRET });
    expect(await vault.get('archive-passphrase')).toBe(SECRET);
    expect((await vault.state()).problem).toBeUndefined();
    expect(await readFile(`${file}.damaged`, 'utf8')).toBe(content);
  });

  it('says which backend wrote secrets it cannot decrypt', async () => {
    await createSecretVault({ file, cipher: fakeCipher('gnome_libsecret'), preference: memoryPreference() }).update({ 'archive-passphrase': SECRET });
    const other = createSecretVault({ file, cipher: fakeCipher('basic_text'), preference: memoryPreference() });
    await expect(other.get('archive-passphrase')).rejects.toMatchObject({
      code: 'secret-required',
      message: expect.stringContaining('they were encrypted with gnome_libsecret; Lifeboat now uses basic_text'),
    });
  });

  it('with a locked keyring, keeps what is typed until quit and leaves the stored file alone', async () => {
    const key = randomBytes(32);
    const cipher = fakeCipher('gnome_libsecret', key);
    await createSecretVault({ file, cipher, preference: memoryPreference() }).update({ 'archive-passphrase': SECRET });
    const before = await readFile(file);

    cipher.setAvailable(false);
    const locked = createSecretVault({ file, cipher, preference: memoryPreference() });
    expect(await locked.state()).toMatchObject({ backend: { kind: 'unavailable' }, storing: false, problem: expect.stringContaining('locked or missing') });
    await expect(locked.get('archive-passphrase')).rejects.toMatchObject({ code: 'secret-required' });
    await expect(locked.setStoring(true)).rejects.toMatchObject({ message: expect.stringContaining('cannot be stored') });
    await locked.update({ 'archive-passphrase': 'typed while locked' });
    expect(await locked.get('archive-passphrase')).toBe('typed while locked');
    expect(await readFile(file)).toEqual(before);

    cipher.setAvailable(true);
    expect(await createSecretVault({ file, cipher, preference: memoryPreference() }).get('archive-passphrase')).toBe(SECRET);
  });
});
