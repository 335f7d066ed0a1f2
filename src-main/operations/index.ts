/**
 * What Lifeboat does, once, for every front end (CLI, window, `lifeboat serve`): back up a
 * target through its plugin into a new archive, verify, extract, restore and import
 * archives. Each operation runs inside a job and takes its signal, progress and log.
 */
export * from './operation-context.js';
export type { ConnectionScope } from './target-connections.js';
export * from './run-backup.js';
export * from './run-restore.js';
export * from './run-verify.js';
export * from './run-import.js';
export * from './run-probe.js';
