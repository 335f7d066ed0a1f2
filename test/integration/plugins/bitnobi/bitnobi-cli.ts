/**
 * What the bitnobi plugin's tests share: a stand-in Bitnobi container of its own per test
 * (own name, free host ports, own host backup folder), a CLI home whose config has a
 * `bitnobi` target for it, `lifeboat` started without waiting (for Ctrl-C), and polling.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import { type BitnobiImages, createBitnobiContainer, ensureBitnobiImages, freePort } from '../../../env/docker/bitnobi-image.js';
import { type DockerRig, startDockerRig } from '../../../env/dockerd.js';
import { type CliHome, PROJECT_DIR, type CliRun, runLifeboat } from '../lifeboat-cli.js';

export const PASSPHRASE = 'correct horse battery staple bitnobi';
const BIN = join(PROJECT_DIR, 'bin', 'lifeboat.js');

/** What a bitnobi test file shares, filled in by its beforeAll. */
export interface BitnobiSuite {
  rig: DockerRig;
  images: BitnobiImages;
  /** A folder of the file's own, removed afterwards. */
  tmp: string;
}

/**
 * Builds Lifeboat, starts the test engine with the stand-in images, and removes the
 * containers named `prefix…` before (an interrupted run leaves them, unlabelled ones made by
 * a restore too) and after the file's tests.
 */
export function setUpBitnobiSuite(prefix: string): BitnobiSuite {
  const suite = {} as BitnobiSuite;
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
    suite.rig = await startDockerRig();
    suite.images = await ensureBitnobiImages(suite.rig.docker);
    await removeContainersNamed(suite.rig.docker, prefix);
    suite.tmp = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (suite.rig !== undefined) await removeContainersNamed(suite.rig.docker, prefix);
    if (suite.tmp !== undefined) await rm(suite.tmp, { recursive: true, force: true });
  });
  return suite;
}

export interface BitnobiCase extends CliHome {
  /** The container's name, also the target's `container` option. */
  readonly name: string;
  readonly hostBackupDir: string;
  readonly ports: { readonly web: number; readonly jupyter: number };
  readonly passFile: string;
  readonly env: Readonly<Record<string, string>>;
  /** `lifeboat ARGS` in this case's home, against the test engine. */
  run(args: readonly string[]): Promise<CliRun>;
  /** `lifeboat ARGS` started without waiting. */
  start(args: readonly string[]): RunningLifeboat;
}

export interface RunningLifeboat {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<{ code: number | null; out: string }>;
}

/** A running stand-in Bitnobi named `name` from `image`, and a CLI home with a `bitnobi` target for it. */
export async function bitnobiCase(docker: Dockerode, socketPath: string, base: string, name: string, image: string, options: Record<string, unknown> = {}): Promise<BitnobiCase> {
  const dirs = {
    home: join(base, 'home'),
    dataHome: join(base, 'xdg-data'),
    configHome: join(base, 'xdg-config'),
    store: join(base, 'store'),
  };
  const hostBackupDir = join(base, 'bitnobiBackup');
  for (const d of [dirs.home, dirs.dataHome, join(dirs.configHome, 'lifeboat'), dirs.store, hostBackupDir]) await mkdir(d, { recursive: true });
  const passFile = join(base, 'passphrase.txt');
  await writeFile(passFile, PASSPHRASE + '\n', { mode: 0o600 });
  await writeFile(join(dirs.configHome, 'lifeboat', 'config.yaml'), stringify({ targets: { bitnobi: { plugin: 'bitnobi', options: { container: name, ...options } } } }));
  const ports = { web: await freePort(), jupyter: await freePort() };
  await createBitnobiContainer(docker, { name, image, hostBackupDir, hostPorts: ports });
  const env = { DOCKER_HOST: `unix://${socketPath}` };
  const home: CliHome = dirs;
  return {
    ...dirs,
    name,
    hostBackupDir,
    ports,
    passFile,
    env,
    run: (args) => runLifeboat(home, args, { env }),
    start: (args) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: PROJECT_DIR,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirs.home, XDG_DATA_HOME: dirs.dataHome, XDG_CONFIG_HOME: dirs.configHome, LIFEBOAT_STORE: dirs.store, LANG: 'C.UTF-8', NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
      return { child, done };
    },
  };
}

/** Every container (stopped ones too) whose name starts with `prefix`: name, id and whether it runs, sorted by name. */
export async function containersNamed(docker: Dockerode, prefix: string): Promise<Array<{ name: string; id: string; running: boolean }>> {
  return (await docker.listContainers({ all: true }))
    .map((c) => ({ name: (c.Names[0] ?? '').replace(/^\//, ''), id: c.Id, running: c.State === 'running' }))
    .filter((c) => c.name.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes the containers whose names start with `prefix` (a test's container and what a restore kept of it). */
export async function removeContainersNamed(docker: Dockerode, prefix: string): Promise<void> {
  for (const c of await containersNamed(docker, prefix)) await docker.getContainer(c.id).remove({ force: true }).catch(() => undefined);
}

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
