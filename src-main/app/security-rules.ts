import type { App, Session } from 'electron';

/**
 * App-wide rules from Electron's security checklist, applied to every web contents ever
 * created: no navigation away from our page, no new windows, no <webview>, and no
 * permission (camera, notifications, ...) granted to anything. Links to the outside world
 * will get an explicit "open in browser" call when the UI needs one.
 */
export function applySecurityRules(app: App): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** Denies every permission request and check; call once the app is ready. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
