/** The manifest: the last tar entry of every Lifeboat archive, and the content of its index sidecar. */
export const MANIFEST_PATH = 'lifeboat/manifest.json';
export const MANIFEST_FORMAT_VERSION = 1;

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface ManifestEntry {
  /** Relative POSIX path inside the archive, without a leading `./` or trailing `/`. */
  readonly path: string;
  readonly type: EntryType;
  readonly size: number;
  /** Permission bits (e.g. 0o600), without the file type bits. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname?: string;
  readonly gname?: string;
  /** Modification time, ISO 8601. */
  readonly mtime: string;
  /** Hex SHA-256 of the content; files only. */
  readonly sha256?: string;
  /** Target of a symlink or hard link. */
  readonly linkname?: string;
}

export interface Manifest {
  readonly formatVersion: number;
  readonly tool: { readonly name: 'lifeboat'; readonly version: string };
  readonly plugin: { readonly id: string; readonly version: string };
  readonly target: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  /** ISO 8601, UTC. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Plugin-specific facts (versions, container configuration, downtime...). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly entries: readonly ManifestEntry[];
  readonly totals: { readonly entries: number; readonly files: number; readonly bytes: number };
  /** For imported archives: what made them. */
  readonly origin?: string;
}
