/**
 * Entry paths as tar stores them (`./a/b/`, `a//b`) turned into the manifest's form (`a/b`),
 * and the selection rules shared by listing and extraction (`paths`, `strip`).
 */

/**
 * Removes leading `./`, empty and `.` components and the trailing `/`. A leading `/` and `..`
 * components are kept so that extraction can see and refuse them. The archive root is ''.
 */
export function normalizeEntryPath(name: string): string {
  const absolute = name.startsWith('/');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return (absolute ? '/' : '') + parts.join('/');
}

/** Why a path may not be written under a destination, or undefined when it is fine. */
export function unsafePathReason(path: string): string | undefined {
  if (path.startsWith('/')) return 'it is an absolute path';
  if (path.includes('\0')) return 'its name contains a NUL byte';
  if (path.split('/').includes('..')) return 'it contains a ".." component';
  return undefined;
}

/** True when `path` is `folder` or inside it. */
export function isWithin(path: string, folder: string): boolean {
  if (folder === '') return true;
  return path === folder || path.startsWith(folder + '/');
}

/** `path` with the leading `strip` folder removed; undefined when it is outside. */
export function stripPath(path: string, strip: string | undefined): string | undefined {
  const folder = strip === undefined ? '' : normalizeEntryPath(strip);
  if (folder === '') return path;
  if (path === folder) return '';
  return path.startsWith(folder + '/') ? path.slice(folder.length + 1) : undefined;
}

/**
 * Picks entries by the requested archive paths (a folder selects everything under it) and
 * remembers which requests matched, so the caller can name the ones not in the archive.
 */
export class PathSelection {
  private readonly requested: readonly string[];
  private readonly matched = new Set<string>();

  constructor(paths: readonly string[] | undefined) {
    this.requested = (paths ?? []).map(normalizeEntryPath);
  }

  get all(): boolean {
    return this.requested.length === 0;
  }

  selects(path: string): boolean {
    if (this.requested.length === 0) return true;
    let hit = false;
    for (const r of this.requested) {
      if (isWithin(path, r)) {
        this.matched.add(r);
        hit = true;
      }
    }
    return hit;
  }

  /** Requested paths that no entry matched. */
  missing(): string[] {
    return this.requested.filter((r) => !this.matched.has(r));
  }
}
