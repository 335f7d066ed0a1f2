/**
 * Where a dropped file is on disk. Only Lifeboat's Electron window can say: its preload exposes
 * `window.lifeboatFiles` (webUtils.getPathForFile). A browser on `lifeboat serve` gives a
 * dropped file's name and content but never its path, and the path would be on the wrong
 * machine anyway.
 */
export interface LocalFilesBridge {
  /** The file's absolute path, or '' when it is not a file on this computer. */
  pathFor(file: File): string;
}

declare global {
  interface Window {
    readonly lifeboatFiles?: LocalFilesBridge;
  }
}

/** Whether dropped files can be turned into paths here (the Electron window, not a browser). */
export function canResolveDroppedFiles(): boolean {
  return typeof window.lifeboatFiles?.pathFor === 'function';
}

/** The dropped file's local path, or undefined in a browser or for something not on disk. */
export function pathOfDroppedFile(file: File): string | undefined {
  if (!canResolveDroppedFiles()) return undefined;
  return window.lifeboatFiles?.pathFor(file) || undefined;
}
