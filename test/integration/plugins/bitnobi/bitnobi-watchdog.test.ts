// The bitnobi plugin when Lifeboat goes away while Bitnobi is halted, and over SSH. On the
// private test engine with stand-in Bitnobi containers (test/env/docker/bitnobi-image.ts) and
// the test rig's real sshd: Lifeboat killed outright (a crash, a laptop closed) leaves Bitnobi
// halted only until the watchdog in the container gives up on it; the watchdog lets
// bitnobiBackup.sh finish first and the next backup reports what it did; a second Lifeboat
// is refused while one has Bitnobi halted; over SSH a backup and restore work, and cutting the
// connection mid-backup still ends with Bitnobi answering.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { answers, bitnobiShell, dataDigest } from '../../../env/docker/bitnobi-image.js';
import { startSshRig, type SshRig } from '../../../env/sshd.mjs';
import { archivePathOf, listedArchives, output, runLifeboat } from '../lifeboat-cli.js';
import { type BitnobiCase, bitnobiCase, setUpBitnobiSuite, until } from './bitnobi-cli.js';

const PREFIX = 'lbt-bitnobi-watch-';
const suite = setUpBitnobiSuite(PREFIX);
/** The smallest the option allows, so the tests see the watchdog act soon. */
const GRACE = 3;

const newCase = (id: string, options: Record<string, unknown> = {}): Promise<BitnobiCase> =>
  bitnobiCase(suite.rig.docker, suite.rig.socketPath, join(suite.tmp, id), `${PREFIX}${id}`, suite.images.v1, { supervisorGraceSeconds: GRACE, ...options });
const pass = (c: BitnobiCase): string[] => ['--passphrase-file', c.passFile];
const listed = async (c: BitnobiCase) => listedArchives(await c.run(['archives', '--json']));
const folders = async (c: BitnobiCase) => (await bitnobiShell(suite.rig.docker, c.name, 'ls -1 backup')).split('\n').filter((f) => f.startsWith('backup-'));
/** bitnobiBackup.sh dawdles this many seconds before it copies. */
const slowBackup = (c: BitnobiCase, seconds: number) => bitnobiShell(suite.rig.docker, c.name, `echo ${seconds} > SLOW_BACKUP`);
/** Bitnobi is halted and its backup script runs (it refuses to run otherwise). */
const halted = (c: BitnobiCase) => until('Bitnobi is halted and bitnobiBackup.sh runs', async () => (await bitnobiShell(suite.rig.docker, c.name, 'ps -o args')).includes('bitnobiBackup.sh'));

describe('bitnobi: Lifeboat gone while Bitnobi is halted', () => {
  it('Lifeboat killed (SIGKILL) mid-backup: the watchdog lets bitnobiBackup.sh finish, starts Bitnobi, and the next backup says so', async () => {
    const c = await newCase('killed');
    await slowBackup(c, 4);
    const job = c.start(['backup', 'bitnobi', ...pass(c)]);
    await halted(c);
    job.child.kill('SIGKILL');
    await job.done;
    await until('the watchdog has started Bitnobi again', () => answers(suite.rig.docker, c.name), 60_000);

    // The script was left to end well: its folder is a complete copy of the data, kept.
    const made = await folders(c);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/^backup-\d{8}_\d{4}$/);
    expect(await bitnobiShell(suite.rig.docker, c.name, `cat backup/${made[0]}/VERSION`)).toBe(await bitnobiShell(suite.rig.docker, c.name, 'cat VERSION'));
    expect(await listed(c)).toEqual([]);

    // The operator moves that folder away; one of the same minute would make the next backup
    // wait for the next minute.
    await bitnobiShell(suite.rig.docker, c.name, `rm -f SLOW_BACKUP && rm -rf backup/${made[0]}`);
    const next = await c.run(['backup', 'bitnobi', ...pass(c)]);
    expect(next.code, output(next)).toBe(0);
    expect(output(next)).toContain('lost touch with this Bitnobi while it was halted');
    expect(output(next)).toContain(`no word from Lifeboat for ${GRACE} s`);
    expect(output(next)).toContain(`backup/${made[0]} is complete`);
    expect(output(next)).toMatch(/Bitnobi answers on port 8000/);
    expect(await listed(c)).toHaveLength(1);
    // Reported once: the report is gone after it was shown.
    await bitnobiShell(suite.rig.docker, c.name, 'rm -rf backup/backup-*');
    const third = await c.run(['backup', 'bitnobi', ...pass(c)]);
    expect(third.code, output(third)).toBe(0);
    expect(output(third)).not.toContain('lost touch');
  });

  it('a failed bitnobiBackup.sh under a dead Lifeboat: its folder is marked unfinished', async () => {
    const c = await newCase('killedfail');
    await slowBackup(c, 3);
    await bitnobiShell(suite.rig.docker, c.name, 'touch FAIL_BACKUP');
    const job = c.start(['backup', 'bitnobi', ...pass(c)]);
    await halted(c);
    job.child.kill('SIGKILL');
    await job.done;
    await until('the watchdog has started Bitnobi again', () => answers(suite.rig.docker, c.name), 60_000);
    const left = (await bitnobiShell(suite.rig.docker, c.name, 'ls -1 backup')).split('\n').filter((f) => f !== '');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^backup-\d{8}_\d{4}\.unfinished$/);
  });

  it('a second Lifeboat while one has Bitnobi halted: refused, nothing changed; the first backup ends well', async () => {
    const c = await newCase('second');
    await slowBackup(c, 6);
    const first = c.start(['backup', 'bitnobi', ...pass(c)]);
    await halted(c);

    // Another operator's Lifeboat (its own home and store) with a target for the same container.
    const other = join(suite.tmp, 'second-other');
    const home = { home: join(other, 'home'), dataHome: join(other, 'data'), configHome: join(other, 'config'), store: join(other, 'store') };
    for (const d of [home.home, home.dataHome, join(home.configHome, 'lifeboat'), home.store]) await mkdir(d, { recursive: true });
    await writeFile(join(home.configHome, 'lifeboat', 'config.yaml'), stringify({ targets: { bitnobi: { plugin: 'bitnobi', options: { container: c.name } } } }));
    const refused = await runLifeboat(home, ['backup', 'bitnobi', ...pass(c)], { env: c.env });
    expect(refused.code, output(refused)).not.toBe(0);
    expect(output(refused)).toContain('Another Lifeboat job has halted this Bitnobi');
    expect(output(refused)).toContain(`this Bitnobi (${c.name})`);
    expect(output(refused)).toContain('Try again in a minute');

    const { code, out } = await first.done;
    expect(code, out).toBe(0);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
    expect(await listed(c)).toHaveLength(1);
  });
});

describe('bitnobi over SSH', () => {
  let ssh: SshRig;
  let c: BitnobiCase;
  /** The Docker engine only through the SSH connection: no DOCKER_HOST here. */
  const overSsh = (args: readonly string[]) => runLifeboat(c, args, { env: { DOCKER_HOST: '' } });

  beforeAll(async () => {
    ssh = await startSshRig();
    // Before the first login: a session gets the user's groups as they are when it logs in.
    suite.rig.allowUser(ssh.user);
    c = await newCase('ssh', { ssh: { host: ssh.host, port: ssh.port, user: ssh.user, identityFile: ssh.userKeyPath, useAgent: false }, dockerSocket: suite.rig.socketPath });
    // The operator has met this host before: its key is in their known_hosts.
    await mkdir(join(c.home, '.ssh'), { recursive: true });
    await writeFile(join(c.home, '.ssh', 'known_hosts'), ssh.knownHostsText());
  });

  afterAll(async () => {
    await ssh?.stop();
  });

  it('backs up, and restores changed data, over one SSH connection', async () => {
    await bitnobiShell(suite.rig.docker, c.name, "./bin/bitnobi-ctl add 'before the backup'");
    const atBackup = await dataDigest(suite.rig.docker, c.name);
    const run = await overSsh(['backup', 'bitnobi', ...pass(c), '--json']);
    expect(run.code, output(run)).toBe(0);
    const archive = archivePathOf(run);
    await bitnobiShell(suite.rig.docker, c.name, "./bin/bitnobi-ctl add 'after the backup'");
    expect(await dataDigest(suite.rig.docker, c.name)).not.toEqual(atBackup);

    const restored = await overSsh(['restore', archive, '--target', 'bitnobi', ...pass(c), '--yes']);
    expect(restored.code, output(restored)).toBe(0);
    expect(await dataDigest(suite.rig.docker, c.name)).toEqual(atBackup);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
  });

  it('the SSH connection cut while Bitnobi is halted: the job fails, Bitnobi answers again, no archive added', async () => {
    const before = await listed(c);
    await bitnobiShell(suite.rig.docker, c.name, 'rm -rf backup/backup-*');
    await slowBackup(c, 4);
    const job = c.start(['backup', 'bitnobi', ...pass(c)]);
    await halted(c);
    expect(ssh.killTargetSessions()).toBeGreaterThan(0);
    const { code, out } = await job.done;
    expect(code, out).not.toBe(0);
    // It says what happened and who puts Bitnobi back, not a stray error of a later step.
    expect(out).toMatch(/lifeboat: Lost touch with the Docker engine while Bitnobi was halted: .*The SSH connection to 127\.0\.0\.1 was lost/);
    expect(out).toContain(`The watchdog Lifeboat left in the container starts Bitnobi again ${GRACE} s after the last word from Lifeboat`);
    expect(out).not.toContain('Is Docker running there');
    await until('Bitnobi answers again', () => answers(suite.rig.docker, c.name), 60_000);
    expect(await listed(c)).toEqual(before);
  });
});
