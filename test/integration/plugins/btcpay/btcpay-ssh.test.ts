// The btcpay plugin against a BTCPay host reached over SSH (the real sshd of the test rig,
// as an unprivileged user allowed to use the Docker socket), its Docker engine over the same
// connection: backup and restore work there, and cutting the SSH connection while the stack
// is stopped still ends with the stack running, through the supervisor on the host.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BtcpayStack, createBtcpayStack } from '../../../env/docker/btcpay-stack.js';
import { type DockerRig, startDockerRig } from '../../../env/dockerd.js';
import { startSshRig, type SshRig } from '../../../env/sshd.mjs';
import { PROJECT_DIR, archivePathOf, listedArchives, output, runLifeboat } from '../lifeboat-cli.js';
import { type BtcpayCliHome, PASSPHRASE, btcpayCliHome } from './btcpay-cli.js';

const PROJECT = 'lbssh';
const BIN = join(PROJECT_DIR, 'bin', 'lifeboat.js');

let rig: DockerRig;
let ssh: SshRig;
let stack: BtcpayStack;
let tmp: string;
let cli: BtcpayCliHome;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  rig = await startDockerRig();
  ssh = await startSshRig();
  // Before the first login: a session gets the user's groups as they are when it logs in.
  rig.allowUser(ssh.user);
  stack = await createBtcpayStack(rig.docker, { project: PROJECT });
  tmp = await mkdtemp(join(tmpdir(), 'lbt-btcpay-ssh-'));
  cli = await btcpayCliHome(join(tmp, 'cli'), rig.socketPath, {
    project: PROJECT,
    ssh: { host: ssh.host, port: ssh.port, user: ssh.user, identityFile: ssh.userKeyPath, useAgent: false },
    dockerSocket: rig.socketPath,
    supervisorGraceSeconds: 4,
  });
  // The operator has met this host before: its key is in their known_hosts.
  await mkdir(join(cli.home, '.ssh'), { recursive: true });
  await writeFile(join(cli.home, '.ssh', 'known_hosts'), ssh.knownHostsText());
  await writeFile(join(cli.home, '.ssh', 'config'), '');
});

afterAll(async () => {
  await stack?.remove();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const lifeboat = (args: readonly string[], env: Record<string, string> = {}) => runLifeboat(cli, args, { env: { ...cli.env, DOCKER_HOST: '', ...env } });

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('btcpay over SSH', () => {
  let archive: string;

  it('backs up and restores a wrecked stack over one SSH connection', async () => {
    const before = await stack.state();
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', cli.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    expect(output(run)).toContain(`Supervisor on ${ssh.host}`);
    await stack.wreck();
    const restored = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--yes']);
    expect(restored.code, output(restored)).toBe(0);
    expect(await stack.running()).toEqual(stack.containers);
    expect((await stack.state()).databases).toEqual(before.databases);
  });

  it('cut connection while the stack is stopped: Lifeboat fails, the supervisor on the host starts the stack again', async () => {
    const child = spawn(process.execPath, [BIN, 'backup', 'btcpay', '--passphrase-file', cli.passFile], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cli.home, XDG_DATA_HOME: cli.dataHome, XDG_CONFIG_HOME: cli.configHome, LIFEBOAT_STORE: cli.store, NO_COLOR: '1', LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:8000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until('btcpayserver is stopped', async () => !(await stack.running()).includes(`${PROJECT}_btcpayserver_1`));
    // The passphrase stays on this side: no process on the host has it in its command line.
    const cmdlines = await Promise.all((await readdir('/proc')).filter((p) => /^\d+$/.test(p)).map((p) => readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')));
    expect(cmdlines.join('\n')).not.toContain(PASSPHRASE);
    expect(ssh.killTargetSessions()).toBeGreaterThan(0);
    await until('the supervisor has started the stack again', async () => (await stack.running()).length === stack.containers.length, 60_000);
    expect(await stack.running()).toEqual(stack.containers);
    const code = await done;
    expect(code, out).not.toBe(0);
    expect(listedArchives(await lifeboat(['archives', '--json']))).toEqual([archive]);
  });
});
