/**
 * Folder trees with real owners, modes, symlinks and awkward names, for the btcpay tests that
 * run the plugin's shell scripts over fake Docker volumes: `build` writes one from a list of
 * `Spec`s, `snapshot` reads back what a copy, a swap or an undo must keep.
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One path as a snapshot sees it. */
export interface Node {
  readonly type: 'file' | 'dir' | 'link';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds; only with `mtimes`, and never for links. */
  readonly mtime?: number;
  readonly sha?: string;
  readonly link?: string;
}

/** Every path under a folder (relative to it, `` for the folder itself), in name order. */
export type Snapshot = Map<string, Node>;

export interface SnapshotOptions {
  /** Record files' and folders' mtimes too (a copy must keep them; a swap has no say in them). */
  readonly mtimes?: boolean;
  /** Relative paths not to go into. */
  readonly skip?: ReadonlySet<string>;
}

/** Every path under `dir` with type, mode, owner, content or link target (and mtime if asked). */
export function snapshot(dir: string, options: SnapshotOptions = {}): Snapshot {
  const out: Snapshot = new Map();
  const walk = (rel: string): void => {
    const abs = rel === '' ? dir : join(dir, rel);
    const st = lstatSync(abs);
    const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    const time = options.mtimes ? { mtime: Math.floor(st.mtimeMs / 1000) } : {};
    if (st.isSymbolicLink()) out.set(rel, { type: 'link', ...base, link: readlinkSync(abs) });
    else if (st.isFile()) out.set(rel, { type: 'file', ...base, ...time, sha: createHash('sha256').update(readFileSync(abs)).digest('hex') });
    else {
      out.set(rel, { type: 'dir', ...base, ...time });
      for (const name of readdirSync(abs).sort()) {
        const child = rel === '' ? name : `${rel}/${name}`;
        if (!options.skip?.has(child)) walk(child);
      }
    }
  };
  walk('');
  return out;
}

/** A snapshot as a plain object sorted by path, so a failed comparison shows a readable diff. */
export const asObject = (s: Snapshot): Record<string, Node> => Object.fromEntries([...s.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));

/** What to make at one path; `gid` defaults to `uid`. */
export type Spec =
  | { readonly kind: 'dir'; readonly mode: number; readonly uid: number; readonly gid?: number }
  | { readonly kind: 'file'; /** Defaults to the file's path as given to `build`, so every file differs. */ readonly text?: string; readonly mode: number; readonly uid: number; readonly gid?: number }
  | { readonly kind: 'link'; readonly to: string; readonly uid: number; readonly gid?: number };

/** Paths relative to the folder `build` writes into, `` being that folder. */
export type Tree = ReadonlyArray<readonly [path: string, spec: Spec]>;

const withGid = (gid: number | undefined): { gid?: number } => (gid === undefined ? {} : { gid });
export const dir = (mode: number, uid = 0, gid?: number): Spec => ({ kind: 'dir', mode, uid, ...withGid(gid) });
export const file = (text?: string, mode = 0o644, uid = 0, gid?: number): Spec => ({ kind: 'file', mode, uid, ...(text === undefined ? {} : { text }), ...withGid(gid) });
export const link = (to: string, uid = 0, gid?: number): Spec => ({ kind: 'link', to, uid, ...withGid(gid) });

export interface BuildOptions {
  /** Afterwards, every file's and folder's mtime (deepest first, so writing a child cannot move it). */
  readonly mtime?: Date;
}

/** Writes `tree` under `dir`; parents not listed before their children are made as root, 755. */
export function build(dir: string, tree: Tree, options: BuildOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  for (const [rel, spec] of tree) {
    const abs = join(dir, rel);
    const gid = spec.gid ?? spec.uid;
    mkdirSync(dirname(abs), { recursive: true, mode: 0o755 });
    if (spec.kind === 'link') {
      symlinkSync(spec.to, abs);
      lchownSync(abs, spec.uid, gid);
      continue;
    }
    if (spec.kind === 'dir') mkdirSync(abs, { recursive: true });
    else writeFileSync(abs, spec.text ?? rel);
    chownSync(abs, spec.uid, gid);
    chmodSync(abs, spec.mode);
  }
  if (options.mtime === undefined) return;
  const paths = [...snapshot(dir).entries()].filter(([, node]) => node.type !== 'link').map(([p]) => p);
  for (const p of paths.sort((a, b) => b.split('/').length - a.split('/').length)) utimesSync(join(dir, p), options.mtime, options.mtime);
}
