import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { AppError, isAppError } from '../shared/app-error.js';
import { dearmorPrefix, isArmored, parseMessageHead, type MessageHead } from './openpgp-head.js';
import { decryptSeipdV1, fastKeyFor, quickCheck } from './seipd-v1-reader.js';
import type { Decryption } from './types.js';

// Stream the plaintext as it is decrypted (openpgp would otherwise hold the whole message
// until the integrity check): callers treat it as untrusted until the stream ends cleanly,
// which is when the modification detection code has been checked.
const STREAMING = { allowUnauthenticatedStream: true } as const;
const MAX_HEAD = 1024 * 1024;

/**
 * Decrypts an OpenPGP message (binary or armored) as a stream. Errors come out as stream
 * errors: `wrong-passphrase` or `no-key` before any plaintext, `integrity` at the end when
 * the archive was damaged or tampered with (everything read before then is untrusted).
 */
export function decryptStream(input: Readable, dec: Decryption): Readable {
  let inputError: unknown;
  // A failure of the input itself (a read error) is reported as it is, not as a decryption error.
  const iterator = rememberingErrors(input[Symbol.asyncIterator]() as AsyncIterator<Buffer>, (e) => (inputError = e));
  async function* plaintext(): AsyncGenerator<Buffer> {
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    try {
      const { head, chunks, binary } = await readHead(iterator);
      const armored = isArmored(chunks[0]!);
      const sessionKeys = await sessionKeysFor(binary.subarray(0, head.dataOffset), head, dec);
      if (!armored) {
        for (const k of sessionKeys) {
          const fast = fastKeyFor(head, k.algorithm, k.data);
          if (!fast) continue;
          yield* decryptSeipdV1(chained(Buffer.concat(chunks).subarray(head.dataOffset), iterator), fast);
          return;
        }
      }
      const web = webStreamOf(chunks, iterator, armored);
      const message = armored
        ? await openpgp.readMessage({ armoredMessage: web as ReadableStream<string>, config: STREAMING })
        : await openpgp.readMessage({ binaryMessage: web as ReadableStream<Uint8Array>, config: STREAMING });
      const { data } = await openpgp.decrypt({ message, sessionKeys, format: 'binary', config: STREAMING });
      reader = (data as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
    } catch (e) {
      throw inputError ?? mapDecryptError(e);
    } finally {
      reader?.cancel().catch(() => {});
      input.destroy();
    }
  }
  return Readable.from(plaintext(), { objectMode: false });
}

/** Decrypts a whole (small) message, e.g. an index sidecar. Same errors as {@link decryptStream}. */
export async function decryptBytes(data: Uint8Array, dec: Decryption): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of decryptStream(Readable.from([Buffer.from(data)]), dec)) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The same iterator, telling `onError` about any error its `next()` throws. */
function rememberingErrors(iterator: AsyncIterator<Buffer>, onError: (e: unknown) => void): AsyncIterator<Buffer> {
  return {
    async next() {
      try {
        return await iterator.next();
      } catch (e) {
        onError(e);
        throw e;
      }
    },
    return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
  };
}

async function readHead(iterator: AsyncIterator<Buffer>): Promise<{ head: MessageHead; chunks: Buffer[]; binary: Uint8Array }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const next = await iterator.next();
    if (!next.done) {
      chunks.push(Buffer.from(next.value));
      total += next.value.length;
    }
    const bytes = Buffer.concat(chunks);
    const binary = isArmored(bytes) ? dearmorPrefix(bytes) : bytes;
    const result = binary ? parseMessageHead(binary) : { status: 'need-more' as const };
    if (result.status === 'ok') {
      if (result.head.dataTag === 9) {
        throw new AppError('integrity', 'This file is encrypted without integrity protection (an old PGP format), so tampering could not be detected. Lifeboat does not read such files; decrypt it with gpg if you trust it.');
      }
      return { head: result.head, chunks, binary: binary! };
    }
    if (result.status === 'not-encrypted' || next.done || total > MAX_HEAD) {
      throw new AppError('integrity', 'This is not an OpenPGP-encrypted archive, or its start is damaged. Nothing from it was kept.');
    }
  }
}

/** The rest of the message: what was already read, then the input. */
async function* chainedGenerator(first: Buffer, iterator: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    yield next.value;
  }
}

function chained(first: Buffer, iterator: AsyncIterator<Buffer>): AsyncIterator<Buffer> {
  return chainedGenerator(first, iterator);
}

/** A pull-based web stream over the already-read chunks and the rest of the input (keeps backpressure). */
function webStreamOf(
  chunks: Buffer[],
  iterator: AsyncIterator<Buffer>,
  armored: boolean,
): ReadableStream<Uint8Array | string> {
  const pending = [...chunks];
  const decoder = new TextDecoder('latin1');
  const convert = (b: Buffer): Uint8Array | string => (armored ? decoder.decode(b, { stream: true }) : new Uint8Array(b));
  return new ReadableStream<Uint8Array | string>(
    {
      async pull(controller) {
        const first = pending.shift();
        if (first) return controller.enqueue(convert(first));
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(convert(next.value));
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

async function sessionKeysFor(keyPackets: Uint8Array, head: MessageHead, dec: Decryption): Promise<openpgp.SessionKey[]> {
  // Only the key packets: opening the session key needs nothing of the data.
  const message = await openpgp.readMessage({ binaryMessage: keyPackets });
  const byPassphrase = head.sessionKeyPackets.some((p) => p.kind === 'skesk');
  const recipients = head.sessionKeyPackets.flatMap((p) => (p.kind === 'pkesk' ? [p.keyId] : []));
  if (byPassphrase && dec.passphrase !== undefined) {
    const keys = await openpgp.decryptSessionKeys({ message, passwords: [dec.passphrase] }).catch(() => []);
    const good = keys.filter((k) => plausibleFromPassphrase(head, k));
    if (good.length > 0) return good.map(toSessionKey);
  }
  if (recipients.length > 0 && dec.privateKeys && dec.privateKeys.length > 0) {
    const keys = await openpgp
      .decryptSessionKeys({ message, decryptionKeys: [...dec.privateKeys] })
      .catch(() => []);
    const good = keys.filter((k) => quickCheck(head, k.algorithm, k.data) !== false);
    if (good.length > 0) return good.map(toSessionKey);
  }
  if (byPassphrase && dec.passphrase !== undefined) {
    throw new AppError('wrong-passphrase', 'The passphrase does not open this archive. Check it (letters, case, spaces) and try again; the passphrase is the one set for this target when the backup was made.');
  }
  if (byPassphrase) {
    throw new AppError('secret-required', 'This archive is encrypted with a passphrase. Give the passphrase to open it.');
  }
  const ids = `the key${recipients.length === 1 ? '' : 's'} ${recipients.join(', ')}`;
  const given = dec.privateKeys && dec.privateKeys.length > 0;
  throw new AppError(
    'no-key',
    given
      ? `This archive is encrypted to ${ids}, and none of the private keys given is one of them. Choose the private key with that ID (gpg --list-secret-keys --keyid-format long shows IDs).`
      : `This archive is encrypted to ${ids}. Give the private key with that ID to open it.`,
  );
}

/**
 * Whether a session key a passphrase opened can be the right one. A wrong passphrase opens a v4
 * packet's encrypted session key to random bytes, whose first byte names a random cipher: now and
 * then one with a key of the right size (1 in ~200 wrong tries names Twofish for an AES-256
 * archive). The quick check settles it where Node has the cipher; where it has not, only the
 * cipher the packet names in the clear is believed.
 */
function plausibleFromPassphrase(head: MessageHead, key: openpgp.DecryptedSessionKey): boolean {
  const checked = quickCheck(head, key.algorithm, key.data);
  if (checked !== undefined) return checked;
  const named = head.sessionKeyPackets.flatMap((p) => (p.kind === 'skesk' && p.cipher !== undefined ? [p.cipher] : []));
  if (named.length === 0) return true;
  return named.some((id) => cipherName(id) === key.algorithm);
}

function cipherName(id: number): string | undefined {
  try {
    return openpgp.enums.read(openpgp.enums.symmetric, id);
  } catch {
    return undefined;
  }
}

function toSessionKey(k: openpgp.DecryptedSessionKey): openpgp.SessionKey {
  return { data: k.data, algorithm: k.algorithm as openpgp.enums.symmetricNames };
}

function mapDecryptError(e: unknown): unknown {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/Modification detected|not authenticated|Authentication tag/i.test(message)) {
    return new AppError('integrity', 'The archive is damaged or was tampered with: its integrity check failed. Nothing from it was kept; use another copy of this backup.', { cause: e });
  }
  return new AppError('integrity', `The archive is damaged or was tampered with: ${message.replace(/^Error decrypting message: /, '')}. Nothing from it was kept; use another copy of this backup.`, { cause: e });
}
