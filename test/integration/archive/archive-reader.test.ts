import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as openpgp from 'openpgp';
import * as tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../../src-main/archive/archive-reader.js';
import { createArchiveWriter } from '../../../src-main/archive/archive-writer.js';
import { readIndexSidecar } from '../../../src-main/archive/index-sidecar-read.js';
import { writeIndexSidecar } from '../../../src-main/archive/index-sidecar-write.js';
import { encryptBytes } from '../../../src-main/crypto/encrypt-stream.js';
import type { Manifest } from '../../../src-main/shared/models/manifest.js';
import { gpg, gpgHome } from '../helpers/gpg.js';
import { flipByte, gpgEncryptTo, gpgSymmetric, leftovers, tarGz, tarGzTwoMembers, treeContents } from './archive-fixtures.js';

const PASS = 'correct horse battery staple';
let base: string;
let home: string;
let src: string;

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'lifeboat-reader-'));
  home = await gpgHome(base);
  src = join(base, 'src');
  await mkdir(join(src, 'conf/deep'), { recursive: true });
  await writeFile(join(src, 'conf/app.yaml'), 'name: app\n');
  await writeFile(join(src, 'conf/deep/secret.txt'), 'top secret\n');
  await writeFile(join(src, 'random.bin'), randomBytes(3 * 1024 * 1024));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function foreignGpgArchive(name: string): Promise<string> {
  const tgz = join(base, `${name}.tgz`);
  tarGz(src, tgz);
  const out = join(base, `${name}-20261122-001500.tar.gz.gpg`);
  await gpgSymmetric(home, tgz, out, PASS);
  return out;
}

describe('a foreign gpg --symmetric tarball', () => {
  it('lists its entries, builds a manifest with SHA-256, writes the index sidecar, and reads it back', async () => {
    const archive = await foreignGpgArchive('btcpay');
    const reader = openArchive(archive, { passphrase: PASS });

    const seen: Record<string, string> = {};
    for await (const e of reader.entries()) {
      if (e.type !== 'file') continue;
      const chunks: Buffer[] = [];
      for await (const c of e.body!) chunks.push(c as Buffer);
      seen[e.path] = Buffer.concat(chunks).toString('utf8');
    }
    expect(seen['conf/app.yaml']).toBe('name: app\n');
    expect(seen['conf/deep/secret.txt']).toBe('top secret\n');

    const manifest = await reader.readManifest();
    expect(manifest.origin).toBe('foreign');
    expect(manifest.plugin.id).toBe('unknown');
    expect(manifest.target.name).toBe('btcpay');
    const app = manifest.entries.find((e) => e.path === 'conf/app.yaml');
    expect(app?.sha256).toBe(sha('name: app\n'));
    expect(manifest.entries.map((e) => e.path)).toContain('conf/deep');
    expect(manifest.totals.files).toBe(3);

    // The sidecar is encrypted with the same passphrase: gpg opens it.
    const sidecar = archive.replace(/\.tar\.gz\.gpg$/, '.index.gpg');
    const json = JSON.parse((await gpg(home, ['-d', sidecar], PASS)).toString('utf8')) as Manifest;
    expect(json.entries.length).toBe(manifest.entries.length);
    expect((await readIndexSidecar(archive, { passphrase: PASS }))?.totals).toEqual(manifest.totals);
    await expect(readIndexSidecar(archive, { passphrase: 'wrong' })).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await expect(openArchive(archive, { passphrase: 'wrong' }).readManifest()).rejects.toMatchObject({ code: 'wrong-passphrase' });

    // Listing again comes from the sidecar, even with the archive moved away.
    await rm(archive);
    await writeFile(archive, 'not an archive any more');
    expect((await reader.readManifest()).totals).toEqual(manifest.totals);
  });

  it('extracts to a new folder with the same files', async () => {
    const archive = await foreignGpgArchive('extract');
    const dest = join(base, 'out-extract');
    const result = await openArchive(archive, { passphrase: PASS }).extractTo(dest);
    expect(result.files).toBe(3);
    expect(await treeContents(dest)).toEqual(await treeContents(src));
  });

  it('verifies OK, and names the wrong passphrase clearly everywhere', async () => {
    const archive = await foreignGpgArchive('verify');
    expect(await openArchive(archive, { passphrase: PASS }).verify()).toMatchObject({ ok: true, entries: 5, problems: [] });

    const wrong = openArchive(archive, { passphrase: 'wrong' });
    await expect(wrong.verify()).rejects.toMatchObject({ code: 'wrong-passphrase', message: expect.stringMatching(/passphrase does not open/) });
    expect(await codeOf(wrong.readManifest())).toBe('wrong-passphrase');
    const dest = join(base, 'out-wrong');
    expect(await codeOf(wrong.extractTo(dest))).toBe('wrong-passphrase');
    expect(existsSync(dest)).toBe(false);
    expect(await leftovers(base)).toEqual([]);
  });

  it('reads gpg output that gpg compressed (ZLIB, BZip2), armored, or a plain multi-member .tar.gz', async () => {
    const tgz = join(base, 'plain-20261122-001500.tar.gz');
    await tarGzTwoMembers(src, tgz);
    const compressed = join(base, 'zlib.tar.gz.gpg');
    await gpgSymmetric(home, tgz, compressed, PASS, ['--compress-algo', 'zlib']);
    const bzip2 = join(base, 'bzip2.tar.gz.gpg');
    await gpgSymmetric(home, tgz, bzip2, PASS, ['--compress-algo', 'bzip2']);
    const armored = join(base, 'armored.tar.gz.gpg');
    await gpgSymmetric(home, tgz, armored, PASS, ['--armor']);
    for (const path of [tgz, compressed, bzip2, armored]) {
      const report = await openArchive(path, { passphrase: PASS }).verify();
      expect(report, path).toMatchObject({ ok: true, entries: 5 });
    }
    await openArchive(tgz, {}).readManifest();
    const index = JSON.parse(await readFile(join(base, 'plain-20261122-001500.index.json'), 'utf8')) as Manifest;
    expect(index.totals.files).toBe(3);
  });
});

describe('an archive encrypted to a public key (gpg -e)', () => {
  it('opens with the private key and names the key IDs when another key is given', async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Ops', email: 'ops@example.org' }], format: 'object' });
    const other = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Other' }], format: 'object' });
    const keyFile = join(base, 'ops.asc');
    await writeFile(keyFile, publicKey.armor());
    await gpg(home, ['--import', keyFile]);
    const tgz = join(base, 'keys.tgz');
    tarGz(src, tgz);
    const archive = join(base, 'keys-20261122-001500.tar.gz.gpg');
    await gpgEncryptTo(home, 'ops@example.org', tgz, archive);

    const reader = openArchive(archive, { privateKeys: [privateKey] });
    expect(await reader.verify()).toMatchObject({ ok: true, entries: 5 });
    const manifest = await reader.readManifest();
    expect(manifest.totals.files).toBe(3);
    // The sidecar is encrypted to the same key.
    expect((await readIndexSidecar(archive, { privateKeys: [privateKey] }))?.totals).toEqual(manifest.totals);

    const subkeyId = publicKey.getSubkeys()[0]!.getKeyID().toHex().toUpperCase();
    const wrong = openArchive(archive, { privateKeys: [other.privateKey] });
    await rm(archive.replace(/\.tar\.gz\.gpg$/, '.index.gpg'));
    await expect(wrong.verify()).rejects.toMatchObject({ code: 'no-key', message: expect.stringContaining(subkeyId) });
  });
});

describe('an archive made by the Lifeboat writer', () => {
  it('verifies, lists from the sidecar, and extracts the same tree', async () => {
    const archive = join(base, 'app-20261122-001500.tar.gz.gpg');
    const writer = await createArchiveWriter(archive, { encryption: { kind: 'passphrase', passphrase: PASS } });
    await writer.addDirectory(src, 'app');
    const now = new Date().toISOString();
    const written = await writer.finish({
      tool: { name: 'lifeboat', version: '0.1.0' },
      plugin: { id: 'test', version: '1.0.0' },
      target: { name: 'app', options: {} },
      startedAt: now,
    });
    const reader = openArchive(archive, { passphrase: PASS });
    const report = await reader.verify();
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.entries).toBe(written.manifest.totals.entries);
    const manifest = await reader.readManifest();
    expect(manifest).toMatchObject(written.manifest);
    expect(manifest.entries).toHaveLength(written.manifest.totals.entries);
    const paths: string[] = [];
    for await (const e of reader.entries()) paths.push(e.path);
    expect(paths).not.toContain('lifeboat/manifest.json');
    const dest = join(base, 'writer-out');
    await reader.extractTo(dest, { strip: 'app' });
    expect(await treeContents(dest)).toEqual(await treeContents(src));
  });
});

describe('damage and tampering', () => {
  for (const [where, offset] of [['in the middle', 0.5], ['near the end', -30]] as const) {
    it(`a flipped byte ${where} fails verify and extraction leaves nothing behind`, async () => {
      const archive = await foreignGpgArchive(`flip-${offset}`);
      const size = (await readFile(archive)).length;
      await flipByte(archive, offset < 1 && offset > 0 ? Math.floor(size * offset) : offset);
      const reader = openArchive(archive, { passphrase: PASS });
      const report = await reader.verify();
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toMatch(/damaged or was tampered with/);

      const dest = join(base, `out-flip-${offset}`);
      await expect(reader.extractTo(dest)).rejects.toMatchObject({ code: 'integrity' });
      expect(existsSync(dest)).toBe(false);
      expect(await leftovers(base)).toEqual([]);
      await expect(reader.readManifest()).rejects.toMatchObject({ code: 'integrity' });
      expect(existsSync(archive.replace(/\.tar\.gz\.gpg$/, '.index.gpg'))).toBe(false);
    });
  }

  it('a flipped byte in an armored or BZip2-compressed archive fails verify', async () => {
    const tgz = join(base, 'flip-slow.tgz');
    tarGz(src, tgz);
    for (const extra of [['--armor'], ['--compress-algo', 'bzip2']]) {
      const archive = join(base, `flip-slow${extra.length}.tar.gz.gpg`);
      await gpgSymmetric(home, tgz, archive, PASS, extra);
      // Inside the armor's base64 text, flip a letter into another valid one.
      const data = await readFile(archive);
      const at = Math.floor(data.length / 2);
      data[at] = data[at] === 0x41 ? 0x42 : 0x41;
      await writeFile(archive, data);
      const report = await openArchive(archive, { passphrase: PASS }).verify();
      expect(report.ok, extra.join(' ')).toBe(false);
      expect(report.problems[0]).toMatch(/damaged or was tampered with/);
    }
  });

  it('a cut-short or empty archive fails verify', async () => {
    const archive = await foreignGpgArchive('cut');
    const data = await readFile(archive);
    await writeFile(archive, data.subarray(0, Math.floor(data.length / 2)));
    const cut = await openArchive(archive, { passphrase: PASS }).verify();
    expect(cut).toMatchObject({ ok: false, problems: [expect.stringMatching(/damaged/)] });
    await writeFile(archive, '');
    const empty = await openArchive(archive, { passphrase: PASS }).verify();
    expect(empty).toMatchObject({ ok: false, problems: [expect.stringMatching(/empty/)] });
  });

  it('a flipped byte in a plain .tar.gz fails verify', async () => {
    const tgz = join(base, 'flip-plain.tar.gz');
    tarGz(src, tgz);
    await flipByte(tgz, 2000);
    const report = await openArchive(tgz, {}).verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/damaged/);
  });

  it('checks every file against the archive manifest and the sidecar', async () => {
    const archive = await lifeboatStyleArchive('juju', { 'juju/a.txt': 'alpha\n', 'juju/b.txt': 'beta\n' });
    const reader = openArchive(archive, { passphrase: PASS });
    expect(await reader.verify()).toMatchObject({ ok: true, entries: 3, problems: [] });
    const manifest = await reader.readManifest();
    expect(manifest.plugin.id).toBe('juju-client');

    // A sidecar that disagrees with the archive (as if the archive had been swapped).
    const altered: Manifest = {
      ...manifest,
      entries: manifest.entries.map((e) => (e.path === 'juju/b.txt' ? { ...e, sha256: sha('other') } : e)).concat([{ ...manifest.entries[1]!, path: 'juju/c.txt' }]),
    };
    await writeIndexSidecar(archive, altered, { kind: 'passphrase', passphrase: PASS });
    const report = await reader.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"juju\/b\.txt".*does not match the index sidecar/),
        expect.stringMatching(/"juju\/c\.txt" is listed in the index sidecar but missing/),
      ]),
    );

    // An archive whose own manifest disagrees with its content.
    const bad = await lifeboatStyleArchive('bad', { 'juju/a.txt': 'alpha\n' }, (m) => ({ ...m, entries: m.entries.map((e) => ({ ...e, sha256: e.sha256 ? sha('x') : undefined })) }));
    const badReport = await openArchive(bad, { passphrase: PASS }).verify();
    expect(badReport.problems).toEqual([expect.stringMatching(/"juju\/a\.txt".*does not match the archive's manifest/)]);
    const dest = join(base, 'out-bad');
    await expect(openArchive(bad, { passphrase: PASS }).extractTo(dest)).rejects.toMatchObject({ code: 'integrity' });
    expect(existsSync(dest)).toBe(false);
  });
});

/** An archive laid out as Lifeboat writes it: content, then lifeboat/manifest.json last; tar.gz; openpgp.js encryption. */
async function lifeboatStyleArchive(name: string, files: Record<string, string>, alter: (m: Manifest) => Manifest = (m) => m): Promise<string> {
  const mtime = new Date('2026-11-22T00:15:00Z');
  const entries: Manifest['entries'][number][] = [{ path: 'juju', type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: mtime.toISOString() }];
  for (const [path, data] of Object.entries(files)) {
    entries.push({ path, type: 'file', size: Buffer.byteLength(data), mode: 0o600, uid: 0, gid: 0, mtime: mtime.toISOString(), sha256: sha(data) });
  }
  const manifest = alter({
    formatVersion: 1,
    tool: { name: 'lifeboat', version: '0.1.0' },
    plugin: { id: 'juju-client', version: '1.0.0' },
    target: { name, options: {} },
    startedAt: mtime.toISOString(),
    finishedAt: mtime.toISOString(),
    metadata: {},
    entries,
    totals: { entries: entries.length, files: entries.length - 1, bytes: 0 },
  });
  const pack = tarStream.pack();
  const collected = (async () => {
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  })();
  pack.entry({ name: 'juju', type: 'directory', mode: 0o755, mtime });
  for (const [path, data] of Object.entries(files)) pack.entry({ name: path, mode: 0o600, mtime }, data);
  pack.entry({ name: 'lifeboat/manifest.json', mode: 0o600, mtime }, JSON.stringify(manifest));
  pack.finalize();
  const gz = execFileSync('gzip', ['-c'], { input: await collected });
  const out = join(base, `${name}-20261122-001500.tar.gz.gpg`);
  await writeFile(out, await encryptBytes(gz, { kind: 'passphrase', passphrase: PASS }));
  return out;
}
