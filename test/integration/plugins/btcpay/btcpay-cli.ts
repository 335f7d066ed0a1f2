/**
 * What the btcpay plugin's tests share: the suite's setup (the `lifeboat` command built, the
 * private test engine, a stand-in stack, a temp folder and a CLI home whose config has a btcpay
 * target), `lifeboat` started without waiting, waiting for the stack, and a few readings of the
 * result.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import { type BtcpayStack, type StackState, createBtcpayStack } from '../../../env/docker/btcpay-stack.js';
import { type DockerRig, startDockerRig } from '../../../env/dockerd.js';
import { type PassphraseCliHome, createCliHome } from '../cli-home.js';
import { type CliHome, PROJECT_DIR } from '../lifeboat-cli.js';

export const PASSPHRASE = 'correct horse battery staple btcpay';
const BIN = join(PROJECT_DIR, 'bin', 'lifeboat.js');

export interface BtcpayCliHome extends PassphraseCliHome {
  readonly env: Readonly<Record<string, string>>;
}

/** A CLI home with one target, `btcpay`, of the given options. DOCKER_HOST points at the test engine. */
export async function btcpayCliHome(base: string, socketPath: string, options: Record<string, unknown>): Promise<BtcpayCliHome> {
  const home = await createCliHome(base, PASSPHRASE);
  await mkdir(join(home.configHome, 'lifeboat'), { recursive: true });
  await writeFile(join(home.configHome, 'lifeboat', 'config.yaml'), stringify({ targets: { btcpay: { plugin: 'btcpay', options } } }));
  return { ...home, env: { DOCKER_HOST: `unix://${socketPath}` } };
}

/** What a btcpay test file works with, ready from its first test on. */
export interface BtcpaySuite {
  readonly rig: DockerRig;
  readonly stack: BtcpayStack;
  /** The file's own temp folder, removed after its tests. */
  readonly tmp: string;
  /** Only when the suite was set up with `target`. */
  readonly cli: BtcpayCliHome;
}

export interface BtcpaySuiteOptions {
  /** The stand-in stack's Compose project: containers are `<project>_<service>_1`. */
  readonly project: string;
  /** Start of the temp folder's name. */
  readonly tmpPrefix: string;
  /** Runs once the engine answers, before the stack is made. */
  readonly beforeStack?: (rig: DockerRig) => Promise<void>;
  /** The btcpay target's options for a CLI home in `tmp/cli`; without it there is none. */
  readonly target?: (rig: DockerRig) => Record<string, unknown>;
}

/**
 * Registers the file's beforeAll and afterAll: builds `lifeboat`, starts the private engine and
 * makes the stack, the temp folder and (with `target`) the CLI home; afterwards removes the
 * stack and the folder. Call it at the top of a test file; read the members in tests and in
 * hooks registered after it (a test file's own afterAll then runs before this one's).
 */
export function setUpBtcpaySuite(options: BtcpaySuiteOptions): BtcpaySuite {
  let rig: DockerRig | undefined;
  let stack: BtcpayStack | undefined;
  let tmp: string | undefined;
  let cli: BtcpayCliHome | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
    rig = await startDockerRig();
    await options.beforeStack?.(rig);
    stack = await createBtcpayStack(rig.docker, { project: options.project });
    tmp = await mkdtemp(join(tmpdir(), options.tmpPrefix));
    if (options.target !== undefined) cli = await btcpayCliHome(join(tmp, 'cli'), rig.socketPath, options.target(rig));
  });

  afterAll(async () => {
    await stack?.remove();
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  const ready = <T>(name: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`The btcpay suite's ${name} is not there: it is made in beforeAll${name === 'cli' ? ', with the target option' : ''}.`);
    return value;
  };
  return {
    get rig() {
      return ready('rig', rig);
    },
    get stack() {
      return ready('stack', stack);
    },
    get tmp() {
      return ready('tmp', tmp);
    },
    get cli() {
      return ready('cli', cli);
    },
  };
}

export interface StartedLifeboat {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Its exit code and everything it printed (stdout and stderr as they came). */
  readonly done: Promise<{ code: number | null; out: string }>;
  /** What it printed so far. */
  output(): string;
}

/** Starts `lifeboat` in `home` without waiting, for a cancel, a kill or a cut in the middle of its work. */
export function startLifeboat(home: CliHome, args: readonly string[], env: Readonly<Record<string, string>>): StartedLifeboat {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.home, XDG_DATA_HOME: home.dataHome, XDG_CONFIG_HOME: home.configHome, LIFEBOAT_STORE: home.store, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
  return { child, done, output: () => out };
}

/** Polls `check` every 200 ms until it holds; fails saying `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The state without what a restore leaves to the host on purpose (excluded paths). */
export function withoutPaths(state: StackState, drop: (volume: string, path: string) => boolean): StackState {
  const volumes = Object.fromEntries(
    Object.entries(state.volumes).map(([v, paths]) => [v, Object.fromEntries(Object.entries(paths).filter(([p]) => !drop(v, p)))]),
  );
  return { ...state, volumes };
}
