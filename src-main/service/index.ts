/**
 * The app as one Electron-free service: every IPC channel's handler and event over plugins,
 * the store, config.yaml and the job runner. The Electron shell and `lifeboat serve` carry it.
 */
export * from './app-service.js';
export * from './env-secret-source.js';
export * from './secret-source.js';
