/**
 * Deterministic Juju client directories for the juju-client tests, generated on the fly
 * (nothing big is committed), and a snapshot of a folder tree to compare restores with.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lstat, lutimes, mkdir, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { prng } from '../../env/prng.mjs';

export interface FixtureOptions {
  /** Small files under `cache/`, 100 per folder. */
  readonly smallFiles: number;
  /** Size of `cache/charms/big.charm`, 0 for none. */
  readonly bigFileBytes: number;
  /** Add Juju 1.x-style local-provider folders `local/` and `local2/`. */
  readonly localProviders?: boolean;
}

const BASE_MTIME = 1_700_000_000;
const WORDS = ['controller', 'model', 'unit', 'charm', 'relation', 'machine', 'agent', 'cloud', 'region', 'lxd'];

/**
 * Writes a Juju 2.x+ client folder at `dir`: yaml files, secrets at 0600, SSH keys,
 * cookies, symlinks, empty folders, `smallFiles` small files and one big file. Every
 * mtime is a whole second, set last (folders after their content).
 */
export async function makeJujuClientDir(dir: string, options: FixtureOptions): Promise<void> {
  const rand = prng(20261122);
  const text = (lines: number): string =>
    Array.from({ length: lines }, (_, i) => `${WORDS[Math.floor(rand() * WORDS.length)]}-${i}: ${Math.floor(rand() * 1e9).toString(36)}`).join('\n') + '\n';

  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const put = async (rel: string, content: string | Buffer, mode: number): Promise<void> => {
    await writeFile(join(dir, rel), content);
    await chmod(join(dir, rel), mode);
  };
  await put('controllers.yaml', 'controllers:\n  prod:\n    uuid: 6f1e0b4c-1a2b-4c3d-8e9f-00aa11bb22cc\n' + text(20), 0o644);
  await put('accounts.yaml', 'controllers:\n  prod:\n    user: admin\n    password: s3cr3t-not-real\n', 0o600);
  await put('credentials.yaml', 'credentials:\n  aws:\n    default:\n      secret-key: not-a-real-key\n' + text(10), 0o600);
  await put('clouds.yaml', 'clouds:\n  lab:\n    type: maas\n', 0o644);
  await mkdir(join(dir, 'ssh'), { mode: 0o700 });
  await chmod(join(dir, 'ssh'), 0o700);
  await put('ssh/juju_id_rsa', '-----BEGIN OPENSSH PRIVATE KEY-----\n' + text(25) + '-----END OPENSSH PRIVATE KEY-----\n', 0o600);
  await put('ssh/juju_id_rsa.pub', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ juju-client-key\n', 0o644);
  await mkdir(join(dir, 'cookies'), { mode: 0o700 });
  await chmod(join(dir, 'cookies'), 0o700);
  await put('cookies/prod.json', JSON.stringify([{ Name: 'macaroon-prod', Value: 'x'.repeat(300) }]), 0o600);
  // Symlinks inside the folder, relative and to folders; and empty folders of two modes.
  await symlink('controllers.yaml', join(dir, 'current-controllers.yaml'));
  await symlink('../ssh/juju_id_rsa.pub', join(dir, 'cookies', 'key.pub'));
  await symlink('ssh', join(dir, 'keys'));
  await mkdir(join(dir, 'models', 'empty'), { recursive: true });
  await chmod(join(dir, 'models', 'empty'), 0o750);
  await mkdir(join(dir, 'lxd', 'empty-private'), { recursive: true });
  await chmod(join(dir, 'lxd', 'empty-private'), 0o700);

  for (let i = 0; i < options.smallFiles; i++) {
    const folder = join('cache', `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) await mkdir(join(dir, folder), { recursive: true });
    await put(join(folder, `f${i}.yaml`), text(1 + Math.floor(rand() * 8)), i % 7 === 0 ? 0o600 : 0o644);
  }
  if (options.bigFileBytes > 0) {
    await mkdir(join(dir, 'cache', 'charms'), { recursive: true });
    await writeDeterministicBytes(join(dir, 'cache', 'charms', 'big.charm'), options.bigFileBytes, 'juju-client-big');
  }
  if (options.localProviders) {
    for (const name of ['local', 'local2']) {
      await mkdir(join(dir, name, 'agents'), { recursive: true });
      await put(join(name, 'agents', 'agent.conf'), text(12), 0o600);
      await put(join(name, 'machine-0.log'), text(40), 0o644);
    }
  }
  await setMtimes(dir);
}

/** `bytes` of pseudo-random data from AES-CTR over zeros, keyed by `seed`: fast and repeatable. */
export async function writeDeterministicBytes(path: string, bytes: number, seed: string): Promise<void> {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let left = bytes; left > 0; left -= zeros.length) yield cipher.update(zeros.subarray(0, Math.min(left, zeros.length)));
  }
  await pipeline(chunks(), createWriteStream(path));
}

/** Gives every entry a whole-second mtime derived from its path; folders after their content. */
async function setMtimes(root: string, rel = ''): Promise<void> {
  const here = join(root, rel);
  for (const d of await readdir(here, { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${d.name}` : d.name;
    const t = mtimeFor(childRel);
    if (d.isDirectory()) await setMtimes(root, childRel);
    else if (d.isSymbolicLink()) await lutimes(join(root, childRel), t, t);
    else await utimes(join(root, childRel), t, t);
  }
  const t = mtimeFor(rel || '.');
  await utimes(here, t, t);
}

function mtimeFor(rel: string): number {
  return BASE_MTIME + (createHash('sha256').update(rel).digest().readUInt32BE(0) % 10_000_000);
}

export interface TreeEntry {
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  readonly mode: number;
  readonly size?: number;
  /** Whole seconds; not recorded for symlinks, whose own mtime nobody sees. */
  readonly mtime?: number;
  readonly sha256?: string;
  readonly linkname?: string;
}

/** Every entry under `root` (the root itself as `.`): type, permission bits, mtime, content hash. */
export async function snapshotTree(root: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  async function visit(rel: string): Promise<void> {
    const full = rel === '.' ? root : join(root, rel);
    const st = await lstat(full);
    const mode = st.mode & 0o7777;
    const mtime = Math.floor(st.mtimeMs / 1000);
    if (st.isSymbolicLink()) {
      out.set(rel, { type: 'symlink', mode: 0, linkname: await readlink(full) });
    } else if (st.isDirectory()) {
      out.set(rel, { type: 'directory', mode, mtime });
      for (const name of (await readdir(full)).sort()) await visit(rel === '.' ? name : `${rel}/${name}`);
    } else if (st.isFile()) {
      const hash = createHash('sha256');
      await pipeline(createReadStream(full), hash);
      out.set(rel, { type: 'file', mode, size: st.size, mtime, sha256: hash.digest('hex') });
    } else {
      out.set(rel, { type: 'other', mode });
    }
  }
  await visit('.');
  return out;
}

/** Human-readable differences between two snapshots (empty when equal). */
export function diffTrees(expected: Map<string, TreeEntry>, actual: Map<string, TreeEntry>): string[] {
  const problems: string[] = [];
  for (const [path, want] of expected) {
    const got = actual.get(path);
    if (!got) problems.push(`missing: ${path}`);
    else if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`differs: ${path}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) problems.push(`unexpected: ${path}`);
  return problems;
}
