// What the btcpay plugin promises when things go wrong, on a stand-in BTCPay Server on the
// private test Docker engine, through the real `lifeboat` command: whatever fails or is
// canceled while the stack is stopped, the containers that were running run again and no
// archive is listed; a restore that fails midway puts the previous data back; the
// passphrase never appears in a process's command line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BtcpayStack, createBtcpayStack } from '../../../env/docker/btcpay-stack.js';
import { type DockerRig, startDockerRig } from '../../../env/dockerd.js';
import { PROJECT_DIR, archivePathOf, listedArchives, output, parseJson, runLifeboat } from '../lifeboat-cli.js';
import { type BtcpayCliHome, PASSPHRASE, btcpayCliHome } from './btcpay-cli.js';

const PROJECT = 'lbfail';
const BIN = join(PROJECT_DIR, 'bin', 'lifeboat.js');

let rig: DockerRig;
let stack: BtcpayStack;
let tmp: string;
let cli: BtcpayCliHome;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  rig = await startDockerRig();
  stack = await createBtcpayStack(rig.docker, { project: PROJECT });
  tmp = await mkdtemp(join(tmpdir(), 'lbt-btcpay-fail-'));
  cli = await btcpayCliHome(join(tmp, 'cli'), rig.socketPath, { project: PROJECT, supervisorGraceSeconds: 5 });
});

afterAll(async () => {
  await stack?.remove();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const lifeboat = (args: readonly string[], env: Record<string, string> = {}) => runLifeboat(cli, args, { env: { ...cli.env, ...env } });

/** What Lifeboat leaves on the engine between jobs: nothing of its own. */
async function leftovers(): Promise<string[]> {
  const containers = (await rig.docker.listContainers({ all: true })).flatMap((c) => c.Names).filter((n) => n.includes('lifeboat-btcpay-helper'));
  const volumes = ((await rig.docker.listVolumes()).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith('lifeboat-staging-') || n.startsWith('lifeboat-restore-'));
  return [...containers, ...volumes];
}

async function listed(): Promise<string[]> {
  return listedArchives(await lifeboat(['archives', '--json']));
}

/** Starts `lifeboat` without waiting, for a cancel or a cut in the middle of its work. */
function startLifeboat(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cli.home, XDG_DATA_HOME: cli.dataHome, XDG_CONFIG_HOME: cli.configHome, LIFEBOAT_STORE: cli.store, NO_COLOR: '1', ...cli.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
  return { child, done, output: () => out };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every process's command line on this machine (the BTCPay host here), joined. */
async function allCommandLines(): Promise<string> {
  const lines: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    lines.push((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' '));
  }
  return lines.join('\n');
}

describe('btcpay: the stack comes back whatever happens', () => {
  it('a backup that fails after the stack was stopped: exit non-zero, stack running, no archive, nothing left behind', async () => {
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', cli.passFile], { LIFEBOAT_TEST_FAILPOINTS: 'backup.copied' });
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('Failed on purpose at backup.copied');
    expect(output(run)).toContain('BTCPay Server is running again (6 containers)');
    expect(await stack.running()).toEqual(stack.containers);
    expect(await listed()).toEqual([]);
    expect(await readdir(cli.store)).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('a backup canceled (Ctrl-C) while the stack is stopped: exit 130, stack running; the passphrase was in no command line meanwhile', async () => {
    const job = startLifeboat(['backup', 'btcpay', '--passphrase-file', cli.passFile], { LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:30000' });
    await until('btcpayserver is stopped', async () => !(await stack.running()).includes(`${PROJECT}_btcpayserver_1`));
    expect(await allCommandLines()).not.toContain(PASSPHRASE);
    job.child.kill('SIGINT');
    const { code, out } = await job.done;
    expect(code, out).toBe(130);
    expect(out).toContain('running again');
    expect(await stack.running()).toEqual(stack.containers);
    expect(await listed()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('a backup whose Lifeboat is killed outright: the supervisor on the host starts the stack again', async () => {
    const job = startLifeboat(['backup', 'btcpay', '--passphrase-file', cli.passFile], { LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:60000' });
    await until('btcpayserver is stopped', async () => !(await stack.running()).includes(`${PROJECT}_btcpayserver_1`));
    job.child.kill('SIGKILL');
    await job.done;
    await until('the supervisor has started the stack again', async () => (await stack.running()).length === stack.containers.length, 60_000);
    expect(await stack.running()).toEqual(stack.containers);
    const recovered = (await readdir('/var/tmp')).filter((d) => d.startsWith('lifeboat-btcpay-') && d.endsWith('.recovered'));
    const logs = await Promise.all(recovered.map((d) => readFile(join('/var/tmp', d, 'recovery.log'), 'utf8').catch(() => '')));
    expect(logs.join('\n')).toContain(`started ${PROJECT}_btcpayserver_1`);
    await until('the helper is gone', async () => (await leftovers()).length === 0, 30_000);
  });
});

describe('btcpay: a restore that fails midway puts the previous data back', () => {
  let archive: string;

  beforeAll(async () => {
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', cli.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
  });

  it('fails after the volumes were swapped: the wrecked data is back as it was, the stack running', async () => {
    await stack.wreck();
    const wrecked = await stack.state();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--yes'], { LIFEBOAT_TEST_FAILPOINTS: 'restore.swapped' });
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('The data it had before was put back');
    expect(await stack.running()).toEqual(stack.containers);
    expect(await stack.state()).toEqual(wrecked);
    expect(await leftovers()).toEqual([]);
  });

  it('a dump with an SQL error stops the load (ON_ERROR_STOP), and the previous data is put back', async () => {
    const before = await stack.state();
    // A btcpay-backup.sh-style archive whose dump breaks halfway.
    const dir = join(tmp, 'broken');
    const sql = 'SET client_encoding = \'UTF8\';\nCREATE DATABASE broken;\nCREATE TABLE oops (;\n--\n-- PostgreSQL database cluster dump complete\n--\n';
    execFileSync('mkdir', ['-p', join(dir, `volumes/${PROJECT}_btcpay_datadir/_data/Main`)]);
    await writeFile(join(dir, 'postgres.sql.gz'), gzipSync(sql));
    await writeFile(join(dir, `volumes/${PROJECT}_btcpay_datadir/_data/Main/settings.config`), 'network=mainnet\n');
    execFileSync('tar', ['-czf', join(tmp, 'backup.tar.gz'), '-C', dir, 'postgres.sql.gz', 'volumes']);
    const imported = await lifeboat(['import', join(tmp, 'backup.tar.gz'), '--passphrase-file', cli.passFile, '--json']);
    expect(imported.code, output(imported)).toBe(0);
    const broken = (parseJson(imported) as { path: string }).path;

    const run = await lifeboat(['restore', broken, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--yes']);
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('Loading postgres.sql.gz');
    expect(output(run)).toMatch(/syntax error/);
    expect(output(run)).toContain('The data it had before was put back');
    expect(await stack.running()).toEqual(stack.containers);
    expect(await stack.state()).toEqual(before);
    void spawnSync;
  });
});
