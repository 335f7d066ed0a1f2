/**
 * Lifeboat's archive format: one tar, gzipped, OpenPGP-encrypted stream per backup, with
 * `lifeboat/manifest.json` as its last entry and an encrypted index sidecar; writing,
 * reading, verifying and safe extraction, and the catalog of a store folder.
 */
export * from './archive-names.js';
export * from './archive-writer.js';
export * from './archive-reader.js';
export * from './catalog.js';
export * from './export-tar.js';
