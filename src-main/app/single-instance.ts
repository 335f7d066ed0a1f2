import type { App } from 'electron';

/**
 * Takes the single-instance lock. Two Lifeboat windows could run two backups of one target
 * at once, so a second launch only brings the first one forward. Returns false when another
 * instance holds the lock: the caller then quits.
 */
export function claimSingleInstance(app: App, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', onSecondInstance);
  return true;
}
