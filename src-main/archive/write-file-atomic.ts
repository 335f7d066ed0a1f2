import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a small file so that readers see the old content or the new, never half:
 * `<path>.partial`, fsync, rename, fsync the folder. Mode 0600: store files are private.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const partial = path + '.partial';
  const fh = await open(partial, 'w', mode);
  try {
    // open() applies the mode only when it creates the file: a `.partial` an interrupted run
    // left keeps its own, so the mode is set again here.
    await fh.chmod(mode);
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(partial, { force: true });
    throw e;
  }
  await fh.close();
  await rename(partial, path);
  await fsyncDir(dirname(path));
}

/** Makes a rename in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
