import { BrowserWindow, Notification, dialog } from 'electron';
import type { AppService } from '../service/index.js';
import { assertNever, errorMessage } from '../shared/app-error.js';
import type { JobSnapshot } from '../shared/models/job.js';
import { createAppTray } from './app-tray.js';
import { closeChoiceOf, closePrompt, type CloseChoice } from './close-prompt-model.js';
import { createJobNotices, type JobNotice } from './job-notices.js';
import { createShellJobs } from './shell-jobs.js';
import { throttle } from './throttle.js';
import { trayModel } from './tray-menu-model.js';

/** The tray menu is rebuilt at most this often, however many progress events arrive. */
const TRAY_REFRESH_MS = 500;
const MAX_KEPT_NOTIFICATIONS = 20;

export interface DesktopShellOptions {
  readonly service: Pick<AppService, 'onEvent' | 'handlers'>;
  readonly iconPath: string;
  /** Brings the window forward, opening a new one if it was closed. */
  showWindow(): void;
  /** True once the app is quitting: jobs are canceled then, and nothing more is asked. */
  isQuitting(): boolean;
  quit(): void;
}

export interface DesktopShell {
  /** Asks before this window closes on running jobs, and notes when the operator sees it. */
  watchWindow(window: BrowserWindow): void;
  dispose(): void;
}

/**
 * Everything the desktop adds around the window: the tray with the jobs in flight, the
 * question when the window closes on running jobs, and notifications when jobs end. Each
 * decision lives in a pure module (tray-menu-model, close-prompt-model, job-notices,
 * shell-jobs); this file only carries them to Electron.
 */
export function startDesktopShell(options: DesktopShellOptions): DesktopShell {
  const jobs = createShellJobs();
  const notices = createJobNotices();
  let window: BrowserWindow | undefined;
  // Kept referenced: a garbage-collected Notification loses its click handler.
  const shown = new Set<Notification>();

  const cancelJob = (jobId: string): void => {
    options.service.handlers['jobs:cancel'].run({ jobId }).catch((e: unknown) => console.error(`Could not cancel job ${jobId}:`, e));
  };
  const tray = createAppTray({ iconPath: options.iconPath, onShow: () => options.showWindow(), onQuit: () => options.quit(), onCancel: cancelJob });
  const refreshTray = throttle(() => tray?.show(trayModel({ jobs: jobs.active(), unseenFailures: jobs.unseenFailures() })), TRAY_REFRESH_MS);
  refreshTray();

  const windowSeen = (): boolean => !!window && !window.isDestroyed() && window.isVisible() && !window.isMinimized() && window.isFocused();

  const notify = (notice: JobNotice): void => {
    if (options.isQuitting()) return;
    if (notice.outcome === 'failed' && window && !window.isDestroyed() && !window.isFocused()) window.flashFrame(true);
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      silent: notice.silent,
      urgency: notice.urgent ? 'critical' : 'normal',
      icon: options.iconPath,
    });
    shown.add(notification);
    // Some desktops never report a notification closed: keep only the recent ones alive.
    if (shown.size > MAX_KEPT_NOTIFICATIONS) shown.delete(shown.values().next().value as Notification);
    const forget = (): void => {
      shown.delete(notification);
    };
    notification.on('click', () => {
      forget();
      options.showWindow();
    });
    notification.on('close', forget);
    notification.on('failed', (_event, error) => {
      forget();
      console.error(`Lifeboat: could not show the notification "${notice.title}": ${error}`);
    });
    notification.show();
  };

  const onJob = (job: JobSnapshot): void => {
    jobs.apply(job, windowSeen());
    const notice = notices.noticeFor(job);
    if (notice) notify(notice);
    refreshTray();
  };
  const stopEvents = options.service.onEvent((channel, payload) => {
    if (channel === 'jobs:changed') onJob(payload as JobSnapshot);
  });

  const act = (target: BrowserWindow, choice: CloseChoice): void => {
    switch (choice) {
      case 'background':
        target.hide();
        return;
      case 'cancel-and-quit':
        // Quitting cancels every job cleanly and waits (closeServiceBeforeQuit in index.ts).
        options.quit();
        return;
      case 'stay':
        return;
      default:
        assertNever(choice, 'close choice');
    }
  };

  return {
    watchWindow(target) {
      window = target;
      let asking = false;
      const seen = (): void => {
        if (jobs.unseenFailures().length === 0) return;
        jobs.markSeen();
        refreshTray();
      };
      target.on('show', seen);
      target.on('focus', () => {
        target.flashFrame(false);
        seen();
      });
      target.on('close', (event) => {
        const prompt = closePrompt({ activeJobs: jobs.active(), trayAvailable: tray !== undefined, quitting: options.isQuitting() });
        if (!prompt) return;
        event.preventDefault();
        if (asking) return;
        asking = true;
        dialog
          .showMessageBox(target, {
            type: 'question',
            title: prompt.title,
            message: prompt.message,
            detail: prompt.detail,
            buttons: prompt.choices.map((c) => c.label),
            defaultId: prompt.defaultId,
            cancelId: prompt.cancelId,
            noLink: true,
          })
          .then(({ response }) => act(target, closeChoiceOf(prompt, response)))
          .catch((e: unknown) => console.error(`Lifeboat: the close question failed: ${errorMessage(e)}`))
          .finally(() => {
            asking = false;
          });
      });
      target.on('closed', () => {
        if (window === target) window = undefined;
      });
    },
    dispose() {
      stopEvents();
      refreshTray.cancel();
      tray?.destroy();
      shown.clear();
    },
  };
}
