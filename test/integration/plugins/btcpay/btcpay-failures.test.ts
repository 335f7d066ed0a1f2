// What the btcpay plugin promises when things go wrong, on a stand-in BTCPay Server on the
// private test Docker engine, through the real `lifeboat` command: whatever fails or is
// canceled while the stack is stopped, the containers that were running run again and no
// archive is listed; a restore that fails midway puts the previous data back; the
// passphrase never appears in a process's command line.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { archivePathOf, listedArchives, output, parseJson, runLifeboat } from '../lifeboat-cli.js';
import { PASSPHRASE, setUpBtcpaySuite, startLifeboat, until } from './btcpay-cli.js';

const PROJECT = 'lbfail';

const suite = setUpBtcpaySuite({ project: PROJECT, tmpPrefix: 'lbt-btcpay-fail-', target: () => ({ project: PROJECT, supervisorGraceSeconds: 5 }) });

const lifeboat = (args: readonly string[], env: Record<string, string> = {}) => runLifeboat(suite.cli, args, { env: { ...suite.cli.env, ...env } });

/** What Lifeboat leaves on the engine between jobs: nothing of its own. */
async function leftovers(): Promise<string[]> {
  // This stack's only: another run on the engine may be working on its own.
  const filters = { label: [`lifeboat.btcpay.project=${PROJECT}`] };
  const containers = (await suite.rig.docker.listContainers({ all: true, filters })).flatMap((c) => c.Names);
  const volumes = ((await suite.rig.docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith('lifeboat-staging-') || n.startsWith('lifeboat-restore-'));
  return [...containers, ...volumes];
}

async function listed(): Promise<string[]> {
  return listedArchives(await lifeboat(['archives', '--json']));
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
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', suite.cli.passFile], { LIFEBOAT_TEST_FAILPOINTS: 'backup.copied' });
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('Failed on purpose at backup.copied');
    expect(output(run)).toContain('BTCPay Server is running again (6 containers)');
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    expect(await listed()).toEqual([]);
    expect(await readdir(suite.cli.store)).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('a backup canceled (Ctrl-C) while the stack is stopped: exit 130, stack running; the passphrase was in no command line meanwhile', async () => {
    const job = startLifeboat(suite.cli, ['backup', 'btcpay', '--passphrase-file', suite.cli.passFile], { ...suite.cli.env, LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:30000' });
    await until('btcpayserver is stopped', async () => !(await suite.stack.running()).includes(`${PROJECT}_btcpayserver_1`));
    expect(await allCommandLines()).not.toContain(PASSPHRASE);
    job.child.kill('SIGINT');
    const { code, out } = await job.done;
    expect(code, out).toBe(130);
    expect(out).toContain('running again');
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    expect(await listed()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('a backup whose Lifeboat is killed outright: the supervisor on the host starts the stack again', async () => {
    const job = startLifeboat(suite.cli, ['backup', 'btcpay', '--passphrase-file', suite.cli.passFile], { ...suite.cli.env, LIFEBOAT_TEST_FAILPOINTS: 'backup.stopped=pause:60000' });
    await until('btcpayserver is stopped', async () => !(await suite.stack.running()).includes(`${PROJECT}_btcpayserver_1`));
    job.child.kill('SIGKILL');
    await job.done;
    await until('the supervisor has started the stack again', async () => (await suite.stack.running()).length === suite.stack.containers.length, 60_000);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    // The supervisor moves its folder to .recovered once its recovery script has finished.
    const recoveryLog = async (): Promise<string> => {
      const recovered = (await readdir('/var/tmp')).filter((d) => d.startsWith(`lifeboat-btcpay-${PROJECT}-`) && d.endsWith('.recovered'));
      return (await Promise.all(recovered.map((d) => readFile(join('/var/tmp', d, 'recovery.log'), 'utf8').catch(() => '')))).join('\n');
    };
    await until('the supervisor has written its report', async () => (await recoveryLog()).includes('recovery finished'), 30_000);
    expect(await recoveryLog()).toContain(`started ${PROJECT}_btcpayserver_1`);
    await until('the helper is gone', async () => (await leftovers()).length === 0, 30_000);
  });
});

describe('btcpay: a restore that fails midway puts the previous data back', () => {
  let archive: string;

  beforeAll(async () => {
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', suite.cli.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
  });

  it('fails after the volumes were swapped: the wrecked data is back as it was, the stack running', async () => {
    await suite.stack.wreck();
    const wrecked = await suite.stack.state();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', suite.cli.passFile, '--yes'], { LIFEBOAT_TEST_FAILPOINTS: 'restore.swapped' });
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('The data it had before was put back');
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    expect(await suite.stack.state()).toEqual(wrecked);
    expect(await leftovers()).toEqual([]);
  });

  it('a dump with an SQL error stops the load (ON_ERROR_STOP), and the previous data is put back', async () => {
    const before = await suite.stack.state();
    // A btcpay-backup.sh-style archive whose dump breaks halfway.
    const dir = join(suite.tmp, 'broken');
    const sql = 'SET client_encoding = \'UTF8\';\nCREATE DATABASE broken;\nCREATE TABLE oops (;\n--\n-- PostgreSQL database cluster dump complete\n--\n';
    execFileSync('mkdir', ['-p', join(dir, `volumes/${PROJECT}_btcpay_datadir/_data/Main`)]);
    await writeFile(join(dir, 'postgres.sql.gz'), gzipSync(sql));
    await writeFile(join(dir, `volumes/${PROJECT}_btcpay_datadir/_data/Main/settings.config`), 'network=mainnet\n');
    execFileSync('tar', ['-czf', join(suite.tmp, 'backup.tar.gz'), '-C', dir, 'postgres.sql.gz', 'volumes']);
    const imported = await lifeboat(['import', join(suite.tmp, 'backup.tar.gz'), '--passphrase-file', suite.cli.passFile, '--json']);
    expect(imported.code, output(imported)).toBe(0);
    const broken = (parseJson(imported) as { path: string }).path;

    const run = await lifeboat(['restore', broken, '--target', 'btcpay', '--passphrase-file', suite.cli.passFile, '--yes']);
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('Loading postgres.sql.gz');
    expect(output(run)).toMatch(/syntax error/);
    expect(output(run)).toContain('The data it had before was put back');
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    expect(await suite.stack.state()).toEqual(before);
  });
});
