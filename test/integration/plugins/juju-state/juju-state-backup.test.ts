/**
 * The juju-state plugin backs up a stand-in Juju 2.9 controller over real SSH: Juju's
 * layout in the archive (root.tar, the dump without admin/ and backups/, metadata.json), our
 * manifest's SHA-256s, the password on no command line on the controller, an empty dump
 * refused, no staging left behind, and `extract --tar` giving Juju's own file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../../src-main/shared/models/manifest.js';
import { archivePathOf, listedArchives, output, parseJson } from '../lifeboat-cli.js';
import { cmdlines, setUpJujuSuite, startLifeboat, type JujuSuite } from './juju-state-cli.js';

let suite: JujuSuite;
let archive: string;

beforeAll(async () => {
  suite = await setUpJujuSuite('lbt-jujub');
  await suite.targets({ ctl: { machine: suite.env.controller } });
  // A mongodump that takes its time, so a job is caught while it runs.
  await suite.env.controller.exec(['sh', '-c', 'printf "#!/bin/sh\\nsleep 3\\nexec /usr/lib/juju/bin/mongodump \\"\\$@\\"\\n" > /usr/local/bin/slow-mongodump && chmod 755 /usr/local/bin/slow-mongodump']);
});

afterAll(async () => {
  await suite?.close();
});

const pass = (): string[] => ['--passphrase-file', suite.cli.passFile];

async function manifestOf(path: string): Promise<Manifest> {
  const run = await suite.lifeboat(['ls', path, '--json', ...pass()]);
  expect(run.code, output(run)).toBe(0);
  return parseJson(run) as Manifest;
}

describe('juju-state backup', () => {
  it("writes Juju's layout: root.tar, the dump with oplog.bson and juju/ but no admin/ or backups/, metadata.json", async () => {
    const run = await suite.lifeboat(['backup', 'ctl', '--json', ...pass()]);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    const manifest = await manifestOf(archive);
    const paths = manifest.entries.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['juju-backup/root.tar', 'juju-backup/metadata.json', 'juju-backup/dump/oplog.bson', 'juju-backup/dump/juju/machines.bson', 'juju-backup/dump/juju/machines.metadata.json']));
    expect(paths.filter((p) => /^juju-backup\/dump\/(admin|backups)(\/|$)/.test(p))).toEqual([]);
    expect(paths.every((p) => p === 'juju-backup' || p.startsWith('juju-backup/'))).toBe(true);

    const out = join(suite.root, 'x1');
    const x = await suite.lifeboat(['extract', archive, '--to', out, ...pass()]);
    expect(x.code, output(x)).toBe(0);
    // Our manifest's SHA-256 of each file is the file's.
    for (const e of manifest.entries.filter((m) => m.type === 'file')) {
      expect(createHash('sha256').update(await readFile(join(out, e.path))).digest('hex'), e.path).toBe(e.sha256);
    }
    const meta = JSON.parse(await readFile(join(out, 'juju-backup', 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({
      FormatVersion: 1,
      ModelUUID: suite.env.modelUuid,
      ControllerUUID: suite.env.controllerUuid,
      Series: 'focal',
      HANodes: 1,
      ControllerMachineID: '0',
      Version: suite.env.version,
    });
    for (const k of ['Started', 'Finished', 'Hostname', 'ControllerMachineInstanceID']) expect(meta).toHaveProperty(k);

    const names = execFileSync('tar', ['-tf', join(out, 'juju-backup', 'root.tar')], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(names).toEqual(expect.arrayContaining([
      'var/lib/juju/agents/machine-0/agent.conf',
      `var/lib/juju/tools/${suite.env.version}-focal-amd64/jujud`,
      'var/lib/juju/tools/machine-0',
      'var/lib/juju/server.pem',
      'var/lib/juju/system-identity',
      'var/lib/juju/shared-secret',
      'var/lib/juju/nonce.txt',
      'var/lib/juju/init/jujud-machine-0/exec-start.sh',
      'home/ubuntu/.ssh/authorized_keys',
    ]));
    // Regular files and symlinks only: no folder entries.
    expect(names.filter((n) => n.endsWith('/'))).toEqual([]);
    const verbose = execFileSync('tar', ['-tvf', join(out, 'juju-backup', 'root.tar'), 'var/lib/juju/agents/machine-0/agent.conf'], { encoding: 'utf8' });
    expect(verbose).toMatch(/^-rw------- root\/root /);

    expect(manifest.metadata.juju).toMatchObject({ tag: 'machine-0', version: suite.env.version, modelUuid: suite.env.modelUuid, haMembers: [] });
    expect((manifest.metadata.juju as { machines: Array<{ id: string }> }).machines.map((m) => m.id)).toEqual(['0', '1', '2']);
    // Nothing staged is left on the controller.
    expect(await suite.env.controller.exec(['sh', '-c', 'ls /var/tmp'])).not.toContain('lifeboat-juju');
  });

  it('never puts the database password on a command line on the controller, even while mongodump runs', async () => {
    const c = suite.env.controller;
    await suite.targets({ ctl: { machine: c, options: { mongodump: '/usr/local/bin/slow-mongodump' } } });
    const job = suite.lifeboat(['backup', 'ctl', '--json', ...pass()]);
    let finished = false;
    void job.then(() => (finished = true));
    const seen: string[] = [];
    let sawMongodump = false;
    while (!finished) {
      const lines = await cmdlines(c);
      seen.push(lines);
      if (lines.includes('slow-mongodump')) sawMongodump = true;
    }
    const run = await job;
    await suite.targets({ ctl: { machine: c } });
    expect(run.code, output(run)).toBe(0);
    expect(sawMongodump).toBe(true);
    expect(seen.join('\n')).not.toContain(suite.env.statePassword);
    expect(await c.exec(['cat', '/var/log/juju/standin-tools.log'])).not.toContain(suite.env.statePassword);
    expect(output(run)).not.toContain(suite.env.statePassword);
    expect(await c.exec(['sh', '-c', 'ls /var/tmp'])).not.toContain('lifeboat-juju');
  });

  it('fails on an empty dump, keeping no archive and nothing on the controller', async () => {
    const c = suite.env.controller;
    const before = listedArchives(await suite.lifeboat(['archives', '--json']));
    await c.exec(['touch', '/var/lib/juju/db-standin/EMPTY_DUMP']);
    try {
      const run = await suite.lifeboat(['backup', 'ctl', ...pass()]);
      expect(run.code, output(run)).not.toBe(0);
      expect(output(run)).toContain('the dump is empty (mongodump succeeded but wrote nothing)');
    } finally {
      await c.exec(['rm', '-f', '/var/lib/juju/db-standin/EMPTY_DUMP']);
    }
    expect(listedArchives(await suite.lifeboat(['archives', '--json']))).toEqual(before);
    expect(await c.exec(['sh', '-c', 'ls /var/tmp'])).not.toContain('lifeboat-juju');
  });

  it('canceled (Ctrl-C) while mongodump runs: no archive, and nothing staged is left on the controller', async () => {
    const c = suite.env.controller;
    const before = listedArchives(await suite.lifeboat(['archives', '--json']));
    await suite.targets({ ctl: { machine: c, options: { mongodump: '/usr/local/bin/slow-mongodump' } } });
    try {
      const job = startLifeboat(suite.cli, ['backup', 'ctl', ...pass()]);
      let running = false;
      for (let i = 0; i < 100 && !running; i++) running = (await cmdlines(c)).includes('slow-mongodump');
      expect(running).toBe(true);
      expect(await c.exec(['sh', '-c', 'ls /var/tmp'])).toContain('lifeboat-juju');
      job.child.kill('SIGINT');
      const { code, out } = await job.done;
      expect(code, out).toBe(130);
    } finally {
      await suite.targets({ ctl: { machine: c } });
    }
    expect(listedArchives(await suite.lifeboat(['archives', '--json']))).toEqual(before);
    // Long enough for a mongodump that outlived the cancel to write its dump again.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await c.exec(['sh', '-c', 'ls /var/tmp'])).not.toContain('lifeboat-juju');
    expect(await cmdlines(c)).not.toContain('mongodump');
  });

  it('an HA controller: the members are recorded, HANodes counts them, and a restore plan says only the first is checked', async () => {
    const c = suite.env.controller;
    const conf = '/var/lib/juju/agents/machine-0/agent.conf';
    const original = (await c.readFile(conf)).toString('utf8');
    const members = [`${c.address}:37017`, '192.0.2.21:37017', '192.0.2.22:37017'];
    await c.exec(['sh', '-c', `cp -p ${conf} /root/agent.conf.keep && sed -i 's|^- ${c.address}:37017$|${members.map((m) => `- ${m}`).join('\\n')}|' ${conf}`]);
    let path: string;
    try {
      const run = await suite.lifeboat(['backup', 'ctl', '--json', ...pass()]);
      expect(run.code, output(run)).toBe(0);
      expect(output(run)).toContain('This controller is HA');
      path = archivePathOf(run);
    } finally {
      await c.exec(['sh', '-c', `cp -p /root/agent.conf.keep ${conf}`]);
    }
    expect((await c.readFile(conf)).toString('utf8')).toBe(original);
    const manifest = await manifestOf(path);
    expect((manifest.metadata.juju as { haMembers: string[] }).haMembers).toEqual(members);
    const out = join(suite.root, 'ha');
    const x = await suite.lifeboat(['extract', path, 'juju-backup/metadata.json', '--to', out, ...pass()]);
    expect(x.code, output(x)).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'juju-backup', 'metadata.json'), 'utf8'))).toMatchObject({ HANodes: 3 });
    await suite.targets({ ctl: { machine: c }, elsewhere: { machine: c, options: { newAddress: '192.0.2.99' } } });
    const plan = await suite.lifeboat(['restore', path, '--target', 'elsewhere', '--dry-run', ...pass()]);
    expect(plan.code, output(plan)).toBe(0);
    expect(output(plan)).toContain(`Only the initial controller, ${c.address}, is checked`);
    await suite.targets({ ctl: { machine: c } });
  });

  it('probe: reachable over SSH, the agent running, its Juju version; a stopped agent is said so', async () => {
    const up = await suite.lifeboat(['probe', 'ctl', '--json']);
    expect(up.code, output(up)).toBe(0);
    expect(parseJson(up)).toMatchObject({ reachable: true, running: true, version: suite.env.version });
    await suite.env.controller.exec(['systemctl', 'stop', 'jujud-machine-0']);
    try {
      const down = await suite.lifeboat(['probe', 'ctl', '--json']);
      expect(parseJson(down)).toMatchObject({ reachable: true, running: false });
      expect((parseJson(down) as { detail: string }).detail).toContain('jujud-machine-0 is not active');
    } finally {
      await suite.env.controller.exec(['systemctl', 'start', 'jujud-machine-0']);
    }
  });

  it("extract --tar writes Juju's juju-backup-*.tar.gz: exactly the juju-backup/ layout, no lifeboat/", async () => {
    await mkdir(join(suite.root, 'juju-files'), { recursive: true });
    const file = join(suite.root, 'juju-files', 'juju-backup-20261122-031500.tar.gz');
    const run = await suite.lifeboat(['extract', archive, '--tar', file, ...pass()]);
    expect(run.code, output(run)).toBe(0);
    const listed = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).map((n) => n.replace(/\/$/, ''));
    const manifest = await manifestOf(archive);
    expect(listed).toEqual(manifest.entries.map((e) => e.path).filter((p) => !p.startsWith('lifeboat')));
    expect(listed).toEqual(expect.arrayContaining(['juju-backup/dump', 'juju-backup/dump/juju', 'juju-backup/root.tar', 'juju-backup/metadata.json', 'juju-backup/dump/oplog.bson']));
    expect(output(run)).toContain(createHash('sha1').update(await readFile(file)).digest('base64'));
    // Juju's restore finds what it reads there.
    expect(execFileSync('tar', ['-xzOf', file, 'juju-backup/metadata.json'], { encoding: 'utf8' })).toContain(suite.env.modelUuid);
  });
});
