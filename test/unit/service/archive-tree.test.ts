import { describe, expect, it } from 'vitest';
import { describePreview, folderEntries, searchEntries } from '../../../src-main/service/archive-browser.js';
import type { ManifestEntry } from '../../../src-main/shared/models/manifest.js';

const file = (path: string, size = 10): ManifestEntry => ({ path, type: 'file', size, mode: 0o644, uid: 0, gid: 0, mtime: '2026-01-01T00:00:00.000Z' });
const dir = (path: string): ManifestEntry => ({ path, type: 'directory', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: '2026-01-01T00:00:00.000Z' });

// `etc/` has its own entry; `var/lib` is only implied by the files under it.
const entries = [dir('etc'), file('etc/hosts'), file('etc/ssh/sshd_config'), file('var/lib/app/db.sqlite', 4096), file('var/lib/app/notes.txt'), file('README')];

describe('archive tree from the manifest', () => {
  it('lists the top folder, folders first, with implied folders and their item counts', () => {
    const top = folderEntries(entries, '');
    expect(top.map((e) => [e.name, e.type, e.children])).toEqual([
      ['etc', 'directory', 2],
      ['var', 'directory', 1],
      ['README', 'file', undefined],
    ]);
  });

  it('lists one folder\'s direct children, with or without a trailing slash', () => {
    expect(folderEntries(entries, 'etc').map((e) => e.path)).toEqual(['etc/ssh', 'etc/hosts']);
    expect(folderEntries(entries, 'var/lib/app/').map((e) => e.name)).toEqual(['db.sqlite', 'notes.txt']);
  });

  it('says a folder that is not there is not found', () => {
    expect(() => folderEntries(entries, 'usr')).toThrow(/no folder "usr"/);
  });

  it('searches whole paths without regard to case, keeping archive order', () => {
    expect(searchEntries(entries, 'SSH').map((e) => e.path)).toEqual(['etc/ssh/sshd_config']);
    expect(searchEntries(entries, 'app/').map((e) => e.name)).toEqual(['db.sqlite', 'notes.txt']);
    expect(searchEntries(entries, 'app/')[0]).not.toHaveProperty('sha256');
  });
});

describe('previews', () => {
  it('shows text, cutting a character split by the byte limit', () => {
    const head = Buffer.from('héllo', 'utf8').subarray(0, 2);
    expect(describePreview(file('a.txt', 6), head)).toEqual({ kind: 'text', text: 'h', size: 6, truncated: true });
  });

  it('calls bytes with NUL or invalid UTF-8 binary, and known image types images', () => {
    expect(describePreview(file('x.bin', 3), Buffer.from([1, 0, 2]))).toEqual({ kind: 'binary', size: 3, truncated: false });
    expect(describePreview(file('x.dat', 2), Buffer.from([0xff, 0xfe]))).toMatchObject({ kind: 'binary' });
    expect(describePreview(file('pic.JPG', 2), Buffer.from([0xff, 0xd8]))).toEqual({ kind: 'image', mime: 'image/jpeg', base64: '/9g=', size: 2, truncated: false });
  });

  it('does not treat SVG as an image, since it can carry script', () => {
    expect(describePreview(file('logo.svg', 11), Buffer.from('<svg></svg>'))).toMatchObject({ kind: 'text' });
  });
});
