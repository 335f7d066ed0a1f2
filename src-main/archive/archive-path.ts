import { AppError } from '../shared/app-error.js';
import { MANIFEST_PATH } from '../shared/models/manifest.js';

/**
 * An entry path as the manifest and tar hold it: relative, POSIX, no `./`, no trailing
 * `/`, no `.` or `..` segments. Plugins give paths like `./etc/app/` or `/var/lib/x`; a
 * path that climbs out (`..`) or names Lifeboat's own manifest is a plugin bug.
 */
export function normalizeArchivePath(path: string, { allowEmpty = false } = {}): string {
  const segments = path.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new AppError('plugin', `Archive path "${path}" climbs out of the archive with "..". Use a path inside it.`);
  }
  const normalized = segments.join('/');
  if (normalized === '' && !allowEmpty) throw new AppError('plugin', `Archive path "${path}" is empty. Name the entry.`);
  if (normalized === MANIFEST_PATH) throw new AppError('plugin', `Archive path "${path}" is reserved for Lifeboat's manifest.`);
  return normalized;
}

/** `prefix/rest`, where either may be empty. */
export function joinArchivePath(prefix: string, rest: string): string {
  if (prefix === '') return rest;
  if (rest === '') return prefix;
  return `${prefix}/${rest}`;
}
