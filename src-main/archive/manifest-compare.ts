import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MANIFEST_FORMAT_VERSION, type Manifest, type ManifestEntry } from '../shared/models/manifest.js';
import { LIFEBOAT_VERSION } from '../shared/version.js';
import { archiveStem, parseArchiveStem } from './archive-names.js';
import { normalizeEntryPath } from './entry-path.js';

const MAX_PROBLEMS = 50;

/**
 * Differences between what an archive holds and what a manifest (the archive's own, or its
 * index sidecar, named by `label`) says it holds: missing or extra entries, other types,
 * sizes, links, and files whose SHA-256 differs. Empty when they agree.
 */
export function compareWithManifest(actual: readonly ManifestEntry[], manifest: Manifest, label: string): string[] {
  const problems: string[] = [];
  const found = new Map(actual.map((e) => [e.path, e]));
  const listed = new Map<string, ManifestEntry>();
  for (const m of manifest.entries) listed.set(normalizeEntryPath(m.path), m);
  for (const [path, m] of listed) {
    const a = found.get(path);
    if (!a) {
      problems.push(`"${path}" is listed in the ${label} but missing from the archive`);
      continue;
    }
    if (a.type !== m.type) problems.push(`"${path}" is a ${a.type} in the archive but a ${m.type} in the ${label}`);
    else if (m.type === 'file' && a.size !== m.size) problems.push(`"${path}" has ${a.size} bytes in the archive but ${m.size} in the ${label}`);
    else if (m.type === 'file' && m.sha256 && a.sha256 !== m.sha256) problems.push(`"${path}": its content does not match the ${label} (SHA-256 differs)`);
    else if (m.type === 'symlink' && a.linkname !== m.linkname) problems.push(`"${path}" links to ${a.linkname} in the archive but to ${m.linkname} in the ${label}`);
    else if (m.type === 'hardlink' && a.linkname !== normalizeEntryPath(m.linkname ?? '')) problems.push(`"${path}" is a hard link to ${a.linkname} in the archive but to ${m.linkname} in the ${label}`);
  }
  for (const path of found.keys()) {
    if (!listed.has(path)) problems.push(`"${path}" is in the archive but not listed in the ${label}`);
  }
  return capProblems(problems);
}

export function capProblems(problems: string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), `... and ${problems.length - MAX_PROBLEMS} more differences`];
}

/**
 * A manifest for an archive that has none (made by `tar`/`gpg` or a target's own tool):
 * its entries with SHA-256 computed on reading, plugin `unknown`, origin `foreign`.
 */
export async function foreignManifest(archivePath: string, entries: readonly ManifestEntry[]): Promise<Manifest> {
  const stem = basename(archiveStem(archivePath)).replace(/(\.tar\.gz|\.tgz|\.tar|\.gpg|\.asc)+$/, '');
  const parsed = parseArchiveStem(stem);
  const when = (parsed?.date ?? (await stat(archivePath)).mtime).toISOString();
  const files = entries.filter((e) => e.type === 'file');
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    tool: { name: 'lifeboat', version: LIFEBOAT_VERSION },
    plugin: { id: 'unknown', version: '' },
    target: { name: parsed?.target ?? stem, options: {} },
    startedAt: when,
    finishedAt: when,
    metadata: { indexedFrom: basename(archivePath) },
    entries,
    totals: { entries: entries.length, files: files.length, bytes: files.reduce((n, e) => n + e.size, 0) },
    origin: 'foreign',
  };
}
