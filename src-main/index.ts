/**
 * Composition root of the Electron app: builds the services (plugins, archive catalog, job
 * runner), wires them to IPC and opens the window. The only file that knows all the parts;
 * the parts know nothing of Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applySecurityRules,
  claimSingleInstance,
  createMainWindow,
  createSafeStorageCipher,
  denyAllPermissions,
  focusWindow,
  openFolderInFileManager,
  registerAppScheme,
  serveRendererFiles,
  startDesktopShell,
  type DesktopShell,
} from './app/index.js';
import { defaultStoreDir } from './archive/index.js';
import { registerInvokeHandlers, sendEvent } from './ipc/index.js';
import { defaultUserPluginsDir } from './plugin-host/index.js';
import { createAppService, envSecretSource, type AppService } from './service/index.js';
import { errorMessage } from './shared/app-error.js';

// The build puts this file at out/main/index.js, next to out/preload and out/renderer.
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const preloadPath = join(outDir, 'preload', 'index.cjs');
const rendererDir = join(outDir, 'renderer');

/** Built-in plugins and the icon sit beside the asar when packaged (extraResources). */
function resourcePath(...parts: string[]): string {
  return app.isPackaged ? join(process.resourcesPath, ...parts) : join(app.getAppPath(), ...parts);
}

let mainWindow: BrowserWindow | undefined;
let desktop: DesktopShell | undefined;
/** Set by the first before-quit: from then on jobs are being canceled and nothing is asked. */
let quitting = false;

function openMainWindow(): void {
  const window = createMainWindow({ preloadPath, iconPath: resourcePath('resources', 'icon.png') });
  mainWindow = window;
  desktop?.watchWindow(window);
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
}

/** Shows the window, hidden in the tray or closed (macOS keeps running without one). */
function showMainWindow(): void {
  if (mainWindow) focusWindow(mainWindow);
  else openMainWindow();
}

async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  serveRendererFiles(rendererDir);

  // Passphrases typed in the window are kept with safeStorage (after ready: before it, Linux
  // cannot name its backend); the environment (LIFEBOAT_PASSPHRASE, as the CLI reads it) still
  // answers when the window keeps none.
  const service = await createAppService({
    store: defaultStoreDir(),
    pluginsDirs: { builtin: resourcePath('plugins'), user: defaultUserPluginsDir() },
    version: app.getVersion(),
    secrets: envSecretSource(),
    secretCipher: createSafeStorageCipher(safeStorage),
    openFolder: openFolderInFileManager,
  });
  const removeHandlers = registerInvokeHandlers(ipcMain, service.handlers);
  const stopEvents = service.onEvent((channel, payload) => {
    for (const window of BrowserWindow.getAllWindows()) sendEvent(window.webContents, channel, payload);
  });
  app.on('will-quit', () => {
    stopEvents();
    removeHandlers();
  });
  closeServiceBeforeQuit(service);
  desktop = startDesktopShell({
    service,
    iconPath: resourcePath('resources', 'icon.png'),
    showWindow: showMainWindow,
    isQuitting: () => quitting,
    quit: () => app.quit(),
  });
  app.on('will-quit', () => desktop?.dispose());

  openMainWindow();
  app.on('activate', showMainWindow);
}

/**
 * Quitting mid-backup cancels the jobs first and waits for them: cancel is cooperative, so
 * a plugin gets to start again whatever it stopped (a database, a service) before we exit.
 */
function closeServiceBeforeQuit(service: AppService): void {
  let closed = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (closed) return;
    event.preventDefault();
    closed = true;
    service
      .close()
      .catch((e: unknown) => console.error('Canceling jobs before quitting failed:', e))
      .finally(() => app.quit());
  });
}

// Must happen before the app is ready, so it runs at load, before any await.
registerAppScheme();
applySecurityRules(app);

// Until start() has run there is no service for a window to talk to; the first one opens then.
if (!claimSingleInstance(app, () => desktop && showMainWindow())) {
  app.quit();
} else {
  app.on('window-all-closed', () => {
    // macOS apps stay running without windows; `activate` opens a new one.
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      console.error('Lifeboat could not start:', e);
      dialog.showErrorBox('Lifeboat could not start', errorMessage(e));
      app.exit(1);
    });
}
