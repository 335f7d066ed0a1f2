/** What the archive browser shows: the manifest's header, the file tree and previews. */
import type { Manifest, ManifestEntry } from './manifest.js';

/** The manifest without its entries (a million entries is not a header). */
export type ManifestHeader = Omit<Manifest, 'entries'>;

/** `archives:tree`: one folder's children (dir), or entries whose path contains `search`. */
export interface ArchiveTreeRequest {
  readonly path: string;
  /** Folder inside the archive, '' (default) for the top. Ignored when `search` is given. */
  readonly dir?: string;
  /** Case-insensitive substring of the entry's path. */
  readonly search?: string;
  /** At most this many entries (default 1000, at most 100000). */
  readonly limit?: number;
}

/** One row of the tree; folders implied by deeper paths are listed as directories too. */
export interface ArchiveTreeEntry extends Omit<ManifestEntry, 'sha256'> {
  /** Base name, for display. */
  readonly name: string;
  /** Entries directly inside a directory. */
  readonly children?: number;
}

export interface ArchiveTree {
  readonly entries: readonly ArchiveTreeEntry[];
  /** How many matched before `limit` cut the list. */
  readonly total: number;
  readonly truncated: boolean;
}

export interface ArchivePreviewRequest {
  readonly path: string;
  /** Path of a file inside the archive. */
  readonly entry: string;
  /** Bytes read at most (default 256 KiB, at most 8 MiB). */
  readonly maxBytes?: number;
}

export interface ArchivePreview {
  readonly kind: 'text' | 'image' | 'binary';
  /** For text: the (possibly truncated) content as UTF-8. */
  readonly text?: string;
  /** For images: the content, base64. */
  readonly base64?: string;
  /** For images: e.g. image/png. */
  readonly mime?: string;
  /** The entry's full size in bytes. */
  readonly size: number;
  /** True when only the first maxBytes were read. */
  readonly truncated: boolean;
}

export interface ArchiveExtractRequest {
  readonly path: string;
  /** Files or folders inside the archive; a folder brings everything under it. */
  readonly entries: readonly string[];
  /** A new folder, or an existing empty one. */
  readonly destination: string;
}
