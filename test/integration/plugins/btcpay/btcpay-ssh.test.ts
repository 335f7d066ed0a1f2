// The btcpay plugin against a BTCPay host reached over SSH (the real sshd of the test rig,
// as an unprivileged user allowed to use the Docker socket), its Docker engine over the same
// connection: backup and restore work there, and cutting the SSH connection while the stack
// is stopped still ends with the stack running, through the supervisor on the host.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSshRig, type SshRig } from '../../../env/sshd.mjs';
import { archivePathOf, listedArchives, output, runLifeboat } from '../lifeboat-cli.js';
import { PASSPHRASE, setUpBtcpaySuite, startLifeboat, until } from './btcpay-cli.js';

const PROJECT = 'lbssh';

let ssh: SshRig;

const suite = setUpBtcpaySuite({
  project: PROJECT,
  tmpPrefix: 'lbt-btcpay-ssh-',
  beforeStack: async (rig) => {
    ssh = await startSshRig();
    // Before the first login: a session gets the user's groups as they are when it logs in.
    rig.allowUser(ssh.user);
  },
  target: (rig) => ({
    project: PROJECT,
    ssh: { host: ssh.host, port: ssh.port, user: ssh.user, identityFile: ssh.userKeyPath, useAgent: false },
    dockerSocket: rig.socketPath,
    supervisorGraceSeconds: 4,
  }),
});

beforeAll(async () => {
  // The operator has met this host before: its key is in their known_hosts.
  await mkdir(join(suite.cli.home, '.ssh'), { recursive: true });
  await writeFile(join(suite.cli.home, '.ssh', 'known_hosts'), ssh.knownHostsText());
  await writeFile(join(suite.cli.home, '.ssh', 'config'), '');
});

const lifeboat = (args: readonly string[], env: Record<string, string> = {}) => runLifeboat(suite.cli, args, { env: { ...suite.cli.env, DOCKER_HOST: '', ...env } });

describe('btcpay over SSH', () => {
  let archive: string;

  it('backs up and restores a wrecked stack over one SSH connection', async () => {
    const before = await suite.stack.state();
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', suite.cli.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    expect(output(run)).toContain(`Supervisor on ${ssh.host}`);
    await suite.stack.wreck();
    const restored = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', suite.cli.passFile, '--yes']);
    expect(restored.code, output(restored)).toBe(0);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    expect((await suite.stack.state()).databases).toEqual(before.databases);
  });

  it('cut connection while the stack is stopped: Lifeboat fails, the supervisor on the host starts the stack again', async () => {
    const job = startLifeboat(suite.cli, ['backup', 'btcpay', '--passphrase-file', suite.cli.passFile], { LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:8000' });
    await until('btcpayserver is stopped', async () => !(await suite.stack.running()).includes(`${PROJECT}_btcpayserver_1`));
    // The passphrase stays on this side: no process on the host has it in its command line.
    const cmdlines = await Promise.all((await readdir('/proc')).filter((p) => /^\d+$/.test(p)).map((p) => readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '')));
    expect(cmdlines.join('\n')).not.toContain(PASSPHRASE);
    expect(ssh.killTargetSessions()).toBeGreaterThan(0);
    await until('the supervisor has started the stack again', async () => (await suite.stack.running()).length === suite.stack.containers.length, 60_000);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    const { code, out } = await job.done;
    expect(code, out).not.toBe(0);
    expect(listedArchives(await lifeboat(['archives', '--json']))).toEqual([archive]);
  });
});
