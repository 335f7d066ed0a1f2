import { existsSync, lstatSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../../src-main/archive/archive-reader.js';
import { leftovers, pythonTarGz, tarGz, type PyTarMember } from './archive-fixtures.js';

let base: string;
let outside: string;
let n = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'lifeboat-extract-'));
  outside = join(base, 'outside');
  await mkdir(outside);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function archiveOf(members: readonly PyTarMember[]): string {
  const path = join(base, `a${n++}.tar.gz`);
  pythonTarGz(path, members);
  return path;
}

describe('refuses unsafe archives and writes nothing', () => {
  const cases: [string, () => PyTarMember[], string][] = [
    ['a ../ path', () => [{ name: 'ok.txt', type: 'file', data: 'ok' }, { name: '../outside/escaped.txt', type: 'file', data: 'x' }], 'escaped.txt'],
    ['an absolute path', () => [{ name: join(outside, 'absolute.txt'), type: 'file', data: 'x' }], 'absolute.txt'],
    ['a file written through a symlink to outside', () => [
      { name: 'link', type: 'symlink', linkname: outside },
      { name: 'link/pwned', type: 'file', data: 'x' },
    ], 'pwned'],
    ['a file written through a symlink inside', () => [
      { name: 'dir', type: 'dir' },
      { name: 'link', type: 'symlink', linkname: 'dir' },
      { name: 'link/pwned', type: 'file', data: 'x' },
    ], 'pwned'],
    ['a relative symlink leading out', () => [{ name: 'up', type: 'symlink', linkname: '../outside' }], 'up'],
    ['a symlink leading out through another symlink', () => [
      { name: 'a/b', type: 'dir' },
      { name: 'a/b/s', type: 'symlink', linkname: '..' },
      { name: 'a/b/t', type: 'symlink', linkname: 's/../..' },
    ], 't'],
    ['a hard link to /etc/passwd', () => [{ name: 'passwd', type: 'hardlink', linkname: '/etc/passwd' }], 'passwd'],
    ['a hard link to ../outside', () => [{ name: 'h', type: 'hardlink', linkname: '../outside/target.txt' }], 'target.txt'],
    ['a hard link to a later entry', () => [
      { name: 'h', type: 'hardlink', linkname: 'later.txt' },
      { name: 'later.txt', type: 'file', data: 'x' },
    ], 'later.txt'],
    ['a character device', () => [{ name: 'null', type: 'chardev' }], 'null'],
    ['a fifo', () => [{ name: 'pipe', type: 'fifo' }], 'pipe'],
  ];
  for (const [what, members, name] of cases) {
    it(what, async () => {
      await writeFile(join(outside, 'target.txt'), 'original');
      const archive = archiveOf(members());
      const dest = join(base, `dest-${n}`);
      await expect(openArchive(archive, {}).extractTo(dest)).rejects.toMatchObject({
        code: 'unsafe-archive',
        message: expect.stringContaining('was refused because'),
      });
      expect(existsSync(dest)).toBe(false);
      expect(await leftovers(base)).toEqual([]);
      expect(existsSync(join(outside, name)) && name !== 'target.txt').toBe(false);
      expect(await readFile(join(outside, 'target.txt'), 'utf8')).toBe('original');
      expect(existsSync(join(outside, 'pwned'))).toBe(false);
    });
  }
});

describe('extraction', () => {
  let src: string;
  beforeAll(async () => {
    src = join(base, 'src');
    await mkdir(join(src, 'app/ro'), { recursive: true });
    await mkdir(join(src, 'other'));
    await writeFile(join(src, 'app/run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(src, 'app/run.sh'), 0o750);
    await writeFile(join(src, 'app/secret'), 'key');
    await chmod(join(src, 'app/secret'), 0o600);
    await writeFile(join(src, 'app/ro/inside.txt'), 'in a read-only folder');
    await writeFile(join(src, 'other/x.txt'), 'x');
    await symlink('run.sh', join(src, 'app/current'));
    const old = new Date('2020-01-02T03:04:05Z');
    await utimes(join(src, 'app/run.sh'), old, old);
    await utimes(join(src, 'app/ro/inside.txt'), old, old);
    await chmod(join(src, 'app/ro'), 0o555);
    await utimes(join(src, 'app/ro'), old, old);
    await utimes(join(src, 'app'), old, old);
  });

  it('keeps modes, mtimes (of folders and symlinks too), and links', async () => {
    const archive = join(base, 'modes.tar.gz');
    tarGz(src, archive);
    const dest = join(base, 'modes-out');
    const result = await openArchive(archive, {}).extractTo(dest);
    expect(result.files).toBe(4);
    expect((await stat(join(dest, 'app/run.sh'))).mode & 0o7777).toBe(0o750);
    expect((await stat(join(dest, 'app/secret'))).mode & 0o7777).toBe(0o600);
    expect((await stat(join(dest, 'app/ro'))).mode & 0o7777).toBe(0o555);
    expect(await readFile(join(dest, 'app/ro/inside.txt'), 'utf8')).toBe('in a read-only folder');
    for (const p of ['app/run.sh', 'app/ro', 'app', 'app/ro/inside.txt']) {
      expect((await lstat(join(dest, p))).mtime.toISOString(), p).toBe('2020-01-02T03:04:05.000Z');
    }
    expect(await readlink(join(dest, 'app/current'))).toBe('run.sh');
    const seconds = async (p: string): Promise<number> => Math.floor((await lstat(p)).mtimeMs / 1000);
    expect(await seconds(join(dest, 'app/current'))).toBe(await seconds(join(src, 'app/current')));
    // The destination did not exist: it takes the archive root's mode, not the staging folder's 0700.
    expect((await stat(dest)).mode & 0o777).toBe((await stat(src)).mode & 0o777);
  });

  it('strips a leading folder and leaves out entries outside it', async () => {
    const archive = join(base, 'strip.tar.gz');
    tarGz(src, archive);
    const dest = join(base, 'strip-out');
    await openArchive(archive, {}).extractTo(dest, { strip: 'app' });
    expect(await readFile(join(dest, 'run.sh'), 'utf8')).toContain('echo hi');
    expect(existsSync(join(dest, 'other'))).toBe(false);
    expect(existsSync(join(dest, 'app'))).toBe(false);
    expect((await stat(dest)).mtime.toISOString()).toBe('2020-01-02T03:04:05.000Z');
  });

  it('extracts chosen paths into a folder that has other things, never overwriting', async () => {
    const archive = join(base, 'paths.tar.gz');
    tarGz(src, archive);
    const dest = join(base, 'paths-out');
    await mkdir(dest);
    await writeFile(join(dest, 'mine.txt'), 'keep');
    await openArchive(archive, {}).extractTo(dest, { paths: ['other'] });
    expect(await readFile(join(dest, 'other/x.txt'), 'utf8')).toBe('x');
    expect(await readFile(join(dest, 'mine.txt'), 'utf8')).toBe('keep');
    expect(existsSync(join(dest, 'app'))).toBe(false);

    // Again: `other` exists now, so it is refused before anything is read.
    await expect(openArchive(archive, {}).extractTo(dest, { paths: ['other/x.txt'] })).rejects.toMatchObject({
      code: 'io',
      message: expect.stringContaining(join(dest, 'other')),
    });
    // A whole archive into a non-empty folder is refused.
    await expect(openArchive(archive, {}).extractTo(dest)).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/not empty/) });
    // A path the archive does not have is named.
    const fresh = join(base, 'paths-missing');
    await expect(openArchive(archive, {}).extractTo(fresh, { paths: ['other', 'nope/x'] })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('nope/x'),
    });
    expect(existsSync(fresh)).toBe(false);
    expect(await leftovers(base)).toEqual([]);
  });

  it('extracts into an existing empty folder and keeps hard links as links', async () => {
    const archive = archiveOf([
      { name: 'data', type: 'dir' },
      { name: 'data/a.txt', type: 'file', data: 'same' },
      { name: 'data/b.txt', type: 'hardlink', linkname: 'data/a.txt' },
      { name: 'data/up', type: 'symlink', linkname: '../data/a.txt' },
    ]);
    const dest = join(base, 'empty-out');
    await mkdir(dest);
    const result = await openArchive(archive, {}).extractTo(dest);
    expect(result.files).toBe(2);
    expect(lstatSync(join(dest, 'data/a.txt')).ino).toBe(lstatSync(join(dest, 'data/b.txt')).ino);
    expect(await readFile(join(dest, 'data/up'), 'utf8')).toBe('same');
  });

  it('stops on cancel and leaves nothing', async () => {
    const archive = join(base, 'cancel.tar.gz');
    tarGz(src, archive);
    const dest = join(base, 'cancel-out');
    const controller = new AbortController();
    // Cancel once the first entry is being written.
    const progress = { report: () => controller.abort() };
    await expect(openArchive(archive, {}).extractTo(dest, { signal: controller.signal, progress })).rejects.toMatchObject({ code: 'canceled' });
    expect(existsSync(dest)).toBe(false);
    expect(await leftovers(base)).toEqual([]);
  });
});
