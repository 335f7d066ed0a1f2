import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createParallelGzip, looksIncompressible } from '../../../src-main/archive/parallel-gzip.js';

function text(bytes: number): Buffer {
  const words = ['select', 'insert', 'invoice', 'paid', 'store', 'amount', 'lifeboat', 'juju', 'controller'];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const w = `${words[(i * 7) % words.length]} ${i % 1000}\n`;
    parts.push(w);
    size += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Sends `pieces` through a parallel gzip and returns the compressed bytes. */
async function compress(pieces: Buffer[], options: Parameters<typeof createParallelGzip>[0] = {}): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    createParallelGzip(options),
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('createParallelGzip', () => {
  it('produces one gzip stream that decompresses to the input, in order, across many members', async () => {
    const input = Buffer.concat([text(700_000), randomBytes(500_000), text(1_300_000), randomBytes(10), text(333)]);
    // Uneven piece sizes, so member boundaries fall anywhere.
    const pieces: Buffer[] = [];
    for (let i = 0, n = 1; i < input.length; i += n, n = (n * 31 + 7) % 90_000 || 1) pieces.push(input.subarray(i, i + n));
    const gz = await compress(pieces, { chunkSize: 64 * 1024 });
    expect(gunzipSync(gz).equals(input)).toBe(true);
    expect(gz.length).toBeLessThan(input.length);
  });

  it('gives a valid empty gzip stream for empty input', async () => {
    const gz = await compress([]);
    expect(gunzipSync(gz).length).toBe(0);
  });

  it('compresses text and stores random data, both decompressing exactly', async () => {
    const random = randomBytes(2 * 1024 * 1024);
    const storedGz = await compress([random], { chunkSize: 256 * 1024 });
    expect(gunzipSync(storedGz).equals(random)).toBe(true);
    expect(storedGz.length).toBeLessThan(random.length * 1.01);

    const plain = text(2 * 1024 * 1024);
    const textGz = await compress([plain], { chunkSize: 256 * 1024 });
    expect(gunzipSync(textGz).equals(plain)).toBe(true);
    expect(textGz.length).toBeLessThan(plain.length / 3);
  });

  it('tells random data from text, also when they are mixed in one chunk', () => {
    expect(looksIncompressible(randomBytes(1024 * 1024))).toBe(true);
    expect(looksIncompressible(text(1024 * 1024))).toBe(false);
    expect(looksIncompressible(Buffer.concat([randomBytes(600_000), text(600_000)]))).toBe(false);
  });

  it('honours the level: level 1 output is no smaller than level 9 output', async () => {
    const plain = text(1024 * 1024);
    const fast = await compress([plain], { level: 1 });
    const best = await compress([plain], { level: 9 });
    expect(gunzipSync(fast).equals(plain)).toBe(true);
    expect(best.length).toBeLessThanOrEqual(fast.length);
    expect(() => createParallelGzip({ level: 11 })).toThrow(RangeError);
  });

  it('stops taking input while its output is not read, so memory stays bounded', async () => {
    const chunkSize = 128 * 1024;
    const maxInFlight = 2;
    let pulled = 0;
    const source = new Readable({
      highWaterMark: 16 * 1024,
      read() {
        // Random data: its gzip output is as large as the input, so output buffers count fully.
        const piece = randomBytes(16 * 1024);
        pulled += piece.length;
        this.push(piece);
      },
    });
    const gzip = createParallelGzip({ chunkSize, maxInFlight });
    source.pipe(gzip);
    // Nobody reads gzip's output: once its buffers are full the source must stop being pulled.
    let last = -1;
    while (pulled !== last) {
      last = pulled;
      await new Promise((r) => setTimeout(r, 200));
    }
    source.unpipe(gzip);
    source.destroy();
    gzip.destroy();
    expect(pulled).toBeGreaterThan(0);
    // Chunks in flight, one being filled, and the streams' own small buffers.
    expect(pulled).toBeLessThan(chunkSize * (maxInFlight + 2) + 512 * 1024);
  });
});
