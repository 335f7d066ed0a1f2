/**
 * The Electron shell's windows and app-wide rules: the main window, the `app://lifeboat/`
 * protocol that serves the renderer, navigation and permission rules, the single-instance lock,
 * and the desktop around the window (tray, close question, notifications, file manager, safeStorage).
 */
export * from './app-protocol.js';
export * from './desktop-shell.js';
export * from './main-window.js';
export * from './open-folder.js';
export * from './renderer-files.js';
export * from './safe-storage-cipher.js';
export * from './security-rules.js';
export * from './single-instance.js';
