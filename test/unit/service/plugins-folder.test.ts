import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPluginsFolder } from '../../../src-main/service/plugins-folder.js';

describe('opening the plugins folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-plugins-folder-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the folder, then hands it to the file manager', async () => {
    const folder = join(dir, 'a', 'plugins');
    const opened: string[] = [];
    await openPluginsFolder(folder, async (p) => {
      expect((await stat(p)).isDirectory()).toBe(true);
      opened.push(p);
    });
    expect(opened).toEqual([folder]);
  });

  it('without a desktop, names the folder to open by hand (and still makes it)', async () => {
    const folder = join(dir, 'b', 'plugins');
    await expect(openPluginsFolder(folder, undefined)).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining(`Open ${folder} on the machine running Lifeboat`) });
    expect((await stat(folder)).isDirectory()).toBe(true);
  });

  it("says what the file manager answered when it fails", async () => {
    const folder = join(dir, 'c');
    await expect(openPluginsFolder(folder, async () => Promise.reject(new Error('No application is registered for inode/directory')))).rejects.toMatchObject({
      code: 'io',
      message: expect.stringMatching(/Could not open .*c in the file manager \(No application is registered for inode\/directory\); open it by hand/),
    });
  });
});
