/** File names in a store: `<target>-<YYYYMMDD-HHMMSS>.tar.gz.gpg` (UTC) and its sidecars. */
export const ENCRYPTED_SUFFIX = '.tar.gz.gpg';
export const PLAIN_SUFFIX = '.tar.gz';
export const PARTIAL_SUFFIX = '.partial';

/** `YYYYMMDD-HHMMSS` in UTC. */
export function timestampUtc(date: Date): string {
  const iso = date.toISOString(); // 2026-11-22T00:15:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** Parses `YYYYMMDD-HHMMSS` (UTC); undefined when it is not one. */
export function parseTimestampUtc(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function archiveFileName(target: string, date: Date, encrypted: boolean): string {
  return `${target}-${timestampUtc(date)}${encrypted ? ENCRYPTED_SUFFIX : PLAIN_SUFFIX}`;
}

/** The archive's name without `.tar.gz[.gpg]`, e.g. `prod-20261122-001500`. */
export function archiveStem(archivePath: string): string {
  if (archivePath.endsWith(ENCRYPTED_SUFFIX)) return archivePath.slice(0, -ENCRYPTED_SUFFIX.length);
  if (archivePath.endsWith(PLAIN_SUFFIX)) return archivePath.slice(0, -PLAIN_SUFFIX.length);
  return archivePath;
}

/** The index sidecar: `<stem>.index.gpg`, or `<stem>.index.json` for unencrypted archives. */
export function indexPathFor(archivePath: string): string {
  return archiveStem(archivePath) + (archivePath.endsWith(PLAIN_SUFFIX) ? '.index.json' : '.index.gpg');
}

/** The plaintext catalog record (no secrets): `<stem>.lifeboat.json`. */
export function recordPathFor(archivePath: string): string {
  return archiveStem(archivePath) + '.lifeboat.json';
}

/** Splits `<target>-<YYYYMMDD-HHMMSS>` into its parts. */
export function parseArchiveStem(stemName: string): { target: string; date: Date } | undefined {
  const m = /^(.+)-(\d{8}-\d{6})$/.exec(stemName);
  if (!m) return undefined;
  const date = parseTimestampUtc(m[2]!);
  return date ? { target: m[1]!, date } : undefined;
}
