// A Juju client folder for the window bench: the yaml files, SSH keys and cookies Juju keeps,
// plus `files` small cache files four folders deep (cache/dNN/dNNN/fN.yaml, 100 a folder),
// and optionally one big incompressible file. Deterministic (seeded), so runs compare.
// The test suite's richer generator is test/integration/plugins/juju-client-fixture.ts.
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { prng } from '../../test/env/prng.mjs';

const WORDS = ['controller', 'model', 'unit', 'charm', 'relation', 'machine', 'agent', 'cloud', 'region', 'lxd'];

/** Where file number `i` goes, relative to the folder. */
export function cacheFilePath(i) {
  const d1 = `d${String(Math.floor(i / 1000)).padStart(2, '0')}`;
  const d2 = `d${String(Math.floor(i / 100)).padStart(3, '0')}`;
  return join('cache', d1, d2, `f${i}.yaml`);
}

/**
 * Writes the folder at `dir`. `bigBytes` > 0 adds cache/charms/big.charm of that many
 * pseudo-random bytes (it dominates the backup's time, so progress runs for a while).
 */
export async function makeJujuClientDir(dir, { files, bigBytes = 0 }) {
  const rand = prng(20261122);
  const text = (lines) =>
    Array.from({ length: lines }, (_, i) => `${WORDS[Math.floor(rand() * WORDS.length)]}-${i}: ${Math.floor(rand() * 1e9).toString(36)}`).join('\n') + '\n';
  for (const sub of ['ssh', 'cookies']) await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'controllers.yaml'), 'controllers:\n  prod:\n    uuid: 6f1e0b4c-1a2b-4c3d-8e9f-00aa11bb22cc\n' + text(20));
  await writeFile(join(dir, 'accounts.yaml'), 'controllers:\n  prod:\n    user: admin\n', { mode: 0o600 });
  await writeFile(join(dir, 'clouds.yaml'), 'clouds:\n  lab:\n    type: maas\n');
  await writeFile(join(dir, 'ssh', 'juju_id_rsa.pub'), 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ juju-client-key\n');
  await writeFile(join(dir, 'cookies', 'prod.json'), JSON.stringify([{ Name: 'macaroon-prod', Value: 'x'.repeat(300) }]), { mode: 0o600 });

  // Texts are drawn in order (same bytes every run); writes go 64 at a time.
  const batch = [];
  for (let i = 0; i < files; i++) {
    const rel = cacheFilePath(i);
    if (i % 100 === 0) await mkdir(join(dir, rel, '..'), { recursive: true });
    batch.push(writeFile(join(dir, rel), text(1 + Math.floor(rand() * 8))));
    if (batch.length === 64) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);

  if (bigBytes > 0) {
    await mkdir(join(dir, 'cache', 'charms'), { recursive: true });
    const key = createHash('sha256').update('ui-bench-big').digest().subarray(0, 16);
    const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
    const zeros = Buffer.alloc(1 << 20);
    async function* chunks() {
      for (let left = bigBytes; left > 0; left -= zeros.length) yield cipher.update(zeros).subarray(0, Math.min(left, zeros.length));
    }
    await pipeline(chunks(), createWriteStream(join(dir, 'cache', 'charms', 'big.charm')));
  }
}
