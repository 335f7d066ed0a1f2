import { open } from 'node:fs/promises';
import { AppError } from '../shared/app-error.js';
import type { EncryptionInfo, RecipientInfo } from '../shared/models/archive.js';
import {
  dearmorPrefix,
  isArmored,
  isGzipMagic,
  isTarMagic,
  looksLikeOpenPgp,
  parseMessageHead,
  type MessageHead,
} from './openpgp-head.js';

// Key packets of a message to many recipients still fit easily in this much.
const HEAD_BYTES = 256 * 1024;

/** The first bytes of a file (fewer when the file is shorter). */
export async function readFileHead(path: string, length = HEAD_BYTES): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** True when the file is an OpenPGP message (binary or ASCII-armored). */
export async function isOpenPgp(path: string): Promise<boolean> {
  return looksLikeOpenPgp(await readFileHead(path, 512));
}

/**
 * How an archive is encrypted, read from its packet headers only (no passphrase needed):
 * a gzip or tar file is `none`; a symmetric key packet means `passphrase` (it wins when
 * the message is also encrypted to keys, since the passphrase alone opens it); otherwise
 * `keys`, with each recipient's long key ID as gpg prints it.
 */
export async function inspectEncryption(path: string): Promise<EncryptionInfo> {
  const bytes = await readFileHead(path);
  if (isGzipMagic(bytes) || isTarMagic(bytes)) return { kind: 'none' };
  const head = messageHeadOf(bytes);
  if (!head) {
    throw new AppError(
      'io',
      `${path} is not an archive Lifeboat can read: it is neither gzip nor an OpenPGP-encrypted file. Choose a .tar.gz or .tar.gz.gpg file.`,
    );
  }
  const packets = head.sessionKeyPackets;
  if (packets.some((p) => p.kind === 'skesk') || packets.length === 0) return { kind: 'passphrase' };
  const recipients: RecipientInfo[] = [];
  for (const p of packets) {
    if (p.kind !== 'pkesk') continue;
    recipients.push(p.fingerprint ? { keyId: p.keyId, fingerprint: p.fingerprint } : { keyId: p.keyId });
  }
  return { kind: 'keys', recipients };
}

/** The message head from a file's first bytes, binary or armored; undefined when it is not one. */
export function messageHeadOf(bytes: Uint8Array): MessageHead | undefined {
  const binary = isArmored(bytes) ? dearmorPrefix(bytes) : bytes;
  if (!binary) return undefined;
  const result = parseMessageHead(binary);
  return result.status === 'ok' ? result.head : undefined;
}

function fileError(path: string, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new AppError('not-found', `${path} does not exist. Check the archive's path.`, { cause: e });
  return new AppError('io', `Cannot read ${path}: ${(e as Error).message}`, { cause: e });
}
