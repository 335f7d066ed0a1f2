/**
 * `lifeboat serve` as an operator runs it (the built CLI as a process, in an isolated CLI
 * home) and Debian's Chromium opening the URL it prints. Shared by the window's end-to-end
 * tests; the caller builds first (scripts/build.mjs) and closes both at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureDebianPackages } from '../../env/debian-packages.mjs';
import type { CliHome } from '../plugins/lifeboat-cli.js';
import { PROJECT_DIR } from '../plugins/lifeboat-cli.js';

export const ARTIFACTS = join(PROJECT_DIR, 'out', 'test-artifacts');

export interface ServeProcess {
  readonly child: ChildProcess;
  /** The printed URL, token included. */
  readonly url: string;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Ctrl-C, then the exit code. */
  stop(): Promise<number | null>;
}

/** The CLI home's environment, as the tests' `lifeboat` runs get it. */
export function serveEnv(home: CliHome, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home.home,
    XDG_DATA_HOME: home.dataHome,
    XDG_CONFIG_HOME: home.configHome,
    LIFEBOAT_STORE: home.store,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Starts `lifeboat serve ARGS` and resolves once it printed its URL. */
export function startServe(home: CliHome, args: readonly string[] = [], extraEnv: Readonly<Record<string, string>> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(PROJECT_DIR, 'bin', 'lifeboat.js'), 'serve', ...args], {
    cwd: PROJECT_DIR,
    env: serveEnv(home, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const found = /http:\/\/\S+\?token=\S+/.exec(stdout);
      if (!found) return;
      resolve({
        child,
        url: found[0],
        stderr: () => stderr,
        stop: () => {
          if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
          const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
          child.kill('SIGINT');
          return exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`lifeboat serve exited with ${code} before printing a URL.\nstdout: ${stdout}\nstderr: ${stderr}`)));
  });
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly problems: string[];
}

/** Debian's Chromium, headless, with one page that records console errors. */
export async function openChromium(viewport = { width: 1280, height: 900 }): Promise<BrowserSession> {
  ensureDebianPackages({ chromium: 'chromium' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { browser, page, problems };
}

/** Brings a view forward through the navigation. */
export async function showView(page: Page, name: string): Promise<void> {
  const nav = page.getByRole('navigation').getByRole('link', { name }).or(page.getByRole('navigation').getByRole('button', { name }));
  if ((await nav.count()) > 0) await nav.first().click();
}
