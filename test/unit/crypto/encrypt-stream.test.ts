import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decrypt, readMessage } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { encryptBytes, encryptStream } from '../../../src-main/crypto/encrypt-stream.js';

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

async function decryptWith(data: Uint8Array, passphrase: string): Promise<Buffer> {
  const message = await readMessage({ binaryMessage: data });
  const { data: plain } = await decrypt({ message, passwords: [passphrase], format: 'binary' });
  return Buffer.from(plain as Uint8Array);
}

describe('encryptStream', () => {
  it('encrypts a stream into one OpenPGP message that decrypts to the input', async () => {
    const input = randomBytes(3 * 1024 * 1024 + 17);
    const pieces = Array.from({ length: Math.ceil(input.length / 100_000) }, (_, i) => input.subarray(i * 100_000, (i + 1) * 100_000));
    const encrypted = await collect(encryptStream(Readable.from(pieces), { kind: 'passphrase', passphrase: 'pw' }));
    expect(encrypted.includes(input.subarray(0, 64))).toBe(false);
    expect((await decryptWith(encrypted, 'pw')).equals(input)).toBe(true);
  });

  it('returns the input itself when encryption is off', () => {
    const input = Readable.from([Buffer.from('x')]);
    expect(encryptStream(input, { kind: 'none' })).toBe(input);
  });

  it('pulls from its input only as fast as its output is read', async () => {
    let pulled = 0;
    const source = new Readable({
      read() {
        pulled += 64 * 1024;
        this.push(randomBytes(64 * 1024));
      },
    });
    const encrypted = encryptStream(source, { kind: 'passphrase', passphrase: 'pw' });
    encrypted.once('readable', () => {});
    let last = -1;
    while (pulled !== last) {
      last = pulled;
      await new Promise((r) => setTimeout(r, 200));
    }
    encrypted.destroy();
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
  });

  it('fails the output when the input fails', async () => {
    const source = new Readable({ read() {} });
    const encrypted = encryptStream(source, { kind: 'passphrase', passphrase: 'pw' });
    const done = collect(encrypted);
    source.destroy(new Error('disk on fire'));
    await expect(done).rejects.toThrow('disk on fire');
  });
});

describe('encryptBytes', () => {
  it('encrypts small data whole, and passes it through when encryption is off', async () => {
    const encrypted = await encryptBytes('{"a":1}', { kind: 'passphrase', passphrase: 'pw' });
    expect((await decryptWith(encrypted, 'pw')).toString()).toBe('{"a":1}');
    expect(Buffer.from(await encryptBytes('{"a":1}', { kind: 'none' })).toString()).toBe('{"a":1}');
  });
});
