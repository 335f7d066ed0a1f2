import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { createMessage, encrypt, enums, type PartialConfig } from 'openpgp';
import type { Encryption } from './types.js';

/**
 * Packets GnuPG 2.2 reads: SEIPD v1 with MDC (no AEAD, no v6 packets), no OpenPGP
 * compression because the archive is already gzipped.
 */
const GPG22_CONFIG: PartialConfig = {
  aeadProtect: false,
  preferredCompressionAlgorithm: enums.compression.uncompressed,
  preferredSymmetricAlgorithm: enums.symmetric.aes256,
};

/** Chunks of a Node stream as a web stream that reads only when openpgp pulls. */
function pullingWebStream(input: Readable): ReadableStream<Uint8Array> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : value);
      },
      async cancel(reason) {
        input.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    // One chunk ahead at most: `Readable.toWeb` would buffer without limit.
    { highWaterMark: 1 },
  );
}

/** A web stream as a Node stream that reads one chunk per `_read`, so backpressure holds. */
function nodeReadableFrom(source: () => Promise<ReadableStream<Uint8Array>>): Readable {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const getReader = async (): Promise<ReadableStreamDefaultReader<Uint8Array>> => (reader ??= (await source()).getReader());
  return new Readable({
    highWaterMark: 64 * 1024,
    read() {
      getReader()
        .then((r) => r.read())
        .then(
          ({ done, value }) => {
            if (done) this.push(null);
            else this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
          },
          (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
        );
    },
    destroy(err, callback) {
      if (reader) reader.cancel(err ?? undefined).catch(() => {});
      callback(err);
    },
  });
}

function encryptTargets(enc: Exclude<Encryption, { kind: 'none' }>) {
  if (enc.kind === 'passphrase') return { passwords: [enc.passphrase] };
  return {
    encryptionKeys: [...enc.publicKeys],
    // openpgp picks SEIPD v2 (AEAD) whenever every recipient key advertises it, whatever
    // `aeadProtect` says; a session key without an AEAD algorithm keeps SEIPD v1 for gpg 2.2.
    sessionKey: { data: new Uint8Array(randomBytes(32)), algorithm: 'aes256' as const },
  };
}

/**
 * Encrypts a stream as one binary OpenPGP message that `gpg -d` decrypts. Nothing is
 * buffered beyond a chunk or two: openpgp pulls from `input` only as fast as the returned
 * stream is read. For `kind: 'none'` the input is returned as it is.
 */
export function encryptStream(input: Readable, enc: Encryption): Readable {
  if (enc.kind === 'none') return input;
  const output = nodeReadableFrom(async () => {
    const message = await createMessage({ binary: pullingWebStream(input), format: 'binary' });
    return encrypt({ message, format: 'binary', config: GPG22_CONFIG, ...encryptTargets(enc) });
  });
  // An input failure ends the output too, with the input's error.
  input.once('error', (err) => output.destroy(err));
  return output;
}

/** Encrypts a small piece of data whole, e.g. an index sidecar; unchanged for `kind: 'none'`. */
export async function encryptBytes(data: Uint8Array | string, enc: Encryption): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (enc.kind === 'none') return bytes;
  const message = await createMessage({ binary: bytes, format: 'binary' });
  return encrypt({ message, format: 'binary', config: GPG22_CONFIG, ...encryptTargets(enc) });
}
