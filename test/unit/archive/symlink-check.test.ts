import { describe, expect, it } from 'vitest';
import { normalizeEntryPath, PathSelection, stripPath, unsafePathReason } from '../../../src-main/archive/entry-path.js';
import { symlinkStaysInside } from '../../../src-main/archive/symlink-check.js';

const DEST = '/srv/app';

describe('symlinkStaysInside', () => {
  const inside = (dir: string, target: string, links: Record<string, string> = {}): boolean =>
    symlinkStaysInside(dir ? dir.split('/') : [], target, new Map(Object.entries(links)), DEST);

  it('accepts targets inside the destination, dangling or not', () => {
    expect(inside('a/b', '../c')).toBe(true);
    expect(inside('', 'a/b/c')).toBe(true);
    expect(inside('a', '/srv/app/x')).toBe(true);
  });

  it('refuses targets that climb out or are absolute elsewhere', () => {
    expect(inside('', '..')).toBe(false);
    expect(inside('a', '../../x')).toBe(false);
    expect(inside('a', '/etc/passwd')).toBe(false);
    expect(inside('a', '/srv/application')).toBe(false);
  });

  it('follows other links the way the kernel would', () => {
    // a/b/s -> .. is a; a/b/t -> s/../.. is then a/../.. : outside.
    expect(inside('a/b', 's/../..', { 'a/b/s': '..' })).toBe(false);
    expect(inside('a/b', 's/..', { 'a/b/s': '..' })).toBe(true);
    expect(inside('', 'loop', { loop: 'loop' })).toBe(false);
  });
});

describe('entry paths', () => {
  it('normalizes tar names to manifest paths', () => {
    expect(normalizeEntryPath('./a//b/./c/')).toBe('a/b/c');
    expect(normalizeEntryPath('./')).toBe('');
    expect(normalizeEntryPath('/etc/x')).toBe('/etc/x');
  });

  it('names what is unsafe', () => {
    expect(unsafePathReason('a/../../x')).toMatch(/\.\./);
    expect(unsafePathReason('/etc/x')).toMatch(/absolute/);
    expect(unsafePathReason('a/..b')).toBeUndefined();
  });

  it('strips a leading folder and selects folders with everything under them', () => {
    expect(stripPath('app/x', 'app')).toBe('x');
    expect(stripPath('app', './app/')).toBe('');
    expect(stripPath('application/x', 'app')).toBeUndefined();
    const selection = new PathSelection(['app/conf', 'missing']);
    expect(selection.selects('app/conf/a.yaml')).toBe(true);
    expect(selection.selects('app/config')).toBe(false);
    expect(selection.missing()).toEqual(['missing']);
  });
});
