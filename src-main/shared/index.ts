/**
 * Types and pure code shared by the main process and the renderer: models, errors.
 * Nothing here touches Node or Electron APIs, so the renderer may import it.
 */
export * from './app-error.js';
export * from './format-bytes.js';
export * from './models/index.js';
