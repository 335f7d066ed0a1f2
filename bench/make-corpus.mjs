// Deterministic benchmark corpus: the mix a Juju/BTCPay operator backs up. Per GiB of
// `size`: 20,000 small text files, a 200 MB SQL-like dump, 200 MB of random data, and
// medium log/JSON files filling the rest. Same seed, same bytes, so runs compare.
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { prng } from '../test/env/prng.mjs';

const MB = 1_000_000;
const GIB = 1024 ** 3;

const WORDS = 'invoice payment store wallet controller model unit charm relation machine agent cloud region lightning channel node peer block height fee address'.split(' ');

/** Writes `bytes` from `makeChunk()` (each call returns up to ~1 MB) through backpressure. */
async function writeGenerated(path, bytes, makeChunk) {
  async function* chunks() {
    let left = bytes;
    while (left > 0) {
      let chunk = makeChunk();
      if (typeof chunk === 'string') chunk = Buffer.from(chunk);
      if (chunk.length > left) chunk = chunk.subarray(0, left);
      left -= chunk.length;
      yield chunk;
    }
  }
  await pipeline(chunks(), createWriteStream(path));
}

function randomChunks(seed) {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  return () => cipher.update(zeros);
}

function sqlChunks(rand) {
  let id = 0;
  return () => {
    const rows = [];
    for (let i = 0; i < 8000; i++) {
      id++;
      const w = WORDS[Math.floor(rand() * WORDS.length)];
      rows.push(`(${id},'${w}-${Math.floor(rand() * 1e6).toString(36)}',${(rand() * 1e5).toFixed(2)},'2026-${1 + Math.floor(rand() * 12)}-${1 + Math.floor(rand() * 28)} 12:${Math.floor(rand() * 60)}:00','${Math.floor(rand() * 2 ** 32).toString(16)}${Math.floor(rand() * 2 ** 32).toString(16)}')`);
    }
    return `INSERT INTO public.invoices (id, label, amount, created, txid) VALUES\n${rows.join(',\n')};\n`;
  };
}

function logChunks(rand) {
  let t = 1_760_000_000;
  return () => {
    const lines = [];
    for (let i = 0; i < 10000; i++) {
      t += Math.floor(rand() * 3);
      const w = WORDS[Math.floor(rand() * WORDS.length)];
      lines.push(`${new Date(t * 1000).toISOString()} INFO juju.worker.${w} unit-${w}-${Math.floor(rand() * 40)} ${rand() < 0.1 ? 'ERROR hook failed: exit status 1' : 'ok'} took ${Math.floor(rand() * 900)}ms`);
    }
    return lines.join('\n') + '\n';
  };
}

/** Base64 of random bytes: JSON blobs with keys and macaroons, compressible to ~75 %. */
function blobChunks(seed) {
  const next = randomChunks(seed);
  return () => `{"blob":"${next().subarray(0, 700_000).toString('base64')}"}\n`;
}

/** Makes the corpus in `dir` and returns its size in bytes. */
export async function makeCorpus(dir, sizeGiB = 1) {
  const rand = prng(1122 + sizeGiB);
  let total = 0;
  const smallCount = Math.round(20_000 * sizeGiB);
  for (let i = 0; i < smallCount; i++) {
    const folder = join(dir, 'small', `d${String(Math.floor(i / 200)).padStart(3, '0')}`);
    if (i % 200 === 0) await mkdir(folder, { recursive: true });
    const lines = [];
    const n = 20 + Math.floor(rand() * 150);
    for (let l = 0; l < n; l++) lines.push(`${WORDS[Math.floor(rand() * WORDS.length)]}_${l}: ${Math.floor(rand() * 1e9).toString(36)}`);
    const text = lines.join('\n') + '\n';
    await writeFile(join(folder, `f${i}.yaml`), text);
    total += Buffer.byteLength(text);
  }
  await mkdir(join(dir, 'db'), { recursive: true });
  const dump = Math.round(200 * MB * sizeGiB);
  await writeGenerated(join(dir, 'db', 'dump.sql'), dump, sqlChunks(rand));
  total += dump;
  await mkdir(join(dir, 'blobs'), { recursive: true });
  const random = Math.round(200 * MB * sizeGiB);
  await writeGenerated(join(dir, 'blobs', 'random.bin'), random, randomChunks(`random-${sizeGiB}`));
  total += random;
  // Medium files (5-20 MB) of logs and JSON blobs up to the requested size.
  await mkdir(join(dir, 'medium'), { recursive: true });
  const target = Math.round(sizeGiB * GIB);
  for (let i = 0; total < target; i++) {
    const bytes = Math.min(Math.round((5 + rand() * 15) * MB), target - total);
    const make = i % 3 === 2 ? blobChunks(`blob-${i}`) : logChunks(rand);
    await writeGenerated(join(dir, 'medium', `${i % 3 === 2 ? 'state' : 'machine'}-${i}.${i % 3 === 2 ? 'json' : 'log'}`), bytes, make);
    total += bytes;
  }
  return total;
}
