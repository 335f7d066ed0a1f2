/**
 * Step one of a restore, while BTCPay keeps running: the archive's volumes go into a staging
 * volume on the host (owners, modes, times, links as archived), and its dumps into the /tmp
 * of their database containers, ready to load. One pass over the archive.
 */
import { pipeline } from 'node:stream/promises';
import { pack, type Header, type Pack } from 'tar-stream';
import type { ArchiveSource, DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';
import { renameVolume } from './archive-contents.js';
import { MARIADB_DUMP, POSTGRES_DUMP } from './dump-databases.js';
import { oneFileTar } from './one-file-tar.js';
import { VOLUMES, type Workbench } from './workbench.js';

export interface UploadTargets {
  readonly bench: Workbench;
  readonly incomingVolume: string;
  /** Archive volume names to upload, and the project rename. */
  readonly volumes: ReadonlySet<string>;
  readonly rename: { readonly from: string; readonly to: string };
  /** Where each dump goes: container ID and file name in its /tmp. */
  readonly dumps: ReadonlyMap<string, { readonly container: string; readonly file: string }>;
}

export interface UploadResult {
  /** Docker-root relative paths uploaded (renamed) and their entry types: what the archive brings. */
  readonly paths: ReadonlyMap<string, string>;
  readonly files: number;
  readonly bytes: number;
}

const VOLUME_PATH = /^volumes\/([^/]+)(\/_data(?:\/.*)?)$/;

export async function uploadArchive(engine: DockerEngine, archive: ArchiveSource, t: UploadTargets, signal: AbortSignal): Promise<UploadResult> {
  const paths = new Map<string, string>();
  let files = 0;
  let bytes = 0;
  let tar: Pack | undefined;
  let written: Promise<void> | undefined;
  const volumesTar = (): Pack => {
    if (tar) return tar;
    const p = pack();
    tar = p;
    written = t.bench.write(`${VOLUMES}/${t.incomingVolume}/_data`, p as unknown as NodeJS.ReadableStream as never).catch((e: unknown) => {
      p.destroy(e as Error);
      throw e;
    });
    return p;
  };
  const rename = (path: string): string | undefined => {
    const m = VOLUME_PATH.exec(path);
    if (!m || !t.volumes.has(m[1]!)) return undefined;
    return `volumes/${renameVolume(m[1]!, t.rename.from, t.rename.to)}${m[2]!}`;
  };
  try {
    for await (const entry of archive.entries()) {
      if (signal.aborted) throw new AppError('canceled', 'Canceled while uploading the archive; nothing on the host was changed yet.');
      const dump = t.dumps.get(entry.path);
      if (dump && entry.body) {
        await engine.writePath(dump.container, '/tmp', oneFileTar(entry.body, { name: dump.file, size: entry.size, mtime: entry.mtime }));
        continue;
      }
      const name = rename(entry.path);
      if (name === undefined) {
        entry.body?.resume();
        continue;
      }
      paths.set(name, entry.type);
      const header: Partial<Header> & Pick<Header, 'name'> = {
        name,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        mtime: entry.mtime,
        ...(entry.type === 'file' ? { type: 'file', size: entry.size } : {}),
        ...(entry.type === 'directory' ? { type: 'directory' } : {}),
        ...(entry.type === 'symlink' ? { type: 'symlink', linkname: entry.linkname ?? '' } : {}),
        ...(entry.type === 'hardlink' ? { type: 'link', linkname: rename(entry.linkname ?? '') ?? entry.linkname ?? '' } : {}),
      };
      const out = volumesTar().entry(header);
      if (entry.type === 'file' && entry.body) {
        await pipeline(entry.body, out);
        files++;
        bytes += entry.size;
      } else {
        out.end(undefined);
      }
    }
    if (tar) {
      tar.finalize();
      await written;
    }
  } catch (e) {
    tar?.destroy(new Error("upload stopped"));
    await written?.catch(() => undefined);
    if ((e as { code?: string }).code === 'canceled') throw e;
    throw new AppError('plugin', `Uploading the archive to the host failed: ${errorMessage(e)}. BTCPay Server was not stopped and nothing of it was changed.`, { cause: e });
  }
  return { paths, files, bytes };
}

export { MARIADB_DUMP, POSTGRES_DUMP };
