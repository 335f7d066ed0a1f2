/**
 * The main side of IPC: typed handler registration over `ipcMain`, the trusted-sender check,
 * input parsers, and the handlers per domain. Everything crossing the boundary follows
 * src-main/shared/ipc-contract.ts.
 */
export * from './invoke-dispatcher.js';
export * from './invoke-handlers.js';
export * from './ipc-main.js';
export * from './request-parsers.js';
export * from './trusted-sender.js';
