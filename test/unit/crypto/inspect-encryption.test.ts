import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectEncryption, isOpenPgp } from '../../../src-main/crypto/inspect-encryption.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-inspect-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, data: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

async function encrypted(options: { passwords?: string[]; encryptionKeys?: openpgp.PublicKey[]; armor?: boolean }): Promise<Uint8Array | string> {
  const message = await openpgp.createMessage({ binary: gzipSync(Buffer.from('tar bytes')) });
  const config = { aeadProtect: false };
  const { armor, ...keys } = options;
  if (armor) return openpgp.encrypt({ message, ...keys, format: 'armored', config });
  return openpgp.encrypt({ message, ...keys, format: 'binary', config });
}

async function newKey(name: string): Promise<openpgp.PublicKey> {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name }], format: 'object' });
  return publicKey;
}

/** The key ID a PKESK names: the encryption subkey's, upper-case hex as gpg prints it. */
function encryptionKeyId(key: openpgp.PublicKey): string {
  return key.getSubkeys()[0]!.getKeyID().toHex().toUpperCase();
}

describe('inspectEncryption', () => {
  it('says none for a gzip file', async () => {
    expect(await inspectEncryption(await file('plain.tar.gz', gzipSync(Buffer.from('x'))))).toEqual({ kind: 'none' });
  });

  it('says passphrase for a symmetric message, binary or armored', async () => {
    const bin = await file('pw.gpg', await encrypted({ passwords: ['pw'] }));
    const asc = await file('pw.asc', await encrypted({ passwords: ['pw'], armor: true }));
    expect(await inspectEncryption(bin)).toEqual({ kind: 'passphrase' });
    expect(await inspectEncryption(asc)).toEqual({ kind: 'passphrase' });
    expect(await isOpenPgp(bin)).toBe(true);
    expect(await isOpenPgp(asc)).toBe(true);
  });

  it('lists every recipient key ID as 16 upper-case hex digits', async () => {
    const alice = await newKey('alice');
    const bob = await newKey('bob');
    const path = await file('keys.gpg', await encrypted({ encryptionKeys: [alice, bob] }));
    const info = await inspectEncryption(path);
    expect(info).toEqual({ kind: 'keys', recipients: [{ keyId: encryptionKeyId(alice) }, { keyId: encryptionKeyId(bob) }] });
    if (info.kind === 'keys') expect(info.recipients[0]!.keyId).toMatch(/^[0-9A-F]{16}$/);
    const armored = await file('keys.asc', await encrypted({ encryptionKeys: [alice], armor: true }));
    expect(await inspectEncryption(armored)).toEqual({ kind: 'keys', recipients: [{ keyId: encryptionKeyId(alice) }] });
  });

  it('says passphrase when a message opens with a passphrase and with keys', async () => {
    const path = await file('both.gpg', await encrypted({ passwords: ['pw'], encryptionKeys: [await newKey('carol')] }));
    expect(await inspectEncryption(path)).toEqual({ kind: 'passphrase' });
  });

  it('refuses files that are neither gzip nor OpenPGP, and names missing files', async () => {
    const text = await file('notes.txt', 'just some text\n');
    await expect(inspectEncryption(text)).rejects.toMatchObject({ code: 'io', message: expect.stringContaining('neither gzip nor') });
    expect(await isOpenPgp(text)).toBe(false);
    await expect(inspectEncryption(join(dir, 'missing.gpg'))).rejects.toMatchObject({ code: 'not-found' });
  });
});
