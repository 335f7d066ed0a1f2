// "Open the plugins folder" in the desktop app: shell.openPath answers an error string instead
// of rejecting, and that string must reach the window, not vanish.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const opened = vi.hoisted(() => ({ paths: [] as string[], answer: '' }));
vi.mock('electron', () => ({
  shell: {
    openPath: async (path: string) => {
      opened.paths.push(path);
      return opened.answer;
    },
  },
}));

const { openFolderInFileManager } = await import('../../../src-main/app/open-folder.js');
const { openPluginsFolder } = await import('../../../src-main/service/plugins-folder.js');

let root: string | undefined;
afterEach(async () => {
  opened.paths = [];
  opened.answer = '';
  if (root) await rm(root, { recursive: true, force: true });
});

describe('openFolderInFileManager', () => {
  it('makes the plugins folder and opens it in the file manager', async () => {
    root = await mkdtemp(join(tmpdir(), 'lifeboat-open-folder-'));
    const dir = join(root, 'lifeboat', 'plugins');
    await openPluginsFolder(dir, openFolderInFileManager);
    expect((await stat(dir)).isDirectory()).toBe(true);
    expect(opened.paths).toEqual([dir]);
  });

  it('turns the error string shell.openPath answers into an error the window shows', async () => {
    root = await mkdtemp(join(tmpdir(), 'lifeboat-open-folder-'));
    opened.answer = 'No application is registered as handling this file';
    await expect(openFolderInFileManager(root)).rejects.toMatchObject({ name: 'AppError', code: 'io', message: opened.answer });
    await expect(openPluginsFolder(root, openFolderInFileManager)).rejects.toThrow(
      `Could not open ${root} in the file manager (No application is registered as handling this file); open it by hand.`,
    );
  });
});
