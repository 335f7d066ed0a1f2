// `npm run bench:ui`: how fast the window is, as an operator on a headless host meets it:
// `lifeboat serve` started as a process (the built CLI) and its URL opened in Debian's
// Chromium. In one run it measures, on a juju-client archive of 20,000 entries:
//   - `lifeboat serve` spawned → the Targets view rendered with its row (goal < 1.5 s);
//   - a click on the archive's Open → the file tree's top folder rendered (goal < 500 ms),
//     and Enter in the search box → the match for a file four folders deep rendered, next to
//     the shell's way to list the archive, `gpg -d | tar -tz` (Lifeboat reads its index);
//   - a backup started through the window: `jobs:changed` events per job in any 1-second
//     window (goal ≤ 10).
// Chromium is started before any clock; every run starts a fresh `lifeboat serve` and a fresh
// browser context (no cache, no cookie). Window times are taken in the page (click or submit
// event → the rows in the DOM at the next animation frame), the start of serve in Node: both
// clocks are this machine's. Prints a Markdown table; a missed goal is a "no", not a crash.
// Not part of `npm test`.
//
//   node bench/ui.mjs [--runs N] [--files N] [--big-mb N] [--no-build]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { ensureDebianPackages } from '../test/env/debian-packages.mjs';
import { cacheFilePath, makeJujuClientDir } from './lib/juju-client-dir.mjs';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(PROJECT, 'bin', 'lifeboat.js');
const PASSPHRASE = 'bench passphrase, not a secret';
const TARGET = 'laptop';
const BIG_TARGET = 'laptop-big';
const GOALS = { firstViewMs: 1500, treeMs: 500, eventsPerSecond: 10 };

function parseArgs(argv) {
  const args = { runs: 5, files: 20_000, bigMb: 400, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--files') args.files = Number(argv[++i]);
    else if (a === '--big-mb') args.bigMb = Number(argv[++i]);
    else if (a === '--no-build') args.build = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/ui.mjs [--runs N] [--files N] [--big-mb N] [--no-build]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  for (const key of ['runs', 'files', 'bigMb']) {
    if (!(Number.isInteger(args[key]) && args[key] > 0)) {
      console.error(`bench: --${key === 'bigMb' ? 'big-mb' : key} takes a positive whole number`);
      process.exit(2);
    }
  }
  return args;
}

/** Epoch milliseconds with sub-millisecond resolution, comparable with the page's. */
const now = () => performance.timeOrigin + performance.now();

/** Processes and folders to remove whatever happens (also on Ctrl-C). */
const owned = { serves: new Set(), browser: undefined, work: undefined };

async function cleanup() {
  const serves = [...owned.serves];
  owned.serves.clear();
  // Gone before their folders are removed: a dying serve may still be writing in them.
  await Promise.all(
    serves.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      return exited;
    }),
  );
  const browser = owned.browser;
  owned.browser = undefined;
  await browser?.close().catch(() => {});
  const work = owned.work;
  owned.work = undefined;
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}

/**
 * Copies the built window to `to`, again until the copy is whole (index.html and every asset
 * it names): a build running elsewhere in this tree empties out/renderer for a moment.
 */
async function copyBuiltWindow(from, to) {
  for (let attempt = 1; ; attempt++) {
    rmSync(to, { recursive: true, force: true });
    try {
      cpSync(from, to, { recursive: true });
      const html = readFileSync(join(to, 'index.html'), 'utf8');
      const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]);
      if (assets.length > 0 && assets.every((a) => existsSync(join(to, a)))) return;
    } catch (e) {
      if (attempt >= 30) throw e;
    }
    if (attempt >= 30) throw new Error(`bench: ${from} is not a whole build; run node scripts/build.mjs`);
    await sleep(1000);
  }
}

function lifeboat(env, args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench: lifeboat ${args.slice(0, 2).join(' ')} exited ${r.status}\n${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Spawns `lifeboat serve`; resolves with the URL it prints and the moment it was spawned. */
function startServe(env, passFile) {
  const spawnedAt = now();
  const child = spawn(process.execPath, [BIN, 'serve', '--passphrase-file', passFile], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  owned.serves.add(child);
  child.on('exit', () => owned.serves.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
      const found = /http:\/\/\S+\?token=\S+/.exec(stdout);
      if (found) resolve({ child, url: found[0], spawnedAt, urlAt: now() });
    });
    child.once('exit', (code) => reject(new Error(`bench: lifeboat serve exited ${code} before printing a URL\n${stderr.slice(-2000)}`)));
  });
}

/** Ctrl-C, as an operator stops it; SIGKILL if it has not exited after 10 s. */
async function stopServe(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs in the page before its own scripts: stamps (epoch ms) the first animation frame at
 * which the Targets view shows the target's row.
 */
function stampFirstView(selector) {
  const w = window;
  w.__bench = { marks: {} };
  const seen = () => {
    if (w.__bench.marks.rowSeen || !document.querySelector(selector)) return;
    w.__bench.marks.rowSeen = w.performance.timeOrigin + w.performance.now();
    w.requestAnimationFrame(() => (w.__bench.marks.rowFrame = w.performance.timeOrigin + w.performance.now()));
  };
  new w.MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

/**
 * In the page: the next `eventType` event (capture phase) starts a clock that stops at the
 * first animation frame after `selector` is in the DOM. The bridge function `call` (e.g.
 * `archivesTree`) is wrapped to time its first answer after the event: the server's share.
 * Read with {@link readClock}.
 */
function armClock(page, eventType, selector, call) {
  return page.evaluate(
    ([eventType, selector, call]) => {
      const w = window;
      const clock = (w.__clock = {});
      const stamp = () => w.performance.timeOrigin + w.performance.now();
      document.addEventListener(eventType, () => (clock.start ??= stamp()), { capture: true, once: true });
      const observer = new w.MutationObserver(() => {
        if (clock.start === undefined || !document.querySelector(selector)) return;
        observer.disconnect();
        clock.seen = stamp();
        w.requestAnimationFrame(() => (clock.frame = stamp()));
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      const bridge = w.lifeboat;
      const original = w.__original?.[call] ?? bridge[call];
      w.__original = { ...w.__original, [call]: original };
      bridge[call] = async (...args) => {
        const sent = stamp();
        const answer = await original(...args);
        if (clock.start !== undefined && clock.callMs === undefined) clock.callMs = stamp() - sent;
        return answer;
      };
    },
    [eventType, selector, call],
  );
}

/** Milliseconds from the event to the frame, and the server call's share of them. */
async function readClock(page) {
  await page.waitForFunction(() => window.__clock?.frame !== undefined, undefined, { timeout: 30_000 });
  const clock = await page.evaluate(() => window.__clock);
  return { ms: clock.frame - clock.start, callMs: clock.callMs };
}

/** One cold start: serve spawned → Targets row; then Archives → Open → tree → search. */
async function measureRun(browser, env, passFile, archiveFile, deepPath) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const rowSelector = `li.target[data-target="${TARGET}"]`;
  await context.addInitScript(stampFirstView, rowSelector);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  const served = await startServe(env, passFile);
  try {
    await page.goto(served.url);
    await page.locator(rowSelector).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => window.__bench?.marks.rowFrame !== undefined, undefined, { timeout: 30_000 });
    const marks = await page.evaluate(() => window.__bench.marks);
    const nav = await page.evaluate(() => {
      const [n] = window.performance.getEntriesByType('navigation');
      return { start: window.performance.timeOrigin, domContentLoaded: window.performance.timeOrigin + n.domContentLoadedEventEnd };
    });
    const firstView = {
      totalMs: marks.rowFrame - served.spawnedAt,
      serveMs: served.urlAt - served.spawnedAt,
      // The URL with the token answers with a redirect that drops it; the page measured is the second.
      toDocumentMs: nav.start - served.urlAt,
      toDomContentLoadedMs: nav.domContentLoaded - nav.start,
      toRowMs: marks.rowFrame - nav.domContentLoaded,
    };

    await page.getByRole('navigation').getByRole('button', { name: 'Archives' }).click();
    const open = page.getByRole('button', { name: `Open ${archiveFile}` });
    await open.waitFor({ timeout: 30_000 });
    await armClock(page, 'click', '[role="tree"][aria-label="Files in the archive"] > [role="treeitem"]', 'archivesTree');
    await open.click();
    const tree = await readClock(page);

    // The operator's next click: the top folder opens (its children read from the index).
    const top = page.locator('[role="tree"][aria-label="Files in the archive"] > [role="treeitem"] button.row__dir').first();
    await armClock(page, 'click', '[role="tree"][aria-label="Files in the archive"] [role="group"] > [role="treeitem"]', 'archivesTree');
    await top.click();
    const folder = await readClock(page);

    const box = page.getByRole('searchbox', { name: 'Search the files' });
    await box.fill(basename(deepPath));
    await armClock(page, 'submit', `[role="tree"] button[title="Preview ${deepPath}"]`, 'archivesTree');
    await box.press('Enter');
    const search = await readClock(page);
    if (problems.length > 0) throw new Error(`bench: the page reported errors: ${problems.join('\n')}`);
    return { firstView, tree, folder, search };
  } finally {
    await context.close();
    await stopServe(served.child);
  }
}

/**
 * A backup started through the window's bridge while the page, and a socket of the bench's
 * own, record every `jobs:changed` event; each record analysed by {@link analyseEvents}.
 */
async function measureProgress(browser, env, passFile) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const served = await startServe(env, passFile);
  try {
    await page.goto(served.url);
    await page.locator(`li.target[data-target="${BIG_TARGET}"]`).waitFor({ timeout: 30_000 });
    // A second observer: a socket of the bench's own, which renders nothing, shows when the
    // server sent each event; the page shows when the window got to handle it.
    const socketEvents = [];
    const socket = await listenToEvents(served.url, (job) => socketEvents.push({ id: job.id, state: job.state, t: now() }));
    const started = await page.evaluate((target) => {
      const w = window;
      w.__events = [];
      w.lifeboat.onJobsChanged((job) => w.__events.push({ id: job.id, state: job.state, t: w.performance.now() }));
      return w.lifeboat.jobsBackup({ target });
    }, BIG_TARGET);
    if (!started.ok) throw new Error(`bench: jobs:backup refused: ${started.error.message}`);
    const jobId = started.value.jobId;
    await page.waitForFunction(
      (id) => window.__events.some((e) => e.id === id && ['succeeded', 'failed', 'canceled'].includes(e.state)),
      jobId,
      { timeout: 600_000, polling: 250 },
    );
    socket.close();
    const inPage = analyseEvents(await page.evaluate(() => window.__events), jobId);
    const atSocket = analyseEvents(socketEvents, jobId);
    return { inPage, atSocket };
  } finally {
    await context.close();
    await stopServe(served.child);
  }
}

/** Opens a WebSocket to the server as the page does (its cookie and Origin), calling `onJob` per `jobs:changed`. */
async function listenToEvents(url, onJob) {
  const u = new URL(url);
  const socket = new WebSocket(`ws://${u.host}/ipc`, {
    headers: { Cookie: `lifeboat-token-${u.port}=${u.searchParams.get('token')}` },
    origin: u.origin,
  });
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.event === 'jobs:changed') onJob(message.payload);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/**
 * `events` of one job (sorted by t, ms): the most in any 1-second window and what those were
 * (a new state, or a progress update within the same state), the same for progress updates
 * alone, the total and the job's duration.
 */
function analyseEvents(events, jobId) {
  const ids = new Set(events.map((e) => e.id));
  if (ids.size !== 1 || !ids.has(jobId)) throw new Error(`bench: events came for ${ids.size} jobs, expected the one backup`);
  const last = events[events.length - 1];
  if (last.state !== 'succeeded') throw new Error(`bench: the backup through the window ended ${last.state}`);
  const classified = events.map((e, i) => ({ t: e.t, kind: i > 0 && events[i - 1].state === e.state ? 'progress' : e.state }));
  const busiest = busiestWindow(classified, 1000);
  const kinds = {};
  for (const e of busiest) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  return {
    maxPerSecond: busiest.length,
    busiest: Object.entries(kinds).map(([kind, n]) => (kind === 'progress' ? `${n} progress` : kind)).join(' + '),
    progressMaxPerSecond: busiestWindow(classified.filter((e) => e.kind === 'progress'), 1000).length,
    // Between consecutive progress updates: the engine spaces them at least 141 ms apart (at most 10 events per job in any 1.125 s).
    shortestGapMs: Math.min(...classified.flatMap((e, i) => (i > 0 && e.kind === 'progress' && classified[i - 1].kind === 'progress' ? [e.t - classified[i - 1].t] : []))),
    total: events.length,
    seconds: (last.t - events[0].t) / 1000,
  };
}

/** The longest run of `events` (sorted by t, ms) within some window [t, t + width). */
function busiestWindow(events, width) {
  let best = { from: 0, to: 0 };
  for (let i = 0, j = 0; i < events.length; i++) {
    while (events[i].t - events[j].t >= width) j++;
    if (i - j + 1 > best.to - best.from) best = { from: j, to: i + 1 };
  }
  return events.slice(best.from, best.to);
}

/** `gpg -d ARCHIVE | tar -tz | wc -l` (with `grep` for a search), timed; answers ms and its output. */
function shellList(env, archivePath, grep) {
  const script = `set -euo pipefail; gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$PF" -d "$1" | tar -tz | ${grep ? 'grep -F -- "$2" | ' : ''}wc -l`;
  const t0 = now();
  const r = spawnSync('bash', ['-c', script, 'bench', archivePath, grep ?? ''], { env, encoding: 'utf8' });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`bench: the gpg | tar pipeline exited ${r.status}\n${r.stderr.slice(-2000)}`);
  return { ms, lines: Number(r.stdout.trim()) };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const worst = (values) => Math.max(...values);
const ms = (v) => `${Math.round(v)} ms`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  ensureDebianPackages({ gpg: 'gnupg', tar: 'tar', chromium: 'chromium' });
  if (args.build) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT, stdio: 'inherit' });

  // Stopping kills serve and Chromium under the run: what then fails is no news.
  let stoppedWith;
  const stop = (code) => () => {
    stoppedWith = code;
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', stop(130));
  process.once('SIGTERM', stop(143));
  try {
    await run(args);
  } catch (e) {
    if (stoppedWith === undefined) throw e;
  } finally {
    await cleanup();
  }
  if (stoppedWith !== undefined) process.exit(stoppedWith);
}

async function run(args) {
  const work = (owned.work = mkdtempSync(join(tmpdir(), 'lifeboat-bench-ui-')));
  const passFile = join(work, 'pass.txt');
  writeFileSync(passFile, PASSPHRASE + '\n', { mode: 0o600 });
  const env = {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_DATA_HOME: join(work, 'data'),
    XDG_CONFIG_HOME: join(work, 'config'),
    LIFEBOAT_STORE: join(work, 'store'),
    GNUPGHOME: join(work, 'gnupg'),
    PF: passFile,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    // A copy of the built window: a build elsewhere in this tree (Vite empties out/renderer
    // first) cannot pull the files from under a run.
    LIFEBOAT_RENDERER_DIR: join(work, 'renderer'),
  };
  await copyBuiltWindow(join(PROJECT, 'out', 'renderer'), env.LIFEBOAT_RENDERER_DIR);
  for (const d of [env.HOME, env.XDG_DATA_HOME, env.XDG_CONFIG_HOME, env.LIFEBOAT_STORE]) mkdirSync(d, { recursive: true });
  mkdirSync(env.GNUPGHOME, { mode: 0o700 });

  const dir = join(work, 'juju');
  const bigDir = join(work, 'juju-big');
  process.stderr.write(`Making a Juju client folder of ${args.files} files, and one with ${args.bigMb} MB more...\n`);
  await makeJujuClientDir(dir, { files: args.files });
  await makeJujuClientDir(bigDir, { files: args.files, bigBytes: args.bigMb * 1_000_000 });
  lifeboat(env, ['targets', 'add', TARGET, '--plugin', 'juju-client', '--opt', `dir=${dir}`]);
  lifeboat(env, ['targets', 'add', BIG_TARGET, '--plugin', 'juju-client', '--opt', `dir=${bigDir}`]);
  process.stderr.write('Backing it up with `lifeboat backup`...\n');
  const made = JSON.parse(lifeboat(env, ['backup', TARGET, '--passphrase-file', passFile, '--json']));
  const archivePath = typeof made.archive === 'string' ? made.archive : made.archive.path;
  const entries = JSON.parse(lifeboat(env, ['ls', archivePath, '--json', '--passphrase-file', passFile]));
  const entryCount = (Array.isArray(entries) ? entries : entries.entries).length;
  // The archive holds the folder under its own name (the plugin's archive root).
  const deepPath = `${basename(dir)}/${cacheFilePath(args.files - 1)}`;

  const loadAtStart = loadavg()[0];
  owned.browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  // A first start nobody counts: the page cache then holds Node, the built files and Chromium's.
  process.stderr.write('Warm-up run...\n');
  await measureRun(owned.browser, env, passFile, basename(archivePath), deepPath);
  const runs = [];
  for (let i = 0; i < args.runs; i++) {
    process.stderr.write(`Run ${i + 1} of ${args.runs}...\n`);
    runs.push(await measureRun(owned.browser, env, passFile, basename(archivePath), deepPath));
  }
  const shell = [];
  for (let i = 0; i < args.runs; i++) shell.push(shellList(env, archivePath));
  const shellSearch = [];
  for (let i = 0; i < args.runs; i++) shellSearch.push(shellList(env, archivePath, basename(deepPath)));
  process.stderr.write('A backup through the window, counting its progress events...\n');
  const progress = await measureProgress(owned.browser, env, passFile);

  report({ args, runs, shell, shellSearch, progress, entryCount, deepPath, loadAtStart });
}

function report({ args, runs, shell, shellSearch, progress, entryCount, deepPath, loadAtStart }) {
  const pick = (f) => runs.map(f);
  const both = (values) => `${ms(median(values))} (worst ${ms(worst(values))})`;
  const first = pick((r) => r.firstView.totalMs);
  const tree = pick((r) => r.tree.ms);
  const search = pick((r) => r.search.ms);
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const chromiumVersion = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout.trim();

  console.log(`\n#### Window benchmark: juju-client archive of ${entryCount} entries, ${args.runs} run${args.runs === 1 ? '' : 's'}, ${cpus} CPUs, Node ${process.version}, ${chromiumVersion}\n`);
  console.log(`Median of the runs, worst in brackets. Load average (1 min) at the start ${loadAtStart.toFixed(1)}, at the end ${loadavg()[0].toFixed(1)}.\n`);
  console.log('| metric | Lifeboat | shell tools | goal | met? |');
  console.log('|---|---:|---:|---:|:---:|');
  const row = (metric, lifeboatValue, shellValue, goal, met) =>
    console.log(`| ${md(metric)} | ${lifeboatValue} | ${shellValue} | ${goal} | ${met === undefined ? '–' : met ? 'yes' : '**no**'} |`);
  row('`lifeboat serve` spawned → Targets view with its row', both(first), '–', `< ${ms(GOALS.firstViewMs)}`, worst(first) < GOALS.firstViewMs);
  row(
    `archive opened → file tree (top folder) · \`gpg -d | tar -tz | wc -l\` (${shell[0].lines} lines)`,
    both(tree),
    both(shell.map((s) => s.ms)),
    `< ${ms(GOALS.treeMs)}`,
    worst(tree) < GOALS.treeMs,
  );
  row('top folder clicked → its rows', both(pick((r) => r.folder.ms)), '–', '–', undefined);
  row(`search \`${basename(deepPath)}\` → its row · \`… | tar -tz | grep\``, both(search), both(shellSearch.map((s) => s.ms)), '–', undefined);
  const p = progress.inPage;
  row(
    `\`jobs:changed\` events of one backup job in the page, most in any 1 s (${p.total} in ${p.seconds.toFixed(1)} s; busiest second: ${p.busiest})`,
    `${p.maxPerSecond}/s`,
    '–',
    `≤ ${GOALS.eventsPerSecond}/s`,
    p.maxPerSecond <= GOALS.eventsPerSecond,
  );
  row('the same, progress updates only (state changes left out)', `${p.progressMaxPerSecond}/s`, '–', `≤ ${GOALS.eventsPerSecond}/s`, p.progressMaxPerSecond <= GOALS.eventsPerSecond);
  const q = progress.atSocket;
  row(
    `the same events as a bare WebSocket client of the bench got them (busiest second: ${q.busiest}; shortest gap between two progress updates ${Math.round(q.shortestGapMs)} ms, in the page ${Math.round(p.shortestGapMs)} ms), all · progress only`,
    `${q.maxPerSecond}/s · ${q.progressMaxPerSecond}/s`,
    '–',
    '–',
    undefined,
  );

  console.log('\nWhere the time goes (medians):\n');
  console.log('| step | ms |\n|---|---:|');
  const steps = [
    ['`lifeboat serve` spawned → URL printed', (r) => r.firstView.serveMs],
    ['URL printed → the page\'s document requested (page.goto, token redirect)', (r) => r.firstView.toDocumentMs],
    ['document → DOMContentLoaded (HTML, scripts, styles)', (r) => r.firstView.toDomContentLoadedMs],
    ['DOMContentLoaded → Targets row rendered (socket, targets:list, Vue)', (r) => r.firstView.toRowMs],
    ['archive opened: its `archives:tree` call answered (the server reads the index; socket)', (r) => r.tree.callMs],
    ['archive opened: the rest (Vue, the store, rendering)', (r) => r.tree.ms - r.tree.callMs],
    ['top folder clicked: its `archives:tree` call answered (index cached)', (r) => r.folder.callMs],
    ['search: its `archives:tree` call answered', (r) => r.search.callMs],
  ];
  for (const [name, f] of steps) console.log(`| ${md(name)} | ${Math.round(median(pick(f)))} |`);
}

/** Escapes `|` for a Markdown table cell. */
function md(text) {
  return text.replace(/\|/g, '\\|');
}

await main();
