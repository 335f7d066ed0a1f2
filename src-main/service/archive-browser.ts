/**
 * The archive browser: the manifest header, one folder of the file tree or a search, from the
 * index sidecar (no pass over the archive), previews of single files, and restore plans.
 */
import { stat } from 'node:fs/promises';
import { extname, posix } from 'node:path';
import { AppError } from '../shared/app-error.js';
import type { Manifest, ManifestEntry } from '../shared/models/manifest.js';
import type { ArchivePreview, ArchivePreviewRequest, ArchiveTree, ArchiveTreeEntry, ArchiveTreeRequest, ManifestHeader } from '../shared/models/archive-browser.js';
import type { RestorePlanView } from '../shared/ipc-contract.js';
import { openArchive } from '../archive/index.js';
// Not re-exported by archive/index.ts; the browser needs the sidecar alone, without a pass over the archive.
import { readIndexSidecar } from '../archive/index-sidecar-read.js';
import { PLAN_NOT_VERIFIED_NOTE, runRestorePlan } from '../operations/index.js';
import type { ServiceContext } from './service-context.js';
import { detachedOperation } from './detached-operation.js';

export const DEFAULT_TREE_LIMIT = 1000;
export const MAX_TREE_LIMIT = 100_000;
export const DEFAULT_PREVIEW_BYTES = 256 * 1024;
export const MAX_PREVIEW_BYTES = 8 * 1024 * 1024;
/** Manifests kept in memory: opening a folder or typing a search must not decrypt the index again. */
const CACHED_MANIFESTS = 4;

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
};

export interface ArchiveBrowser {
  manifest(path: string): Promise<ManifestHeader>;
  tree(request: ArchiveTreeRequest): Promise<ArchiveTree>;
  preview(request: ArchivePreviewRequest): Promise<ArchivePreview>;
  plan(request: { archivePath: string; target: string }): Promise<RestorePlanView>;
}

export function createArchiveBrowser(ctx: ServiceContext): ArchiveBrowser {
  // The read itself is cached, not only its result: the window asks for the manifest and the
  // tree of an archive at once, and both must wait for one decryption of the index.
  const cache = new Map<string, { key: string; manifest: Promise<Manifest> }>();

  const readManifest = async (path: string): Promise<Manifest> => {
    const decryption = await ctx.decryptionFor(path);
    // An archive without its sidecar (say, copied in by hand) is read once; that writes the sidecar.
    return (await readIndexSidecar(path, decryption)) ?? (await openArchive(path, decryption).readManifest());
  };

  const manifestOf = async (requested: string): Promise<Manifest> => {
    const path = await ctx.archiveInStore(requested);
    const st = await stat(path);
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = cache.get(path);
    if (hit?.key === key) {
      // Most recently used last, so the one dropped when the cache is full is the oldest in use.
      cache.delete(path);
      cache.set(path, hit);
      return hit.manifest;
    }
    const entry = { key, manifest: readManifest(path) };
    cache.delete(path);
    cache.set(path, entry);
    if (cache.size > CACHED_MANIFESTS) cache.delete(cache.keys().next().value!);
    // A failed read (no passphrase yet, a file being replaced) is tried again at the next call.
    entry.manifest.catch(() => {
      if (cache.get(path) === entry) cache.delete(path);
    });
    return entry.manifest;
  };

  return {
    async manifest(path) {
      const { entries: _entries, ...header } = await manifestOf(path);
      return header;
    },
    async tree(request) {
      const manifest = await manifestOf(request.path);
      const limit = Math.min(Math.max(1, Math.floor(request.limit ?? DEFAULT_TREE_LIMIT)), MAX_TREE_LIMIT);
      const rows = request.search !== undefined && request.search !== '' ? searchEntries(manifest.entries, request.search) : folderEntries(manifest.entries, request.dir ?? '');
      return { entries: rows.slice(0, limit), total: rows.length, truncated: rows.length > limit };
    },
    async preview(request) {
      const manifest = await manifestOf(request.path);
      const entry = manifest.entries.find((e) => e.path === request.entry);
      if (!entry) throw new AppError('not-found', `"${request.entry}" is not in the archive; choose a file from the tree.`);
      if (entry.type !== 'file') throw new AppError('usage', `"${request.entry}" is a ${entry.type}, not a file; only files can be previewed.`);
      const maxBytes = Math.min(Math.max(1, Math.floor(request.maxBytes ?? DEFAULT_PREVIEW_BYTES)), MAX_PREVIEW_BYTES);
      const path = await ctx.archiveInStore(request.path);
      const head = await readHead(path, await ctx.decryptionFor(path), entry.path, maxBytes);
      return describePreview(entry, head);
    },
    async plan(request) {
      const archivePath = await ctx.archiveInStore(request.archivePath);
      const target = await ctx.target(request.target);
      const decryption = await ctx.decryptionFor(archivePath);
      const outcome = await detachedOperation((op) =>
        runRestorePlan(
          {
            registry: ctx.registry,
            target,
            archivePath,
            decryption,
            // A plan asks only trust questions (a new host key); they go to the operator like a job's.
            confirm: (question, options) => ctx.questions.ask(`plan:${request.target}`, question, options ?? {}, op.signal),
          },
          op,
        ),
      );
      return { made: outcome.made, steps: outcome.plan.steps, ...(outcome.plan.warnings ? { warnings: outcome.plan.warnings } : {}), note: PLAN_NOT_VERIFIED_NOTE };
    },
  };
}

function toRow(entry: ManifestEntry | { path: string; type: 'directory' }, children?: number): ArchiveTreeEntry {
  const full = entry as ManifestEntry;
  const { sha256: _sha, ...rest } = full;
  return {
    ...rest,
    size: full.size ?? 0,
    mode: full.mode ?? 0o755,
    uid: full.uid ?? 0,
    gid: full.gid ?? 0,
    mtime: full.mtime ?? '',
    name: posix.basename(entry.path),
    ...(children !== undefined ? { children } : {}),
  };
}

/** The direct children of `dir`, folders first; folders only implied by deeper paths are listed too. */
export function folderEntries(entries: readonly ManifestEntry[], dir: string): ArchiveTreeEntry[] {
  const base = dir.replace(/^\/+|\/+$/g, '');
  const prefix = base === '' ? '' : `${base}/`;
  const direct = new Map<string, ManifestEntry>();
  const counts = new Map<string, number>();
  const seenChild = new Set<string>();
  for (const e of entries) {
    if (!e.path.startsWith(prefix) || e.path === base) continue;
    const rest = e.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    const childPath = prefix + name;
    if (slash === -1) direct.set(childPath, e);
    else {
      // Count each grandchild once, for the folder's "N items".
      const grand = childPath + '/' + rest.slice(slash + 1).split('/')[0];
      if (!seenChild.has(grand)) {
        seenChild.add(grand);
        counts.set(childPath, (counts.get(childPath) ?? 0) + 1);
      }
      if (!direct.has(childPath)) direct.set(childPath, { path: childPath, type: 'directory' } as ManifestEntry);
    }
  }
  if (base !== '' && direct.size === 0 && !entries.some((e) => e.path === base && e.type === 'directory')) {
    throw new AppError('not-found', `There is no folder "${base}" in the archive.`);
  }
  const rows = [...direct.values()].map((e) => toRow(e, e.type === 'directory' ? (counts.get(e.path) ?? 0) : undefined));
  return rows.sort((a, b) => (a.type === 'directory') === (b.type === 'directory') ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1);
}

/** Entries whose path contains `search`, case-insensitive, in archive order. */
export function searchEntries(entries: readonly ManifestEntry[], search: string): ArchiveTreeEntry[] {
  const needle = search.toLowerCase();
  return entries.filter((e) => e.path.toLowerCase().includes(needle)).map((e) => toRow(e));
}

async function readHead(
  archivePath: string,
  decryption: Awaited<ReturnType<ServiceContext['decryptionFor']>>,
  entryPath: string,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const controller = new AbortController();
  try {
    for await (const e of openArchive(archivePath, decryption).entries({ paths: [entryPath], signal: controller.signal })) {
      if (e.path !== entryPath || !e.body) continue;
      for await (const chunk of e.body) {
        const buf = chunk as Buffer;
        chunks.push(buf);
        length += buf.length;
        if (length >= maxBytes) break;
      }
      break;
    }
  } finally {
    // Stops the decryption of the rest of the archive.
    controller.abort();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

export function describePreview(entry: ManifestEntry, head: Buffer): ArchivePreview {
  const truncated = entry.size > head.length;
  const mime = IMAGE_TYPES[extname(entry.path).toLowerCase()];
  if (mime) return { kind: 'image', mime, base64: head.toString('base64'), size: entry.size, truncated };
  const text = asText(head, truncated);
  if (text !== undefined) return { kind: 'text', text, size: entry.size, truncated };
  return { kind: 'binary', size: entry.size, truncated };
}

/** UTF-8 text without NUL bytes; a character cut at the end of a truncated head is dropped. */
function asText(head: Buffer, truncated: boolean): string | undefined {
  if (head.includes(0)) return undefined;
  let bytes = head;
  for (let cut = 0; cut < 4; cut++) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      if (!truncated || bytes.length === 0) return undefined;
      bytes = bytes.subarray(0, bytes.length - 1);
    }
  }
  return undefined;
}
