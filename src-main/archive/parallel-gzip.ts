import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { gzip, type ZlibOptions } from 'node:zlib';

export interface ParallelGzipOptions {
  /** zlib level 0–9; default 6 (what `gzip` and `tar -z` use). */
  readonly level?: number;
  /** Bytes of input per gzip member; default 1 MiB. */
  readonly chunkSize?: number;
  /** Members being compressed at once; default one per core plus one. */
  readonly maxInFlight?: number;
  /**
   * Store chunks that look incompressible (random, already compressed or encrypted data)
   * instead of searching them for matches; default true. deflate stores such data anyway,
   * so the output is the same size, at a fraction of the CPU time.
   */
  readonly storeIncompressible?: boolean;
}

export const DEFAULT_GZIP_CHUNK_SIZE = 1024 * 1024;

const SAMPLE_BYTES = 16 * 1024;
/** Bits per byte above which a sample counts as incompressible (uniform random scores ~7.99). */
const INCOMPRESSIBLE_ENTROPY = 7.95;

function sampleEntropy(data: Buffer, start: number, length: number): number {
  const counts = new Uint32Array(256);
  const end = start + length;
  for (let i = start; i < end; i++) counts[data[i]!]!++;
  let bits = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b]!;
    if (c > 0) {
      const p = c / length;
      bits -= p * Math.log2(p);
    }
  }
  return bits;
}

/**
 * True when samples from the start, middle and end of a chunk all have the byte entropy
 * of random data. Text, SQL, logs and tar headers score far lower, so a chunk mixing them
 * with random data is still compressed.
 */
export function looksIncompressible(data: Buffer): boolean {
  if (data.length < 4 * SAMPLE_BYTES) return false;
  const starts = [0, Math.floor(data.length / 2 - SAMPLE_BYTES / 2), data.length - SAMPLE_BYTES];
  return starts.every((start) => sampleEntropy(data, start, SAMPLE_BYTES) > INCOMPRESSIBLE_ENTROPY);
}

function gzipAsync(data: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(data, options, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

/**
 * One member per core plus one, so a core never waits for the main thread to hand it
 * work; but never more than libuv's threadpool minus one thread, which file reads need:
 * members beyond that would only queue there, holding memory and delaying the reads.
 */
function defaultInFlight(): number {
  const threadpool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism() + 1, threadpool - 1));
}

/**
 * A gzip compressor that uses every core: the input is cut into chunks that are compressed
 * as independent gzip members at the same time on libuv's threadpool (one zlib stream only
 * ever uses one core), and the members are emitted in input order. Concatenated members
 * are one valid gzip stream for `gunzip` and `tar -xz`. At most `maxInFlight` chunks are
 * held at once, and input is not accepted while they are, so memory stays bounded and
 * backpressure reaches the producer.
 */
export function createParallelGzip(options: ParallelGzipOptions = {}): Transform {
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new RangeError(`gzip level must be 0–9, not ${level}`);
  const chunkSize = Math.max(64 * 1024, options.chunkSize ?? DEFAULT_GZIP_CHUNK_SIZE);
  const maxInFlight = Math.max(1, options.maxInFlight ?? defaultInFlight());
  const storeIncompressible = options.storeIncompressible ?? true;

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let emittedAny = false;
  // Members in input order; each settles when its compression is done.
  const inFlight: Promise<Buffer>[] = [];

  const startMember = (data: Buffer): void => {
    // An output buffer as big as the input: the default 16 KiB costs one threadpool round trip per 16 KiB.
    const memberLevel = storeIncompressible && level > 0 && looksIncompressible(data) ? 0 : level;
    const member = gzipAsync(data, { level: memberLevel, chunkSize: Math.max(64 * 1024, data.length + 1024) });
    // A rejection is handled when the member reaches the head of the queue.
    member.catch(() => {});
    inFlight.push(member);
  };

  /** Emits finished members from the head; waits for the head while more than `keep` are in flight. */
  const drain = async (stream: Transform, keep: number): Promise<void> => {
    while (inFlight.length > keep) {
      const out = await inFlight[0]!;
      inFlight.shift();
      emittedAny = true;
      stream.push(out);
    }
  };

  return new Transform({
    // Small buffers on both sides: the chunks in flight are the buffer.
    writableHighWaterMark: 64 * 1024,
    readableHighWaterMark: 64 * 1024,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < chunkSize) {
        callback();
        return;
      }
      // Members of exactly chunkSize, also when one write brings several chunks' worth.
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      let offset = 0;
      for (; all.length - offset >= chunkSize; offset += chunkSize) startMember(all.subarray(offset, offset + chunkSize));
      pending = offset < all.length ? [all.subarray(offset)] : [];
      pendingBytes = all.length - offset;
      drain(this, maxInFlight - 1).then(() => callback(), callback);
    },
    flush(callback: TransformCallback) {
      if (pendingBytes > 0 || (!emittedAny && inFlight.length === 0)) {
        startMember(pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      }
      drain(this, 0).then(() => callback(), callback);
    },
  });
}
