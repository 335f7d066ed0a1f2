// A private Docker engine for the tests: its own socket, data, exec root, pidfile and
// bridge, no iptables, so it never touches a Docker the machine may run. Started once and
// reused by later runs (found by pidfile + ping); fails loudly with the reason when it
// cannot start — tests that need it never skip.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';
import { ensureDebianPackages } from './debian-packages.mjs';
import { ensureBusyboxImage } from './docker/busybox-image.js';
import { allowForwarding, ensureBridge, existingBridge, removeBridge, removeForwarding } from './docker/private-bridge.js';

export { BUSYBOX_IMAGE } from './docker/busybox-image.js';

const RUN_DIR = '/run/lifeboat-test-docker';
const DATA_ROOT = '/var/lib/lifeboat-test-docker';
const SOCKET = `${RUN_DIR}/docker.sock`;
const PIDFILE = `${RUN_DIR}/dockerd.pid`;
const LOG = `${RUN_DIR}/dockerd.log`;
const LOCK = `${RUN_DIR}/start.lock`;
/** Owns the socket, so a test user (the SSH rig's, for Docker over SSH) can be let in without root. */
export const DOCKER_GROUP = 'lifeboat-test-docker';

/** Label on every container and volume a test makes; `cleanup()` removes them. */
export const TEST_LABEL = 'lifeboat-test';
/** The test process that made an object: the rig's cleanup leaves other live runs' objects alone. */
const OWNER_LABEL = 'lifeboat-test.pid';
export const TEST_LABELS: Readonly<Record<string, string>> = { [TEST_LABEL]: '1', [OWNER_LABEL]: String(process.pid) };

export interface DockerRig {
  readonly socketPath: string;
  readonly docker: Dockerode;
  readonly images: { readonly busybox: string };
  /** Lets a local user use the engine's socket (adds it to DOCKER_GROUP; effective from its next login). */
  allowUser(user: string): void;
  /** Removes the containers and volumes labelled lifeboat-test=1. */
  cleanup(): Promise<void>;
  /** Stops the engine and removes its bridge. Tests leave it running for the next run. */
  stop(): Promise<void>;
}

export async function startDockerRig(): Promise<DockerRig> {
  ensureDebianPackages({ dockerd: 'docker.io', busybox: 'busybox-static', ip: 'iproute2' });
  mkdirSync(RUN_DIR, { recursive: true });
  const gid = ensureGroup();
  const docker = new Dockerode({ socketPath: SOCKET, host: undefined, protocol: 'http' });
  await withLock(async () => {
    if (!(await answers(docker))) await startEngine(docker);
    // An engine started before the rig passed --group keeps its socket root:docker.
    if (statSync(SOCKET).gid !== gid) {
      chownSync(SOCKET, 0, gid);
      chmodSync(SOCKET, 0o660);
    }
    // Another engine may have set FORWARD to DROP since ours started.
    allowForwarding(ensureBridge().subnet);
  });
  const busybox = await ensureBusyboxImage(docker);
  const rig: DockerRig = {
    socketPath: SOCKET,
    docker,
    images: { busybox },
    allowUser: (user) => {
      const groups = execFileSync('id', ['-nG', user], { encoding: 'utf8' }).trim().split(/\s+/);
      if (!groups.includes(DOCKER_GROUP)) execFileSync('usermod', ['-aG', DOCKER_GROUP, user], { stdio: 'pipe' });
    },
    cleanup: () => removeTestObjects(docker),
    stop: () => stopEngine(),
  };
  // Leftovers of an interrupted run would confuse tests that list containers by label.
  await rig.cleanup();
  return rig;
}

/** The socket's group, created when missing; returns its gid. */
function ensureGroup(): number {
  if (spawnSync('getent', ['group', DOCKER_GROUP], { stdio: 'ignore' }).status !== 0) {
    execFileSync('groupadd', ['--system', DOCKER_GROUP], { stdio: 'pipe' });
  }
  return Number(execFileSync('getent', ['group', DOCKER_GROUP], { encoding: 'utf8' }).split(':')[2]);
}

async function answers(docker: Dockerode): Promise<boolean> {
  if (readPid() === undefined) return false;
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

async function startEngine(docker: Dockerode): Promise<void> {
  const stale = readPid();
  if (stale !== undefined) {
    // Alive but not answering: a wedged engine from an earlier run.
    process.kill(stale, 'SIGKILL');
    await sleep(500);
  }
  const bridge = ensureBridge();
  mkdirSync(DATA_ROOT, { recursive: true });
  const log = openSync(LOG, 'w');
  const child = spawn(
    'dockerd',
    [
      `--host=unix://${SOCKET}`,
      `--data-root=${DATA_ROOT}`,
      `--exec-root=${RUN_DIR}/exec`,
      `--pidfile=${PIDFILE}`,
      `--group=${DOCKER_GROUP}`,
      `--bridge=${bridge.name}`,
      '--iptables=false',
      '--ip-forward=false',
      // Its own namespaces even if it finds (and uses) the system's containerd.
      '--containerd-namespace=lifeboat-test',
      '--containerd-plugins-namespace=lifeboat-test-plugins',
    ],
    { detached: true, cwd: '/', stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.unref();
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    if (exited !== undefined) break;
    try {
      await docker.ping();
      return;
    } catch {
      await sleep(100);
    }
  }
  if (exited === undefined) child.kill('SIGKILL');
  throw new Error(
    `The private Docker engine for the tests did not start (${exited ?? 'no answer within 30 s'}). Last lines of ${LOG}:\n${logTail()}`,
  );
}

async function stopEngine(): Promise<void> {
  const pid = readPid();
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 150 && isAlive(pid); i++) await sleep(100);
  }
  const bridge = existingBridge();
  if (bridge !== undefined) removeForwarding(bridge.subnet);
  removeBridge();
}

/**
 * Removes the test objects of this process and of test processes that are gone (an
 * interrupted run). Another test run alive on the same engine keeps its own: concurrent
 * runs (two terminals, a bench beside the tests) must not pull each other's stacks away.
 */
async function removeTestObjects(docker: Dockerode): Promise<void> {
  const filters = { label: [`${TEST_LABEL}=1`] };
  const ours = (labels: Record<string, string> | null | undefined): boolean => {
    const owner = Number(labels?.[OWNER_LABEL]);
    return !Number.isInteger(owner) || owner <= 0 || owner === process.pid || !alive(owner);
  };
  for (const c of await docker.listContainers({ all: true, filters })) {
    if (ours(c.Labels)) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    if (ours(v.Labels)) await docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined);
  }
}

/** Whether process `pid` exists (one of another user's counts: signalling it is refused, not missing). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(): number | undefined {
  if (!existsSync(PIDFILE)) return undefined;
  const pid = Number(readFileSync(PIDFILE, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function logTail(): string {
  try {
    return readFileSync(LOG, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** One starter at a time across processes (two test runs, or test files in parallel). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  for (const deadline = Date.now() + 60_000; ; ) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(LOCK, 'utf8').trim());
      } catch {
        continue; // released between our two looks
      }
      if (!isAlive(holder)) rmSync(LOCK, { force: true });
      else if (Date.now() > deadline) throw new Error(`Another process (pid ${holder}) has been starting the test Docker engine for a minute; see ${LOG}.`);
      else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}
