/** A tar stream of one file, for Docker's archive API (which takes tars only). */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';

export function oneFileTar(body: Readable, file: { readonly name: string; readonly size: number; readonly mode?: number; readonly mtime?: Date }): Readable {
  const p = pack();
  const out = p.entry({ name: file.name, type: 'file', size: file.size, mode: file.mode ?? 0o600, uid: 0, gid: 0, mtime: file.mtime ?? new Date() });
  pipeline(body, out).then(
    () => p.finalize(),
    (e: unknown) => p.destroy(e as Error),
  );
  return p as unknown as Readable;
}
