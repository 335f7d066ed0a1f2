/**
 * `lifeboat serve` as an operator runs it (the built CLI as a process, in an isolated CLI
 * home) and Debian's Chromium opening the URL it prints. Shared by the window's end-to-end
 * tests: prepareServeTest builds and makes the home, closeServeTest tidies up.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureDebianPackages } from '../../env/debian-packages.mjs';
import { createCliHome, type PassphraseCliHome } from '../plugins/cli-home.js';
import { PROJECT_DIR, type CliHome } from '../plugins/lifeboat-cli.js';

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

/** Builds the app and makes an isolated CLI home, with its passphrase file, in a new temp folder. */
export async function prepareServeTest(name: string, passphrase: string): Promise<{ root: string; home: PassphraseCliHome }> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  await mkdir(ARTIFACTS, { recursive: true });
  const root = await mkdtemp(join(tmpdir(), `lifeboat-${name}-`));
  return { root, home: await createCliHome(root, passphrase) };
}

/** Debian's Chromium with the page at `url` (serve's printed URL, or a relayed one). */
export async function openServedPage(url: string): Promise<BrowserSession> {
  const session = await openChromium();
  await session.page.goto(url);
  return session;
}

/** The end of a serve test: the browser closed, serve killed if still running, the temp folder removed. */
export async function closeServeTest(parts: { readonly browser?: Browser; readonly served?: ServeProcess; readonly root?: string }): Promise<void> {
  await parts.browser?.close();
  if (parts.served && parts.served.child.exitCode === null) parts.served.child.kill('SIGKILL');
  if (parts.root) await rm(parts.root, { recursive: true, force: true });
}
