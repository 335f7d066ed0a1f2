import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src-main/archive/write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no .partial behind, readable by its owner only', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secrets.json']);
  });

  it('a world-readable .partial an interrupted run left does not make the new file world-readable', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path + '.partial', 'half', { mode: 0o644 });
    await writeFileAtomic(path, 'whole');
    expect(await readFile(path, 'utf8')).toBe('whole');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
