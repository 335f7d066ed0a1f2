import { readFile } from 'node:fs/promises';
import { decryptKey, enums, readKeys, readPrivateKeys, type Key, type PrivateKey, type PublicKey, type Subkey } from 'openpgp';
import { AppError, errorMessage } from '../shared/app-error.js';
import type { RecipientInfo } from '../shared/models/archive.js';

/**
 * The key ID each public key read by {@link readPublicKeyFile} encrypts to, found with
 * openpgp's own (asynchronous, signature-checking) choice, so that the catalog shows the
 * same ID gpg prints when it decrypts.
 */
const encryptionKeyIds = new WeakMap<Key, string>();

async function readKeyFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new AppError('config', `Cannot read the ${what} file ${path}: ${errorMessage(e)}. Check the path.`, { cause: e });
  }
}

function isArmored(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1').trimStart();
  return head.startsWith('-----BEGIN PGP');
}

/**
 * Reads the OpenPGP public key(s) in a file, armored or binary, and checks each can
 * encrypt (has a valid, unexpired encryption key). Throws AppError `config` otherwise.
 */
export async function readPublicKeyFile(path: string): Promise<PublicKey[]> {
  const bytes = await readKeyFile(path, 'public key');
  let keys: Key[];
  try {
    keys = isArmored(bytes) ? await readKeys({ armoredKeys: Buffer.from(bytes).toString('utf8') }) : await readKeys({ binaryKeys: bytes });
  } catch (e) {
    throw new AppError(
      'config',
      `${path} is not an OpenPGP public key (${errorMessage(e)}). Export one with \`gpg --export --armor <key id> > file.asc\`.`,
      { cause: e },
    );
  }
  const publicKeys: PublicKey[] = [];
  for (const key of keys) {
    if (key.isPrivate()) {
      throw new AppError(
        'config',
        `${path} holds a private key. Give Lifeboat only the public key (\`gpg --export --armor <key id>\`) and keep the private key offline.`,
      );
    }
    try {
      const encryptionKey = await key.getEncryptionKey();
      encryptionKeyIds.set(key, encryptionKey.getKeyID().toHex().toUpperCase());
    } catch (e) {
      throw new AppError(
        'config',
        `The key ${key.getFingerprint().toUpperCase()} in ${path} cannot encrypt (${errorMessage(e)}); it may be expired or revoked. Use a current public key.`,
        { cause: e },
      );
    }
    publicKeys.push(key as PublicKey);
  }
  return publicKeys;
}

/** True when a secret key packet is protected and not yet unlocked (GNU dummy stubs are not). */
function needsUnlocking(key: PrivateKey): boolean {
  return key.getKeys().some(({ keyPacket }) => {
    const packet = keyPacket as { isEncrypted?: boolean | null; isDummy?: () => boolean };
    return packet.isEncrypted === true && !(packet.isDummy?.() ?? false);
  });
}

/**
 * Reads the OpenPGP private key(s) in a file, armored or binary, and unlocks protected ones
 * with `passphrase`. Throws AppError `secret-required` when a key is protected and no
 * passphrase was given, `wrong-passphrase` when it does not unlock it, `config` when the
 * file holds no private key.
 */
export async function readPrivateKeyFile(path: string, passphrase?: string): Promise<PrivateKey[]> {
  const bytes = await readKeyFile(path, 'private key');
  let keys: PrivateKey[];
  try {
    keys = isArmored(bytes)
      ? await readPrivateKeys({ armoredKeys: Buffer.from(bytes).toString('utf8') })
      : await readPrivateKeys({ binaryKeys: bytes });
  } catch (e) {
    throw new AppError(
      'config',
      `${path} is not an OpenPGP private key (${errorMessage(e)}). Export one with \`gpg --export-secret-keys --armor <key id> > file.asc\`.`,
      { cause: e },
    );
  }
  const unlocked: PrivateKey[] = [];
  for (const key of keys) {
    if (!needsUnlocking(key)) {
      unlocked.push(key);
      continue;
    }
    const fingerprint = key.getFingerprint().toUpperCase();
    if (passphrase === undefined) {
      throw new AppError('secret-required', `The private key ${fingerprint} in ${path} is protected by a passphrase. Enter the key's passphrase.`);
    }
    try {
      unlocked.push(await decryptKey({ privateKey: key, passphrase }));
    } catch (e) {
      if (/incorrect key passphrase/i.test(errorMessage(e))) {
        throw new AppError('wrong-passphrase', `The passphrase does not unlock the private key ${fingerprint} in ${path}. Try again.`, {
          cause: e,
        });
      }
      throw new AppError('config', `Cannot unlock the private key ${fingerprint} in ${path}: ${errorMessage(e)}.`, { cause: e });
    }
  }
  return unlocked;
}

const ENCRYPT_FLAGS = enums.keyFlags.encryptCommunication | enums.keyFlags.encryptStorage;

/** Without checking signatures: the newest subkey whose latest binding allows encryption. */
function likelyEncryptionKey(key: Key): Key | Subkey {
  const now = Date.now();
  const candidates = key.subkeys.filter((subkey) => {
    const binding = subkey.bindingSignatures.at(-1);
    const flags = binding?.keyFlags?.[0] ?? 0;
    const expiry = binding?.keyExpirationTime;
    const expired = expiry ? subkey.getCreationTime().getTime() + expiry * 1000 < now : false;
    return (flags & ENCRYPT_FLAGS) !== 0 && !expired;
  });
  candidates.sort((a, b) => b.getCreationTime().getTime() - a.getCreationTime().getTime());
  return candidates[0] ?? key;
}

/**
 * What the catalog records about the recipients of an archive: for each key, the long key
 * ID (16 upper-case hex digits, as gpg shows it) of the key that encrypts, the primary
 * key's fingerprint and its user IDs.
 */
export function describeRecipients(keys: readonly PublicKey[]): RecipientInfo[] {
  return keys.map((key) => ({
    keyId: encryptionKeyIds.get(key) ?? likelyEncryptionKey(key).getKeyID().toHex().toUpperCase(),
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: key.getUserIDs(),
  }));
}
