/**
 * Composition root of the Electron app: builds the services (plugins, archive catalog, job
 * runner), wires them to IPC and opens the window. The only file that knows all the parts;
 * the parts know nothing of Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applySecurityRules,
  claimSingleInstance,
  createMainWindow,
  denyAllPermissions,
  focusWindow,
  registerAppScheme,
  serveRendererFiles,
} from './app/index.js';
import { defaultStoreDir, listArchives, openStore } from './archive/index.js';
import { createJobRunner, type JobRunner } from './engine/index.js';
import { createInvokeHandlers, registerInvokeHandlers, sendEvent } from './ipc/index.js';
import { defaultUserPluginsDir, discoverPlugins } from './plugin-host/index.js';
import { errorMessage } from './shared/app-error.js';
import { isFinished } from './shared/models/job.js';

// The build puts this file at out/main/index.js, next to out/preload and out/renderer.
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const preloadPath = join(outDir, 'preload', 'index.cjs');
const rendererDir = join(outDir, 'renderer');

/** Built-in plugins and the icon sit beside the asar when packaged (extraResources). */
function resourcePath(...parts: string[]): string {
  return app.isPackaged ? join(process.resourcesPath, ...parts) : join(app.getAppPath(), ...parts);
}

let mainWindow: BrowserWindow | undefined;

function openMainWindow(): void {
  mainWindow = createMainWindow({ preloadPath, iconPath: resourcePath('resources', 'icon.png') });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

async function start(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  serveRendererFiles(rendererDir);

  const store = defaultStoreDir();
  // Removes what interrupted runs left (.partial files of dead processes) before anything is listed.
  await openStore(store);
  const userPluginsDir = defaultUserPluginsDir();
  const plugins = await discoverPlugins({ builtinDir: resourcePath('plugins'), userDir: userPluginsDir });
  const jobs = createJobRunner();

  const removeHandlers = registerInvokeHandlers(
    ipcMain,
    createInvokeHandlers({ app: { version: app.getVersion(), store, pluginsDir: userPluginsDir }, plugins, listArchives }),
  );
  const stopJobEvents = jobs.onDidChange((job) => {
    for (const window of BrowserWindow.getAllWindows()) sendEvent(window.webContents, 'jobs:changed', job);
  });
  app.on('will-quit', () => {
    stopJobEvents();
    removeHandlers();
  });
  cancelJobsBeforeQuit(jobs);

  openMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
}

/**
 * Quitting mid-backup cancels the jobs first and waits for them: cancel is cooperative, so
 * a plugin gets to start again whatever it stopped (a database, a service) before we exit.
 */
function cancelJobsBeforeQuit(jobs: JobRunner): void {
  let canceling = false;
  app.on('before-quit', (event) => {
    if (canceling || jobs.list().every((job) => isFinished(job.state))) return;
    event.preventDefault();
    canceling = true;
    jobs
      .cancelAll()
      .catch((e: unknown) => console.error('Canceling jobs before quitting failed:', e))
      .finally(() => app.quit());
  });
}

// Must happen before the app is ready, so it runs at load, before any await.
registerAppScheme();
applySecurityRules(app);

if (!claimSingleInstance(app, () => mainWindow && focusWindow(mainWindow))) {
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
