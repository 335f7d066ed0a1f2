import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, decrypt, encrypt, generateKey, readKey, readMessage } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRecipients, readPrivateKeyFile, readPublicKeyFile } from '../../../src-main/crypto/keys.js';
import { isAppError } from '../../../src-main/shared/app-error.js';

let dir: string;
let armoredPublic: string;
let armoredPrivate: string;
const keyPassphrase = 'correct horse battery staple';

async function expectAppError(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error), `expected AppError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-keys-'));
  // gpg 2.2 cannot use v6 keys: the legacy curve gives a v4 key with a cv25519 subkey.
  const generated = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Ops', email: 'ops@example.org' }],
    passphrase: keyPassphrase,
    format: 'armored',
  });
  armoredPublic = generated.publicKey;
  armoredPrivate = generated.privateKey;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPublicKeyFile', () => {
  it('reads armored and binary public keys', async () => {
    const armoredPath = join(dir, 'pub.asc');
    await writeFile(armoredPath, armoredPublic);
    const binaryPath = join(dir, 'pub.gpg');
    await writeFile(binaryPath, (await readKey({ armoredKey: armoredPublic })).write());
    const [fromArmored] = await readPublicKeyFile(armoredPath);
    const [fromBinary] = await readPublicKeyFile(binaryPath);
    expect(fromArmored!.getFingerprint()).toBe(fromBinary!.getFingerprint());
    expect(fromArmored!.isPrivate()).toBe(false);
  });

  it('refuses a private key, garbage and a missing file with a config error', async () => {
    const privatePath = join(dir, 'secret.asc');
    await writeFile(privatePath, armoredPrivate);
    const e = await expectAppError(readPublicKeyFile(privatePath), 'config');
    expect(e.message).toMatch(/private key/);

    const garbage = join(dir, 'garbage.txt');
    await writeFile(garbage, 'this is not a key\n');
    await expectAppError(readPublicKeyFile(garbage), 'config');
    await expectAppError(readPublicKeyFile(join(dir, 'missing.asc')), 'config');
  });

  it('refuses an expired key', async () => {
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Old' }],
      date: new Date(Date.now() - 3600_000),
      keyExpirationTime: 60,
      format: 'armored',
    });
    const path = join(dir, 'expired.asc');
    await writeFile(path, publicKey);
    const e = await expectAppError(readPublicKeyFile(path), 'config');
    expect(e.message).toMatch(/cannot encrypt/);
  });
});

describe('describeRecipients', () => {
  it('names the key a message is really encrypted to, as 16 upper-case hex digits', async () => {
    const path = join(dir, 'pub-describe.asc');
    await writeFile(path, armoredPublic);
    const keys = await readPublicKeyFile(path);
    const encrypted = await encrypt({ message: await createMessage({ text: 'hi' }), encryptionKeys: keys, format: 'binary' });
    const message = await readMessage({ binaryMessage: encrypted });
    const ids = message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase());

    const [info] = describeRecipients(keys);
    expect(info!.keyId).toMatch(/^[0-9A-F]{16}$/);
    expect(ids).toEqual([info!.keyId]);
    expect(info!.fingerprint).toBe(keys[0]!.getFingerprint().toUpperCase());
    expect(info!.userIds).toEqual(['Ops <ops@example.org>']);
    // A key object that did not come from a file gives the same answer.
    expect(describeRecipients([await readKey({ armoredKey: armoredPublic })])[0]!.keyId).toBe(info!.keyId);
  });
});

describe('readPrivateKeyFile', () => {
  it('asks for the passphrase of a protected key, rejects a wrong one, unlocks with the right one', async () => {
    const path = join(dir, 'private.asc');
    await writeFile(path, armoredPrivate);
    await expectAppError(readPrivateKeyFile(path), 'secret-required');
    await expectAppError(readPrivateKeyFile(path, 'wrong'), 'wrong-passphrase');

    const [unlocked] = await readPrivateKeyFile(path, keyPassphrase);
    expect(unlocked!.isDecrypted()).toBe(true);
    const encrypted = await encrypt({
      message: await createMessage({ text: 'secret data' }),
      encryptionKeys: await readKey({ armoredKey: armoredPublic }),
    });
    const { data } = await decrypt({ message: await readMessage({ armoredMessage: encrypted }), decryptionKeys: unlocked! });
    expect(data).toBe('secret data');
  });

  it('reads an unprotected key without a passphrase, and refuses a public key', async () => {
    const { privateKey, publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Plain' }],
      format: 'armored',
    });
    const path = join(dir, 'plain-private.asc');
    await writeFile(path, privateKey);
    const [key] = await readPrivateKeyFile(path);
    expect(key!.isDecrypted()).toBe(true);

    const pubPath = join(dir, 'plain-public.asc');
    await writeFile(pubPath, publicKey);
    await expectAppError(readPrivateKeyFile(pubPath), 'config');
  });
});
