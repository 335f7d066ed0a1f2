// The desktop shell's wiring, with Electron replaced by recording stand-ins (the binary cannot
// run here): jobs:changed events reach the tray menu and notifications, the tray's Cancel
// cancels the job, and closing the window on running jobs asks before anything closes.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { job } from './job-fixtures.js';

interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

const electron = vi.hoisted(() => {
  const state = {
    trayThrows: false,
    notificationsSupported: true,
    trays: [] as { tooltip: string; menu: FakeMenuItem[]; destroyed: boolean; image: string }[],
    notifications: [] as { options: Record<string, unknown>; shown: boolean }[],
    dialogs: [] as Record<string, unknown>[],
    dialogAnswer: 0,
  };
  class Tray {
    readonly record = { tooltip: '', menu: [] as FakeMenuItem[], destroyed: false, image: '' };
    constructor(image: { name: string }) {
      if (state.trayThrows) throw new Error('no StatusNotifier host');
      this.record.image = image.name;
      state.trays.push(this.record);
    }
    setImage(image: { name: string }): void {
      this.record.image = image.name;
    }
    on(): void {}
    isDestroyed(): boolean {
      return this.record.destroyed;
    }
    destroy(): void {
      this.record.destroyed = true;
    }
    setToolTip(text: string): void {
      this.record.tooltip = text;
    }
    setTitle(): void {}
    setContextMenu(menu: { items: FakeMenuItem[] }): void {
      this.record.menu = menu.items;
    }
  }
  class Notification {
    static isSupported(): boolean {
      return state.notificationsSupported;
    }
    readonly record: { options: Record<string, unknown>; shown: boolean };
    constructor(options: Record<string, unknown>) {
      this.record = { options, shown: false };
      state.notifications.push(this.record);
    }
    on(): void {}
    show(): void {
      this.record.shown = true;
    }
  }
  return {
    state,
    module: {
      Tray,
      Notification,
      Menu: { buildFromTemplate: (items: FakeMenuItem[]) => ({ items }) },
      nativeImage: {
        createFromPath: () => ({
          resize: ({ width, height }: { width: number; height: number }) => ({
            name: 'icon',
            getSize: () => ({ width, height }),
            toBitmap: () => Buffer.alloc(width * height * 4),
          }),
        }),
        createFromBitmap: (pixels: Buffer) => ({ name: pixels.some((b) => b !== 0) ? 'icon with a mark' : 'blank' }),
      },
      dialog: {
        showMessageBox: (_window: unknown, options: Record<string, unknown>) => {
          state.dialogs.push(options);
          return Promise.resolve({ response: state.dialogAnswer, checkboxChecked: false });
        },
      },
      BrowserWindow: class {},
    },
  };
});
vi.mock('electron', () => electron.module);

const { startDesktopShell } = await import('../../../src-main/app/desktop-shell.js');

/** A window as the shell sees it: events, visibility and focus. */
class FakeWindow extends EventEmitter {
  visible = true;
  focused = true;
  hidden = 0;
  flashing = false;
  isDestroyed = (): boolean => false;
  isVisible = (): boolean => this.visible;
  isMinimized = (): boolean => false;
  isFocused = (): boolean => this.focused;
  hide = (): void => {
    this.hidden++;
    this.visible = false;
  };
  flashFrame = (on: boolean): void => {
    this.flashing = on;
  };
  /** Emits 'close' as Electron does; answers whether a listener kept the window open. */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function setup() {
  let listener: ((channel: string, payload: unknown) => void) | undefined;
  const canceled: string[] = [];
  const calls = { show: 0, quit: 0 };
  let quitting = false;
  const service = {
    onEvent: (l: (channel: string, payload: unknown) => void) => {
      listener = l;
      return () => (listener = undefined);
    },
    handlers: { 'jobs:cancel': { run: async ({ jobId }: { jobId: string }) => void canceled.push(jobId) } },
  };
  const shell = startDesktopShell({
    service: service as never,
    iconPath: '/opt/lifeboat/resources/icon.png',
    showWindow: () => calls.show++,
    isQuitting: () => quitting,
    quit: () => calls.quit++,
  });
  const window = new FakeWindow();
  shell.watchWindow(window as never);
  return {
    shell,
    window,
    canceled,
    calls,
    emit: (snapshot: JobSnapshot) => listener?.('jobs:changed', snapshot),
    startQuitting: () => (quitting = true),
    tray: () => electron.state.trays.at(-1),
    /** Lets the throttled tray refresh run. */
    settle: () => vi.advanceTimersByTime(1_000),
  };
}

const labels = (menu: FakeMenuItem[]): string[] => menu.map((i) => (i.type === 'separator' ? '---' : (i.label ?? '').trim()));

beforeEach(() => {
  vi.useFakeTimers();
  Object.assign(electron.state, { trayThrows: false, notificationsSupported: true, trays: [], notifications: [], dialogs: [], dialogAnswer: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the tray', () => {
  it('shows running jobs with their percent and cancels the one picked', async () => {
    const s = setup();
    expect(labels(s.tray()!.menu)).toEqual(['Show Lifeboat', 'Quit']);
    for (let p = 1; p <= 40; p++) s.emit(job('j1', { progress: { phase: 'archiving', bytesDone: p, bytesTotal: 100, itemsDone: 0, percent: p } }));
    s.settle();
    expect(labels(s.tray()!.menu)).toEqual(['Back up laptop — 40 %', 'Cancel Back up laptop', '---', 'Show Lifeboat', 'Quit']);
    expect(s.tray()!.tooltip).toBe('Lifeboat — Back up laptop 40 %');

    s.tray()!.menu.find((i) => i.label?.trim() === 'Cancel Back up laptop')!.click!();
    await vi.runAllTimersAsync();
    expect(s.canceled).toEqual(['j1']);
    s.tray()!.menu.find((i) => i.label === 'Quit')!.click!();
    s.tray()!.menu.find((i) => i.label === 'Show Lifeboat')!.click!();
    expect(s.calls).toEqual({ show: 1, quit: 1 });

    s.emit(job('j1', { state: 'succeeded' }));
    s.settle();
    expect(labels(s.tray()!.menu)).toEqual(['Show Lifeboat', 'Quit']);
  });

  it('flags a failure that happened while the window was hidden until the window is shown again', () => {
    const s = setup();
    s.window.hide();
    s.emit(job('j1'));
    s.emit(job('j1', { state: 'failed', error: { code: 'unreachable', message: 'laptop is unreachable' } }));
    s.settle();
    expect(s.tray()!.tooltip).toBe('Lifeboat — Back up laptop failed');
    expect(labels(s.tray()!.menu)[0]).toBe('Failed: Back up laptop — show Lifeboat');
    expect(s.tray()!.image).toBe('icon with a mark');
    s.window.visible = true;
    s.window.emit('show');
    s.settle();
    expect(s.tray()!.tooltip).toBe('Lifeboat');
    expect(s.tray()!.image).toBe('icon');
    expect(labels(s.tray()!.menu)).toEqual(['Show Lifeboat', 'Quit']);
  });

  it('goes away with the shell', () => {
    const s = setup();
    s.shell.dispose();
    expect(s.tray()!.destroyed).toBe(true);
  });
});

describe('closing the window', () => {
  it('closes without a question when no job runs', () => {
    const s = setup();
    expect(s.window.close()).toBe(false);
    expect(electron.state.dialogs).toEqual([]);
  });

  it('asks while a job runs, and "Keep running in the background" hides the window to the tray', async () => {
    const s = setup();
    s.emit(job('j1'));
    electron.state.dialogAnswer = 0;
    expect(s.window.close()).toBe(true);
    await vi.runAllTimersAsync();
    expect(electron.state.dialogs[0]).toMatchObject({
      message: 'A job is still running.',
      buttons: ['Keep running in the background', 'Cancel jobs and quit', "Don't close"],
      cancelId: 2,
    });
    expect(s.window.hidden).toBe(1);
    expect(s.calls.quit).toBe(0);
  });

  it('"Cancel jobs and quit" quits (quitting cancels cleanly); "Don\'t close" keeps everything', async () => {
    const s = setup();
    s.emit(job('j1'));
    electron.state.dialogAnswer = 2;
    expect(s.window.close()).toBe(true);
    await vi.runAllTimersAsync();
    expect([s.window.hidden, s.calls.quit]).toEqual([0, 0]);
    electron.state.dialogAnswer = 1;
    expect(s.window.close()).toBe(true);
    await vi.runAllTimersAsync();
    expect(s.calls.quit).toBe(1);
    expect(s.window.hidden).toBe(0);
  });

  it('asks nothing once the app is quitting', () => {
    const s = setup();
    s.emit(job('j1'));
    s.startQuitting();
    expect(s.window.close()).toBe(false);
    expect(electron.state.dialogs).toEqual([]);
  });

  it('without a tray, the window keeps working and the question offers no background', async () => {
    electron.state.trayThrows = true;
    const s = setup();
    expect(electron.state.trays).toEqual([]);
    s.emit(job('j1'));
    s.settle();
    electron.state.dialogAnswer = 0;
    expect(s.window.close()).toBe(true);
    await vi.runAllTimersAsync();
    expect(electron.state.dialogs[0]?.buttons).toEqual(['Cancel jobs and quit', "Don't close"]);
    expect(s.calls.quit).toBe(1);
    expect(s.window.hidden).toBe(0);
  });
});

describe('notifications', () => {
  it('tells each job’s end once, a failure urgent with its error', () => {
    const s = setup();
    s.emit(job('j1'));
    s.emit(job('j1', { state: 'failed', error: { code: 'unreachable', message: 'laptop is unreachable' } }));
    s.emit(job('j1', { state: 'failed', error: { code: 'unreachable', message: 'laptop is unreachable' } }));
    s.emit(job('j2', { state: 'succeeded', archivePath: '/s/laptop-20261122-010203.tar.gz.gpg' }));
    expect(electron.state.notifications.map((n) => [n.shown, n.options.title, n.options.body, n.options.urgency])).toEqual([
      [true, 'Back up laptop failed', 'laptop is unreachable', 'critical'],
      [true, 'Back up laptop: done', 'Saved laptop-20261122-010203.tar.gz.gpg.', 'normal'],
    ]);
  });

  it('where notifications are unsupported, a failure still flashes the window and flags the tray', () => {
    electron.state.notificationsSupported = false;
    const s = setup();
    s.window.focused = false;
    s.window.visible = false;
    s.emit(job('j1', { state: 'failed' }));
    s.settle();
    expect(electron.state.notifications).toEqual([]);
    expect(s.window.flashing).toBe(true);
    expect(s.tray()!.tooltip).toBe('Lifeboat — Back up laptop failed');
    expect(s.tray()!.image).toBe('icon with a mark');
  });

  it('stays quiet about the jobs that quitting cancels', () => {
    const s = setup();
    s.emit(job('j1'));
    s.startQuitting();
    s.emit(job('j1', { state: 'canceled' }));
    expect(electron.state.notifications).toEqual([]);
  });
});
