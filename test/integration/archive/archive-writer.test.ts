import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { build } from 'esbuild';
import { generateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveWriter, type ManifestHeader } from '../../../src-main/archive/archive-writer.js';
import { encryptBytes } from '../../../src-main/crypto/encrypt-stream.js';
import { describeRecipients, readPublicKeyFile } from '../../../src-main/crypto/keys.js';
import type { Encryption } from '../../../src-main/crypto/types.js';
import { isAppError } from '../../../src-main/shared/app-error.js';
import type { Manifest } from '../../../src-main/shared/models/manifest.js';
import type { ProgressUpdate } from '../../../src-main/shared/models/progress.js';

const PASSPHRASE = 'lifeboat test passphrase';
const header: ManifestHeader = {
  tool: { name: 'lifeboat', version: '0.0.0-test' },
  plugin: { id: 'test', version: '1.0.0' },
  target: { name: 'unit', options: { dir: '/srv' } },
  startedAt: '2026-11-22T00:00:00.000Z',
};

let work: string;
let gnupgHome: string;
let counter = 0;

function scratch(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function archivePathIn(dir: string, encrypted = true): string {
  return join(dir, `unit-20261122-000000${encrypted ? '.tar.gz.gpg' : '.tar.gz'}`);
}

/** `gpg -d archive | tar -xz -C dest` with the passphrase on stdin, never in argv. */
function gpgExtract(archive: string, dest: string, passphrase = ''): { stderr: string } {
  mkdirSync(dest, { recursive: true });
  const r = spawnSync(
    'bash',
    ['-c', 'set -o pipefail; gpg --batch --pinentry-mode loopback --passphrase-fd 0 -d "$1" | tar -xz -C "$2"', 'sh', archive, dest],
    { input: passphrase + '\n', env: { ...process.env, GNUPGHOME: gnupgHome }, encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  return { stderr: r.stderr };
}

function gpgDecrypt(file: string, passphrase = ''): Buffer {
  const r = spawnSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase-fd', '0', '-d', file], {
    input: passphrase + '\n',
    env: { ...process.env, GNUPGHOME: gnupgHome },
  });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

interface Snap {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime?: number;
  sha256?: string;
  link?: string;
  ino?: number;
}

/** Everything a user would compare between the original folder and the restored one. */
function snapshot(root: string): Map<string, Snap> {
  const out = new Map<string, Snap>();
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (st.isSymbolicLink()) out.set(r, { type: 'symlink', ...base, link: readlinkSync(path) });
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', ...base, mtime: Math.floor(st.mtimeMs / 1000) });
        visit(path, r);
      } else out.set(r, { type: 'file', ...base, mtime: Math.floor(st.mtimeMs / 1000), sha256: sha256(readFileSync(path)), ino: st.ino });
    }
  };
  visit(root, '');
  return out;
}

/** Files sharing an inode, as sets of paths, to compare hard links. */
function linkGroups(snap: Map<string, Snap>): string[][] {
  const byIno = new Map<number, string[]>();
  for (const [p, s] of snap) if (s.ino !== undefined) byIno.set(s.ino, [...(byIno.get(s.ino) ?? []), p]);
  return [...byIno.values()].filter((g) => g.length > 1).map((g) => g.sort());
}

function withoutIno(snap: Map<string, Snap>): Map<string, Snap> {
  return new Map([...snap].map(([p, { ino: _ino, ...rest }]) => [p, rest]));
}

/** A folder with what backups meet: modes, old mtimes, links, empty folders, long and non-ASCII names. */
function makeTree(root: string): void {
  mkdirSync(join(root, 'empty'), { recursive: true });
  mkdirSync(join(root, 'nested/deeper/deepest'), { recursive: true });
  writeFileSync(join(root, 'hello.txt'), 'hello\n');
  writeFileSync(join(root, 'zero'), '');
  writeFileSync(join(root, 'nested/deeper/big.bin'), Buffer.concat([randomBytes(1_500_000), Buffer.alloc(2_000_000, 'a')]));
  writeFileSync(join(root, 'nested/secret.key'), 'k');
  chmodSync(join(root, 'nested/secret.key'), 0o600);
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'no-access'), 'root can still read me');
  chmodSync(join(root, 'no-access'), 0o000);
  symlinkSync('hello.txt', join(root, 'link-to-hello'));
  symlinkSync('/nowhere/at/all', join(root, 'dangling'));
  linkSync(join(root, 'hello.txt'), join(root, 'nested/hard-hello'));
  const longDir = join(root, 'l'.repeat(90), 'o'.repeat(90));
  mkdirSync(longDir, { recursive: true });
  writeFileSync(join(longDir, `${'n'.repeat(120)}.txt`), 'long name');
  writeFileSync(join(root, 'ünïcødé ✓.txt'), 'utf-8 name');
  writeFileSync(join(root, 'owned-by-nobody'), 'x');
  chownSync(join(root, 'owned-by-nobody'), 65534, 65534);
  chmodSync(join(root, 'nested/deeper'), 0o750);
  // Old, distinct mtimes; folders last, since writing into them changes theirs.
  const files = ['hello.txt', 'zero', 'nested/deeper/big.bin', 'run.sh', 'ünïcødé ✓.txt'];
  files.forEach((f, i) => utimesSync(join(root, f), 1_600_000_000 + i * 1000, 1_600_000_000 + i * 1000));
  for (const d of ['nested/deeper/deepest', 'nested/deeper', 'nested', 'empty', '.']) utimesSync(join(root, d), 1_500_000_000, 1_500_000_000);
}

async function writeArchive(
  dest: string,
  encryption: Encryption,
  fill: (w: Awaited<ReturnType<typeof createArchiveWriter>>) => Promise<void>,
  progress?: (u: ProgressUpdate) => void,
) {
  const writer = await createArchiveWriter(archivePathIn(dest, encryption.kind !== 'none'), {
    encryption,
    ...(progress ? { progress: { report: progress } } : {}),
  });
  await fill(writer);
  return writer.finish(header);
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeDefined();
  return e as { code?: string; message: string };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lifeboat-writer-'));
  gnupgHome = join(work, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700 });
});

afterAll(async () => {
  spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: gnupgHome } });
  await rm(work, { recursive: true, force: true });
});

describe('archive writer', () => {
  it('writes a passphrase archive that `gpg -d | tar -xz` restores exactly, manifest last', async () => {
    const src = scratch('src');
    makeTree(src);
    const out = scratch('out');
    const updates: ProgressUpdate[] = [];
    const written = await writeArchive(
      out,
      { kind: 'passphrase', passphrase: PASSPHRASE },
      async (w) => {
        await w.addDirectory(src, 'data');
        await w.addBuffer('meta/info.json', '{"ok":true}', { mode: 0o640, mtime: new Date('2025-01-02T03:04:05Z') });
        w.setMetadata('version', '3.1');
      },
      (u) => updates.push(u),
    );

    expect(written.path).toBe(archivePathIn(out));
    expect(readdirSync(out).sort()).toEqual(['unit-20261122-000000.index.gpg', 'unit-20261122-000000.tar.gz.gpg']);
    for (const f of readdirSync(out)) expect(lstatSync(join(out, f)).mode & 0o777).toBe(0o600);
    expect(lstatSync(written.path).size).toBe(written.size);

    const dest = scratch('restored');
    gpgExtract(written.path, dest, PASSPHRASE);
    const original = snapshot(src);
    const restored = snapshot(join(dest, 'data'));
    expect(withoutIno(restored)).toEqual(withoutIno(original));
    expect(linkGroups(restored)).toEqual(linkGroups(original));
    expect(lstatSync(join(dest, 'data')).mode & 0o7777).toBe(lstatSync(src).mode & 0o7777);
    expect(readFileSync(join(dest, 'meta/info.json'), 'utf8')).toBe('{"ok":true}');
    expect(lstatSync(join(dest, 'meta/info.json')).mode & 0o777).toBe(0o640);

    // The manifest is the last entry and its hashes match what tar restored.
    const listing = spawnSync('bash', ['-c', 'set -o pipefail; gpg --batch --pinentry-mode loopback --passphrase-fd 0 -d "$1" | tar -tz', 'sh', written.path], {
      input: PASSPHRASE + '\n',
      env: { ...process.env, GNUPGHOME: gnupgHome },
      encoding: 'utf8',
    });
    expect(listing.stdout.trim().split('\n').at(-1)).toBe('lifeboat/manifest.json');
    const manifest = JSON.parse(readFileSync(join(dest, 'lifeboat/manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject(written.manifest);
    expect(manifest.entries).toHaveLength(written.manifest.totals.entries);
    expect(manifest.metadata).toEqual({ version: '3.1' });
    expect(manifest.target).toEqual(header.target);
    const files = manifest.entries.filter((e) => e.type === 'file');
    expect(files.length).toBeGreaterThan(5);
    for (const e of files) expect(e.sha256, e.path).toBe(sha256(readFileSync(join(dest, e.path))));
    expect(manifest.totals).toEqual({ entries: manifest.entries.length, files: files.length, bytes: files.reduce((s, e) => s + e.size, 0) });
    const kinds = new Map(manifest.entries.map((e) => [e.path, e]));
    expect(kinds.get('data/nested/hard-hello')).toMatchObject({ type: 'hardlink', linkname: 'data/hello.txt' });
    expect(kinds.get('data/link-to-hello')).toMatchObject({ type: 'symlink', linkname: 'hello.txt' });
    expect(kinds.get('data/no-access')).toMatchObject({ type: 'file', mode: 0 });
    expect(kinds.get('data/owned-by-nobody')).toMatchObject({ uid: 65534, gid: 65534 });
    expect(kinds.get('data')).toMatchObject({ type: 'directory' });

    // The index sidecar holds the same manifest, encrypted the same way.
    expect(JSON.parse(gpgDecrypt(written.indexPath, PASSPHRASE).toString('utf8'))).toEqual(manifest);

    const bytes = updates.filter((u) => u.kind === 'bytes');
    expect(bytes.at(-1)).toEqual({ kind: 'bytes', done: manifest.totals.bytes, total: manifest.totals.bytes });
    expect(bytes.every((u) => u.kind === 'bytes' && u.total !== undefined && u.done <= u.total)).toBe(true);
    expect(updates.some((u) => u.kind === 'item' && u.path === 'data/nested/deeper/big.bin')).toBe(true);
  });

  it('writes a public-key archive that gpg decrypts with the private key', async () => {
    const { publicKey, privateKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Lifeboat Test', email: 'test@example.org' }],
      format: 'armored',
    });
    const keyDir = scratch('keys');
    writeFileSync(join(keyDir, 'pub.asc'), publicKey);
    writeFileSync(join(keyDir, 'priv.asc'), privateKey);
    const imported = spawnSync('gpg', ['--batch', '--import', join(keyDir, 'priv.asc')], { env: { ...process.env, GNUPGHOME: gnupgHome }, encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);

    const keys = await readPublicKeyFile(join(keyDir, 'pub.asc'));
    const src = scratch('src');
    makeTree(src);
    const out = scratch('out');
    const written = await writeArchive(out, { kind: 'keys', publicKeys: keys }, (w) => w.addDirectory(src, 'data'));

    const dest = scratch('restored');
    const { stderr } = gpgExtract(written.path, dest);
    expect(withoutIno(snapshot(join(dest, 'data')))).toEqual(withoutIno(snapshot(src)));
    // gpg names the key it used: the catalog's recipient ID must be that one.
    expect(stderr).toContain(describeRecipients(keys)[0]!.keyId);
    const index = JSON.parse(gpgDecrypt(written.indexPath).toString('utf8')) as Manifest;
    expect(index).toMatchObject(written.manifest);
    expect(index.entries).toHaveLength(written.manifest.totals.entries);
  });

  it('keeps SEIPD v1 for gpg 2.2 even when the recipient key advertises AEAD', async () => {
    const { publicKey, privateKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'AEAD capable' }],
      format: 'armored',
      config: { aeadProtect: true },
    });
    const keyDir = scratch('keys');
    writeFileSync(join(keyDir, 'pub.asc'), publicKey);
    writeFileSync(join(keyDir, 'priv.asc'), privateKey);
    const imported = spawnSync('gpg', ['--batch', '--import', join(keyDir, 'priv.asc')], { env: { ...process.env, GNUPGHOME: gnupgHome }, encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);
    const file = join(keyDir, 'message.gpg');
    writeFileSync(file, await encryptBytes('still readable by gpg 2.2', { kind: 'keys', publicKeys: await readPublicKeyFile(join(keyDir, 'pub.asc')) }));
    expect(gpgDecrypt(file).toString('utf8')).toBe('still readable by gpg 2.2');
  });

  it('writes plain .tar.gz and a JSON index when encryption is off', async () => {
    const src = scratch('src');
    writeFileSync(join(src, 'a.txt'), 'plain');
    const out = scratch('out');
    const written = await writeArchive(out, { kind: 'none' }, async (w) => {
      await w.addDirectory(src, 'data');
      // Ids beyond what a ustar header holds go into pax records.
      await w.addBuffer('big-ids', 'x', { uid: 300_000, gid: 300_001 });
    });
    expect(written.indexPath.endsWith('.index.json')).toBe(true);
    const listing = spawnSync('tar', ['-tvzf', written.path, '--numeric-owner'], { encoding: 'utf8' });
    expect(listing.stdout).toMatch(/300000\/300001 .* big-ids/);
    const index = JSON.parse(readFileSync(written.indexPath, 'utf8')) as Manifest;
    expect(index).toMatchObject(written.manifest);
    expect(index.entries.map((e) => e.path)).toContain('big-ids');
    const dest = scratch('restored');
    const r = spawnSync('tar', ['-xzf', written.path, '-C', dest]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dest, 'data/a.txt'), 'utf8')).toBe('plain');
  });

  it('leaves out excluded paths', async () => {
    const src = scratch('src');
    for (const f of ['keep.txt', 'logs/a.log', 'logs/old/b.log', 'cache/x', 'app/cache/y', 'app/main.conf', 'local/z', 'app/local']) {
      mkdirSync(join(src, f, '..'), { recursive: true });
      writeFileSync(join(src, f), f);
    }
    const out = scratch('out');
    const written = await writeArchive(out, { kind: 'passphrase', passphrase: PASSPHRASE }, (w) =>
      w.addDirectory(src, 'data', { exclude: ['logs/*', '**/cache', 'local'] }),
    );
    const dest = scratch('restored');
    gpgExtract(written.path, dest, PASSPHRASE);
    const paths = [...snapshot(join(dest, 'data')).keys()].sort();
    expect(paths).toEqual(['app', 'app/local', 'app/main.conf', 'keep.txt', 'logs']);
  });

  it('adds streams of unknown length and foreign tar streams, leaving no spool behind', async () => {
    const tarSrc = scratch('tarsrc');
    mkdirSync(join(tarSrc, 'db/skip'), { recursive: true });
    writeFileSync(join(tarSrc, 'db/data.bin'), randomBytes(300_000));
    writeFileSync(join(tarSrc, 'db/skip/x'), 'x');
    symlinkSync('data.bin', join(tarSrc, 'db/current'));
    linkSync(join(tarSrc, 'db/data.bin'), join(tarSrc, 'db/data-again.bin'));
    spawnSync('mkfifo', [join(tarSrc, 'db/pipe')]);
    utimesSync(join(tarSrc, 'db/data.bin'), 1_600_000_000, 1_600_000_000);
    const dump = Buffer.concat([Buffer.from('-- dump\n'), randomBytes(3_000_000), Buffer.from('\n-- end\n')]);
    const out = scratch('out');
    const warnings: string[] = [];
    const writer = await createArchiveWriter(archivePathIn(out), {
      encryption: { kind: 'passphrase', passphrase: PASSPHRASE },
      log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: () => {} },
    });
    async function* dumpChunks() {
      for (let i = 0; i < dump.length; i += 100_000) yield dump.subarray(i, i + 100_000);
    }
    await writer.addStream('postgres/dump.sql', Readable.from(dumpChunks()), { mode: 0o600 });
    const tar = spawn('tar', ['-cf', '-', '-C', tarSrc, '.']);
    await writer.addTarStream(tar.stdout, { prefix: 'volumes/app', exclude: ['db/skip'] });
    const written = await writer.finish(header);
    expect(readdirSync(out).length).toBe(2);

    const dest = scratch('restored');
    gpgExtract(written.path, dest, PASSPHRASE);
    expect(sha256(readFileSync(join(dest, 'postgres/dump.sql')))).toBe(sha256(dump));
    expect(lstatSync(join(dest, 'postgres/dump.sql')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dest, 'volumes/app/db/data.bin')).equals(readFileSync(join(tarSrc, 'db/data.bin')))).toBe(true);
    expect(Math.floor(lstatSync(join(dest, 'volumes/app/db/data.bin')).mtimeMs / 1000)).toBe(1_600_000_000);
    expect(readlinkSync(join(dest, 'volumes/app/db/current'))).toBe('data.bin');
    expect(lstatSync(join(dest, 'volumes/app/db/data-again.bin')).ino).toBe(lstatSync(join(dest, 'volumes/app/db/data.bin')).ino);
    expect(() => lstatSync(join(dest, 'volumes/app/db/skip'))).toThrow();
    expect(() => lstatSync(join(dest, 'volumes/app/db/pipe'))).toThrow();
    expect(warnings.some((w) => w.includes('pipe'))).toBe(true);
    const index = JSON.parse(gpgDecrypt(written.indexPath, PASSPHRASE).toString('utf8')) as Manifest;
    const dumpEntry = index.entries.find((e) => e.path === 'postgres/dump.sql');
    expect(dumpEntry).toMatchObject({ size: dump.length, sha256: sha256(dump) });
  });

  it('parks a stream (a dump taken while a service is stopped) and adds it later: nothing on disk in the clear, nothing left', async () => {
    const marker = 'PLAINTEXT-MARKER-' + randomBytes(8).toString('hex');
    const dump = Buffer.from(`-- dump\n${marker}\n`.repeat(20_000));
    const out = scratch('park');
    const writer = await createArchiveWriter(archivePathIn(out), { encryption: { kind: 'passphrase', passphrase: PASSPHRASE } });
    const parked = await writer.park(Readable.from([dump.subarray(0, 100_000), dump.subarray(100_000)]));
    expect(parked.size).toBe(dump.length);
    // While parked: the spool (already unlinked, open here) and the store folder hold no plaintext.
    const spools = readdirSync('/proc/self/fd')
      .map((fd) => ({ fd, target: (() => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } })() }))
      .filter((f) => f.target.includes('.spool-'));
    expect(spools.length).toBeGreaterThan(0);
    for (const { fd } of spools) expect(readFileSync(`/proc/self/fd/${fd}`).includes(marker)).toBe(false);
    for (const name of readdirSync(out)) expect(readFileSync(join(out, name)).includes(marker)).toBe(false);
    await writer.addStream('db.sql', Readable.from(parked.read()));
    await parked.close();
    const written = await writer.finish(header);
    expect(readdirSync(out).length).toBe(2);
    const dest = scratch('park-restored');
    gpgExtract(written.path, dest, PASSPHRASE);
    expect(sha256(readFileSync(join(dest, 'db.sql')))).toBe(sha256(dump));
  });

  it('fails when a file grows or shrinks while it is read, and keeps nothing', async () => {
    for (const change of ['grow', 'shrink'] as const) {
      const src = scratch('src');
      const file = join(src, 'growing.log');
      writeFileSync(file, Buffer.alloc(8 * 1024 * 1024, 'l'));
      const out = scratch('out');
      let changed = false;
      const writer = await createArchiveWriter(archivePathIn(out), {
        encryption: { kind: 'passphrase', passphrase: PASSPHRASE },
        progress: {
          report: (u) => {
            if (u.kind === 'bytes' && u.done > 0 && !changed) {
              changed = true;
              if (change === 'grow') appendFileSync(file, Buffer.alloc(1024 * 1024, 'm'));
              else truncateSync(file, 1024);
            }
          },
        },
      });
      const e = await rejection(writer.addFile(file, 'growing.log'));
      expect(isAppError(e)).toBe(true);
      expect(e.message).toContain(change === 'grow' ? 'grew' : 'shrank');
      expect(e.message).toContain(file);
      await rejection(writer.finish(header));
      await writer.abort();
      expect(readdirSync(out)).toEqual([]);
    }
  });

  it('reports a file name that is not valid UTF-8 instead of skipping it silently', async () => {
    const src = scratch('src');
    writeFileSync(join(src, 'fine.txt'), 'fine');
    writeFileSync(Buffer.concat([Buffer.from(src + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'latin-1 name');
    const out = scratch('out');
    const writer = await createArchiveWriter(archivePathIn(out), { encryption: { kind: 'passphrase', passphrase: PASSPHRASE } });
    const e = await rejection(writer.addDirectory(src, 'data'));
    expect(e.code).toBe('unreadable-files');
    expect(e.message).toContain('bad-');
    await writer.abort();
  });

  it('abort and cancel leave no file behind', async () => {
    const src = scratch('src');
    writeFileSync(join(src, 'big.bin'), randomBytes(4 * 1024 * 1024));
    const out = scratch('out');
    const writer = await createArchiveWriter(archivePathIn(out), { encryption: { kind: 'passphrase', passphrase: PASSPHRASE } });
    await writer.addDirectory(src, 'data');
    expect(readdirSync(out)).toEqual(['unit-20261122-000000.tar.gz.gpg.partial']);
    await writer.abort();
    expect(readdirSync(out)).toEqual([]);
    await expect(writer.addBuffer('x', 'y')).rejects.toThrow();

    const out2 = scratch('out');
    const controller = new AbortController();
    const canceled = await createArchiveWriter(archivePathIn(out2), {
      encryption: { kind: 'passphrase', passphrase: PASSPHRASE },
      signal: controller.signal,
      progress: { report: (u) => u.kind === 'bytes' && u.done > 0 && controller.abort() },
    });
    const e = await rejection(canceled.addDirectory(src, 'data'));
    expect(e.code).toBe('canceled');
    await canceled.abort();
    expect(readdirSync(out2)).toEqual([]);
  });

  it('refuses unreadable files and folders, listing them all, before adding anything (as a non-root user)', async () => {
    const base = scratch('unreadable');
    chmodSync(work, 0o755);
    chmodSync(base, 0o755);
    const src = join(base, 'src');
    mkdirSync(join(src, 'ok'), { recursive: true });
    mkdirSync(join(src, 'locked-dir'));
    writeFileSync(join(src, 'ok/fine.txt'), 'fine');
    writeFileSync(join(src, 'locked-file'), 'secret');
    writeFileSync(join(src, 'ok/locked-too'), 'secret');
    chmodSync(join(src, 'locked-file'), 0o000);
    chmodSync(join(src, 'ok/locked-too'), 0o000);
    chmodSync(join(src, 'locked-dir'), 0o000);
    const out = join(base, 'out');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);

    // Root reads everything, so the check runs as `nobody` from a bundled script.
    const script = join(base, 'check.mjs');
    await build({
      stdin: {
        contents: `
          import { createArchiveWriter } from './src-main/archive/archive-writer.ts';
          import { readIndexSidecar } from './src-main/archive/index-sidecar-read.ts';
          (async () => {
            const [src, archive] = process.argv.slice(2);
            const w = await createArchiveWriter(archive, { encryption: { kind: 'passphrase', passphrase: 'x' } });
            await w.addBuffer('before.txt', 'added before');
            try {
              await w.addDirectory(src, 'data');
              console.log(JSON.stringify({ ok: true }));
            } catch (e) {
              const written = await w.finish({ tool: { name: 'lifeboat', version: '0' }, plugin: { id: 't', version: '1' },
                target: { name: 't', options: {} }, startedAt: new Date().toISOString() });
              const manifest = await readIndexSidecar(written.path, { passphrase: 'x' });
              console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, paths: manifest.entries.map((x) => x.path) }));
            }
          })();`,
        resolveDir: resolve(import.meta.dirname, '../../..'),
        sourcefile: 'check.ts',
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      // tar-stream is CommonJS: its require() calls need a real require in an ES module.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      outfile: script,
      logLevel: 'error',
    });
    chmodSync(script, 0o644);
    const isRoot = process.getuid?.() === 0;
    const command = isRoot ? ['runuser', '-u', 'nobody', '--', process.execPath, script] : [process.execPath, script];
    const r = spawnSync(command[0]!, [...command.slice(1), src, archivePathIn(out)], { encoding: 'utf8', cwd: base });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { ok: boolean; code: string; message: string; paths: string[] };
    expect(result.ok).toBe(false);
    expect(result.code).toBe('unreadable-files');
    for (const p of ['locked-file', 'ok/locked-too', 'locked-dir']) expect(result.message).toContain(join(src, p));
    expect(result.message).not.toContain('fine.txt');
    // Nothing from the folder went in; what was added before is intact.
    expect(result.paths).toEqual(['before.txt']);
  });
});
