/**
 * Runs the real `lifeboat` command (bin/lifeboat.js, after `node scripts/build.mjs`) in an
 * isolated home: its own HOME, XDG folders and store, optionally as user `nobody`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/lifeboat.js', import.meta.url));

export interface CliHome {
  readonly home: string;
  readonly dataHome: string;
  readonly configHome: string;
  readonly store: string;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Run as `nobody` (uid/gid 65534) through setpriv; the test process must be root. */
  readonly asNobody?: boolean;
  readonly input?: string;
  /** More environment, e.g. JUJU_DATA. */
  readonly env?: Readonly<Record<string, string>>;
}

export function runLifeboat(env: CliHome, args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: env.home,
    XDG_DATA_HOME: env.dataHome,
    XDG_CONFIG_HOME: env.configHome,
    LIFEBOAT_STORE: env.store,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...options.env,
  };
  const node = process.execPath;
  const [cmd, cmdArgs] = options.asNobody
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', node, BIN, ...args]]
    : [node, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs as string[], { cwd: PROJECT_DIR, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A program that never reads its input may exit first: EPIPE here is not the test's concern.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Parses the JSON a `--json` command printed, saying what it printed when that fails. */
export function parseJson(run: CliRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`Expected JSON on stdout (exit ${run.code}).\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
}

/** The archive path from `backup --json`'s output (`{ archive: string | { path } }`). */
export function archivePathOf(run: CliRun): string {
  const out = parseJson(run) as { archive?: string | { path?: string } };
  const archive = typeof out.archive === 'string' ? out.archive : out.archive?.path;
  if (!archive) throw new Error(`backup --json printed no archive path: ${run.stdout}\nstderr: ${run.stderr}`);
  return archive;
}

/** Entry paths from `ls --json` (an array of entries, or an object with `entries`). */
export function listedPaths(run: CliRun): string[] {
  const out = parseJson(run) as unknown;
  const entries = Array.isArray(out) ? out : (out as { entries?: unknown[] }).entries;
  if (!Array.isArray(entries)) throw new Error(`ls --json printed no entries: ${run.stdout.slice(0, 500)}`);
  return entries.map((e) => (typeof e === 'string' ? e : (e as { path: string }).path));
}

/** Archive paths from `archives --json` (an array, or an object with `archives`). */
export function listedArchives(run: CliRun): string[] {
  const out = parseJson(run) as unknown;
  const list = Array.isArray(out) ? out : (out as { archives?: unknown[] }).archives;
  if (!Array.isArray(list)) throw new Error(`archives --json printed no list: ${run.stdout.slice(0, 500)}`);
  return list.map((a) => (a as { path: string }).path);
}

/** stdout and stderr together, for messages whichever stream they went to. */
export function output(run: CliRun): string {
  return `${run.stdout}\n${run.stderr}`;
}
