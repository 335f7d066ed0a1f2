import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from '../shared/ipc-contract.js';

export interface MainWindowOptions {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  readonly preloadPath: string;
  /** Window icon; Linux shows it in the task switcher. */
  readonly iconPath?: string;
}

/**
 * The one window. Isolated and sandboxed: the page reaches main only through the preload's
 * `window.lifeboat`, and it is loaded from `app://lifeboat/`, never file://.
 */
export function createMainWindow({ preloadPath, iconPath }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 640,
    minHeight: 420,
    title: 'Lifeboat',
    show: false,
    backgroundColor: '#f5f6f8',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  // Shown once painted, so the user never sees a blank white frame.
  window.once('ready-to-show', () => window.show());
  window.loadURL(`${APP_ORIGIN}/index.html`).catch((e: unknown) => {
    console.error('Could not load the Lifeboat window:', e);
  });
  return window;
}

/** Brings an existing window to the front (after a second launch). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
