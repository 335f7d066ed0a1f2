import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { assertNever, errorMessage } from '../shared/app-error.js';
import { paintAlertDot } from './alert-badge.js';
import type { TrayMenuEntry, TrayModel } from './tray-menu-model.js';

export interface AppTrayOptions {
  readonly iconPath: string;
  onShow(): void;
  onQuit(): void;
  onCancel(jobId: string): void;
}

export interface AppTray {
  /** Rebuilds the menu and tooltip from the model (keep calls throttled). */
  show(model: TrayModel): void;
  destroy(): void;
}

/**
 * The tray icon, or undefined where the desktop has none (Tray's constructor throws there).
 * Every decision about what it shows is in tray-menu-model.ts; this only maps it to Electron.
 */
export function createAppTray(options: AppTrayOptions): AppTray | undefined {
  let tray: Tray;
  let icon: NativeImage;
  try {
    const size = process.platform === 'linux' ? 22 : 16;
    icon = nativeImage.createFromPath(options.iconPath).resize({ width: size, height: size });
    tray = new Tray(icon);
  } catch (e) {
    console.warn(`Lifeboat: no tray icon on this desktop (${errorMessage(e)}); the window cannot hide in the background.`);
    return undefined;
  }
  const alertIcon = withAlertDot(icon);
  let showingAlert = false;
  // Linux trays (StatusNotifier) show only the menu: clicking the icon opens it there.
  tray.on('click', () => options.onShow());

  return {
    show(model) {
      if (tray.isDestroyed()) return;
      tray.setToolTip(model.tooltip);
      if (model.attention !== showingAlert) {
        showingAlert = model.attention;
        tray.setImage(showingAlert ? alertIcon : icon);
      }
      // macOS shows a title beside the icon: the only place a failure can be flagged there without a menu.
      if (process.platform === 'darwin') tray.setTitle(model.attention ? '!' : '');
      tray.setContextMenu(Menu.buildFromTemplate(model.entries.map((entry) => menuItemFor(entry, options))));
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}

/** The icon with a red dot: a failure the operator has not seen. The plain icon if painting fails. */
function withAlertDot(icon: NativeImage): NativeImage {
  try {
    const { width, height } = icon.getSize();
    const pixels = icon.toBitmap();
    paintAlertDot(pixels, width, height, 'bgra');
    return nativeImage.createFromBitmap(pixels, { width, height });
  } catch (e) {
    console.warn(`Lifeboat: could not draw the tray icon's failure mark (${errorMessage(e)}); the tooltip and menu still say it.`);
    return icon;
  }
}

function menuItemFor(entry: TrayMenuEntry, options: AppTrayOptions): MenuItemConstructorOptions {
  switch (entry.kind) {
    case 'job':
      return { label: entry.label, enabled: false };
    case 'cancel':
      return { label: `    ${entry.label}`, enabled: entry.enabled, click: () => options.onCancel(entry.jobId) };
    case 'failure':
      return { label: entry.label, click: () => options.onShow() };
    case 'more':
      return { label: entry.label, click: () => options.onShow() };
    case 'separator':
      return { type: 'separator' };
    case 'show':
      return { label: entry.label, click: () => options.onShow() };
    case 'quit':
      return { label: entry.label, click: () => options.onQuit() };
    default:
      return assertNever(entry, 'tray entry');
  }
}
