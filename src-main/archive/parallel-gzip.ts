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
}

export const DEFAULT_GZIP_CHUNK_SIZE = 1024 * 1024;

function gzipAsync(data: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(data, options, (err, out) => (err ? reject(err) : resolve(out)));
  });
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
  const maxInFlight = Math.max(1, options.maxInFlight ?? availableParallelism() + 1);
  const zlibOptions: ZlibOptions = { level };

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let emittedAny = false;
  // Members in input order; each settles when its compression is done.
  const inFlight: Promise<Buffer>[] = [];

  const startMember = (): void => {
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    const member = gzipAsync(data, zlibOptions);
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
      startMember();
      drain(this, maxInFlight - 1).then(() => callback(), callback);
    },
    flush(callback: TransformCallback) {
      if (pendingBytes > 0 || (!emittedAny && inFlight.length === 0)) startMember();
      drain(this, 0).then(() => callback(), callback);
    },
  });
}
