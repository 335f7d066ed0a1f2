/**
 * The juju-state plugin restores a stand-in controller onto a new host over real SSH: refused
 * while the old one answers; a dry run changes nothing; with machine-0 down, the new host gets
 * root.tar's files and the database, and machines 1 and 2 are re-pointed and restarted; a
 * machine that cannot be reached is reported, with a non-zero exit, the other still done.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JujuMachine } from '../../../env/docker/juju-controller.js';
import { archivePathOf, output } from '../lifeboat-cli.js';
import { setUpJujuSuite, type JujuSuite } from './juju-state-cli.js';

let suite: JujuSuite;
let archive: string;
let dbBefore: Record<string, string>;
/** root.tar's regular files: path → sha256. */
const rootFiles: Record<string, string> = {};

beforeAll(async () => {
  suite = await setUpJujuSuite('lbt-jujur');
  await suite.targets({ ctl: { machine: suite.env.controller } });
  const run = await suite.lifeboat(['backup', 'ctl', '--json', ...pass()]);
  expect(run.code, output(run)).toBe(0);
  archive = archivePathOf(run);
  dbBefore = await suite.env.dbState(suite.env.controller);
  const out = join(suite.root, 'x');
  const x = await suite.lifeboat(['extract', archive, 'juju-backup/root.tar', '--to', out, ...pass()]);
  expect(x.code, output(x)).toBe(0);
  const tar = join(out, 'juju-backup', 'root.tar');
  const listing = execFileSync('tar', ['-tvf', tar], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('-'));
  for (const line of listing) {
    const name = line.split(/\s+/).slice(5).join(' ');
    rootFiles[name] = createHash('sha256').update(execFileSync('tar', ['-xOf', tar, name])).digest('hex');
  }
});

afterAll(async () => {
  await suite?.close();
});

const pass = (): string[] => ['--passphrase-file', suite.cli.passFile];
const sh = (m: JujuMachine, script: string): Promise<string> => m.exec(['sh', '-c', script]);
const agentConf = async (m: JujuMachine, n: number): Promise<Record<string, unknown>> =>
  parse((await m.readFile(`/var/lib/juju/agents/machine-${n}/agent.conf`)).toString('utf8')) as Record<string, unknown>;

describe('juju-state restore', () => {
  let fresh: JujuMachine;

  it('refuses while the old controller answers, changing nothing on the new host', async () => {
    fresh = await suite.env.newController();
    await suite.targets({ ctl: { machine: suite.env.controller }, fresh: { machine: fresh } });
    const run = await suite.lifeboat(['restore', archive, '--target', 'fresh', '--yes', ...pass()]);
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain(`The old controller ${suite.env.controller.address}`);
    expect(output(run)).toMatch(/still answers on port/);
    expect(await sh(fresh, 'ls /var/lib/juju 2>/dev/null; ls /var/tmp; true')).toBe('');
    // Machines still point at the old controller.
    expect((await agentConf(suite.env.machines[0]!, 1)).apiaddresses).toEqual([`${suite.env.controller.address}:17070`]);
  });

  it('--dry-run prints every step and machine and changes nothing', async () => {
    const run = await suite.lifeboat(['restore', archive, '--target', 'fresh', '--dry-run', ...pass()]);
    expect(run.code, output(run)).toBe(0);
    const text = output(run);
    for (const m of suite.env.machines) expect(text).toContain(`Machine ${m.machineId}: SSH to ${m.address}`);
    expect(text).toContain('mongorestore --drop');
    expect(text).toContain(`${fresh.address}:37017`);
    expect(text).toMatch(/answers now on port/);
    expect(await sh(fresh, 'ls /var/lib/juju 2>/dev/null; ls /var/tmp; true')).toBe('');
  });

  it('with machine-0 down: files, database and replica set on the new host; machines 1 and 2 re-pointed and restarted', async () => {
    await suite.env.controller.stop();
    const run = await suite.lifeboat(['restore', archive, '--target', 'fresh', '--yes', ...pass()]);
    expect(run.code, output(run)).toBe(0);
    // root.tar's files, byte for byte (agent.conf was re-pointed, the heartbeat is the new agent's).
    for (const [path, sha] of Object.entries(rootFiles)) {
      if (path.endsWith('/agent.conf') || path.endsWith('standin-heartbeat')) continue;
      expect(createHash('sha256').update(await fresh.readFile(`/${path}`)).digest('hex'), path).toBe(sha);
    }
    expect(await sh(fresh, 'stat -c "%a %U" /var/lib/juju/agents/machine-0/agent.conf /var/lib/juju/server.pem /home/ubuntu/.ssh/authorized_keys')).toBe('600 root\n600 root\n600 ubuntu\n');
    // The database: what the dump held (admin, backups and logs are left out, as Juju does).
    const expected = Object.fromEntries(Object.entries(dbBefore).filter(([k]) => !/^(admin|backups|logs)\//.test(k)));
    expect(Object.keys(expected)).toContain('juju/machines.bson');
    expect(await suite.env.dbState(fresh)).toEqual(expected);
    expect(await sh(fresh, 'cat /var/lib/juju/db-standin/replset.json')).toContain(`"host":"${fresh.address}:37017"`);
    const own = await agentConf(fresh, 0);
    expect(own.apiaddresses).toEqual([`${fresh.address}:17070`]);
    expect(own.stateaddresses).toEqual([`${fresh.address}:37017`]);
    expect(own.statepassword).toBe(suite.env.statePassword);
    expect(await sh(fresh, 'systemctl is-active jujud-machine-0 juju-db')).toBe('active\nactive\n');
    for (const m of suite.env.machines) {
      const conf = await agentConf(m, m.machineId);
      expect(conf.apiaddresses).toEqual([`${fresh.address}:17070`]);
      expect(await sh(m, `ls /var/lib/juju/agents/machine-${m.machineId}/`)).toMatch(/agent\.conf\.lifeboat-\d{8}-\d{6}/);
      // The restarted agent read the new address.
      expect(await sh(m, `cat /var/log/juju/machine-${m.machineId}.log`)).toContain(`started; apiaddresses: [${fresh.address}:17070]`);
      expect(output(run)).toContain(`Machine ${m.machineId} (${m.address}): ok`);
    }
    expect(await sh(fresh, 'ls /var/tmp')).not.toContain('lifeboat-juju');
  });

  it('a machine that cannot be reached is reported, the exit is non-zero, and the other one is still re-pointed', async () => {
    const second = await suite.env.newController();
    await suite.targets({ again: { machine: second } });
    const [one, two] = suite.env.machines as [JujuMachine, JujuMachine];
    await two.stop();
    try {
      const run = await suite.lifeboat(['restore', archive, '--target', 'again', '--yes', ...pass()]);
      expect(run.code, output(run)).not.toBe(0);
      expect(output(run)).toMatch(new RegExp(`machine 2 \\(${two.address.replaceAll('.', '\\.')}\\): unreachable`));
      expect(output(run)).toContain('1 of 2 machines were not re-pointed');
      expect((await agentConf(one, 1)).apiaddresses).toEqual([`${second.address}:17070`]);
      expect(await sh(second, 'systemctl is-active jujud-machine-0')).toBe('active\n');
    } finally {
      await two.start();
    }
    // Machine 2 was left as it was: still pointing at the first restore's controller.
    expect((await agentConf(two, 2)).apiaddresses).toEqual([`${fresh.address}:17070`]);
  });

  it('a failure on the new host leaves the machines untouched, and a retry onto the same host works', async () => {
    const host = await suite.env.newController();
    const [one] = suite.env.machines as [JujuMachine];
    const before = (await one.readFile('/var/lib/juju/agents/machine-1/agent.conf')).toString('utf8');
    await suite.targets({ retry: { machine: host, options: { mongorestore: '/bin/false' } } });
    const failed = await suite.lifeboat(['restore', archive, '--target', 'retry', '--yes', ...pass()]);
    expect(failed.code, output(failed)).not.toBe(0);
    expect(output(failed)).toContain('may be partly restored; the other machines were not touched');
    expect((await one.readFile('/var/lib/juju/agents/machine-1/agent.conf')).toString('utf8')).toBe(before);
    expect(await sh(host, 'ls /var/tmp 2>/dev/null; true')).not.toContain('lifeboat-juju');
    await suite.targets({ retry: { machine: host } });
    const again = await suite.lifeboat(['restore', archive, '--target', 'retry', '--yes', ...pass()]);
    expect(again.code, output(again)).toBe(0);
    expect((await agentConf(one, 1)).apiaddresses).toEqual([`${host.address}:17070`]);
  });

  it('refuses a host that is not fresh (machine 1, at work), changing nothing there', async () => {
    const [one] = suite.env.machines as [JujuMachine];
    await suite.targets({ busy: { machine: one } });
    const before = (await one.readFile('/var/lib/juju/agents/machine-1/agent.conf')).toString('utf8');
    const plan = await suite.lifeboat(['restore', archive, '--target', 'busy', '--dry-run', ...pass()]);
    expect(plan.code, output(plan)).toBe(0);
    expect(output(plan)).toContain('is not a fresh host: it holds the agent machine-1');
    const run = await suite.lifeboat(['restore', archive, '--target', 'busy', '--yes', ...pass()]);
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('is not a fresh host: it holds the agent machine-1');
    expect((await one.readFile('/var/lib/juju/agents/machine-1/agent.conf')).toString('utf8')).toBe(before);
    expect(await sh(one, 'ls /var/lib/juju/agents; ls /var/tmp 2>/dev/null; true')).toBe('machine-1\n');
  });

  it('restores a juju-backup-*.tar.gz as Juju writes it (extract --tar, then import), from the facts inside it', async () => {
    const file = join(suite.root, 'juju-backup-20261122-031500.tar.gz');
    const x = await suite.lifeboat(['extract', archive, '--tar', file, ...pass()]);
    expect(x.code, output(x)).toBe(0);
    const imp = await suite.lifeboat(['import', file, '--json']);
    expect(imp.code, output(imp)).toBe(0);
    const imported = (JSON.parse(imp.stdout) as { path: string; plugin: string }).path;
    expect(JSON.parse(imp.stdout)).toMatchObject({ plugin: 'juju-state', origin: 'juju backup' });
    const third = await suite.env.newController();
    await suite.targets({ third: { machine: third } });
    const run = await suite.lifeboat(['restore', imported, '--target', 'third', '--yes']);
    expect(run.code, output(run)).toBe(0);
    const expected = Object.fromEntries(Object.entries(dbBefore).filter(([k]) => !/^(admin|backups|logs)\//.test(k)));
    expect(await suite.env.dbState(third)).toEqual(expected);
    for (const m of suite.env.machines) expect((await agentConf(m, m.machineId)).apiaddresses).toEqual([`${third.address}:17070`]);
  });
});
