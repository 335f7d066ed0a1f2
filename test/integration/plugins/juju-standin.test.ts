// The Juju stand-in behaves as the juju-state plugin will meet it, so that the plugin's tests
// prove something: real SSH as ubuntu with passwordless sudo; machine-0's layout; the
// mongodump/mongorestore/mongo stand-ins' checks (password only from --config, juju-db up,
// the EMPTY_DUMP hook); jujud reading agent.conf at each start; a fresh host to restore onto.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeBsonDocuments, encodeBson } from '../../env/bson.js';
import { createJujuEnv, type JujuEnv, type JujuMachine } from '../../env/docker/juju-controller.js';
import { type DockerRig, startDockerRig } from '../../env/dockerd.js';

let rig: DockerRig;
let env: JujuEnv;
let tmp: string;
let knownHosts: string;

beforeAll(async () => {
  rig = await startDockerRig();
  env = await createJujuEnv(rig.docker, { prefix: 'lbt-juju-standin' });
  tmp = await mkdtemp(join(tmpdir(), 'lbt-juju-standin-'));
  knownHosts = join(tmp, 'known_hosts');
});

afterAll(async () => {
  await env?.remove();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real OpenSSH client, trusting exactly the env's host keys. */
async function ssh(m: JujuMachine, command: string, options: { input?: string; user?: string; connectTimeout?: number } = {}): Promise<Run> {
  await writeFile(knownHosts, env.knownHostsText());
  const args = [
    '-i', env.userKeyPath,
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', `ConnectTimeout=${options.connectTimeout ?? 10}`,
    `${options.user ?? 'ubuntu'}@${m.address}`,
    command,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

async function sshOk(m: JujuMachine, command: string, input?: string): Promise<string> {
  const r = await ssh(m, command, { input });
  if (r.code !== 0) throw new Error(`ssh ${m.name} "${command}" exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    sock.setTimeout(2000, () => (sock.destroy(), resolve(false)));
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

const TOOL_FLAGS = '--ssl --sslAllowInvalidCertificates --authenticationDatabase admin --host 127.0.0.1:37017 --username machine-0';

/** Writes a 0600 mongo tools config holding `password` (sent on stdin, never in argv). */
async function writeConfig(m: JujuMachine, path: string, password: string): Promise<void> {
  await sshOk(m, `umask 077; cat > ${path}`, `password: "${password}"\n`);
}

describe('the Juju stand-in machines', () => {
  it('let ubuntu in over real SSH with the key, sudo -n works, root cannot log in', async () => {
    expect((await sshOk(env.controller, 'id -un')).trim()).toBe('ubuntu');
    expect((await sshOk(env.controller, 'sudo -n id -u')).trim()).toBe('0');
    expect((await sshOk(env.controller, 'sudo -n tar --version')).split('\n')[0]).toContain('GNU tar');
    const root = await ssh(env.controller, 'true', { user: 'root' });
    expect(root.code).not.toBe(0);
    for (const m of env.machines) {
      const conf = parse(await sshOk(m, `sudo -n cat /var/lib/juju/agents/machine-${m.machineId}/agent.conf`)) as { nonce: string };
      expect((await sshOk(m, 'sudo -n cat /var/lib/juju/nonce.txt')).trim()).toBe(conf.nonce);
    }
    // Every machine has its own host key.
    const keys = env.knownHostsText().trim().split('\n').filter((l) => l.includes('ssh-ed25519')).map((l) => l.split(' ')[2]);
    expect(new Set(keys).size).toBe(3);
  });

  it('machine-0 has the controller layout, owners and modes of a real one', async () => {
    const c = env.controller;
    const stat = async (path: string): Promise<string> => (await c.exec(['stat', '-c', '%U:%G %a %F', path])).trim();
    expect(await stat('/var/lib/juju/agents/machine-0/agent.conf')).toBe('root:root 600 regular file');
    for (const secret of ['server.pem', 'system-identity', 'shared-secret']) expect(await stat(`/var/lib/juju/${secret}`)).toBe('root:root 600 regular file');
    expect(await stat('/home/ubuntu/.ssh/authorized_keys')).toBe('ubuntu:ubuntu 600 regular file');
    expect((await c.exec(['readlink', '/var/lib/juju/tools/machine-0'])).trim()).toBe(`${env.version}-focal-amd64`);
    expect((await c.exec(['/var/lib/juju/tools/machine-0/jujud', 'version'])).trim()).toBe(`${env.version}-focal-amd64`);
    expect((await c.exec(['ls', '/var/lib/juju/init/jujud-machine-0'])).split('\n')).toEqual(expect.arrayContaining(['exec-start.sh', 'jujud-machine-0.service']));

    const conf = parse((await c.readFile('/var/lib/juju/agents/machine-0/agent.conf')).toString()) as Record<string, unknown>;
    expect(conf).toMatchObject({
      tag: 'machine-0',
      jobs: ['JobManageModel', 'JobHostUnits'],
      upgradedToVersion: env.version,
      stateaddresses: [`${c.address}:37017`],
      statepassword: env.statePassword,
      apiaddresses: [`${c.address}:17070`],
      controller: `controller-${env.controllerUuid}`,
      model: `model-${env.modelUuid}`,
      stateport: 37017,
    });
    expect(String(conf['cacert'])).toContain('BEGIN CERTIFICATE');

    expect((await sshOk(c, 'systemctl is-active jujud-machine-0 snap.juju-db.daemon')).split('\n').slice(0, 2)).toEqual(['active', 'active']);
    expect(await answers(c.address, 17070)).toBe(true);
    expect(await answers(c.address, 37017)).toBe(true);
  });

  it('machines 1 and 2 point at machine-0 and have no state addresses', async () => {
    for (const m of env.machines) {
      const conf = parse((await m.readFile(`/var/lib/juju/agents/machine-${m.machineId}/agent.conf`)).toString()) as Record<string, unknown>;
      expect(conf['apiaddresses']).toEqual([`${env.controller.address}:17070`]);
      expect(conf).not.toHaveProperty('stateaddresses');
      expect(conf).not.toHaveProperty('statepassword');
      expect((await sshOk(m, `systemctl is-active jujud-machine-${m.machineId}`)).trim()).toBe('active');
      expect(await answers(m.address, 37017)).toBe(false);
    }
  });

  it('mongodump with the right --config writes the dump layout with oplog.bson and juju/', async () => {
    const c = env.controller;
    await writeConfig(c, '/tmp/dump.yaml', env.statePassword);
    await sshOk(c, `sudo -n /snap/bin/juju-db.mongodump ${TOOL_FLAGS} --config /tmp/dump.yaml --oplog --out /tmp/dump`);
    const files = (await c.exec(['sh', '-c', 'cd /tmp/dump && find . -type f | sort'])).trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining(['./oplog.bson', './juju/machines.bson', './juju/machines.metadata.json', './juju/controllers.bson', './juju/models.bson', './admin/system.users.bson', './backups/metadata.bson', './logs/logs.bson']),
    );
    expect(files.some((f) => f.startsWith('./local/'))).toBe(false);

    const machinesBson = await c.readFile('/tmp/dump/juju/machines.bson');
    const machines = decodeBsonDocuments(machinesBson);
    // The test BSON codec reads back exactly the bytes it wrote.
    expect(Buffer.concat(machines.map((d) => encodeBson(d))).equals(machinesBson)).toBe(true);
    expect(machines.map((d) => d['machineid'])).toEqual(['0', '1', '2']);
    expect(machines.map((d) => (d['addresses'] as Array<{ value: string }>)[0]!.value)).toEqual([c.address, ...env.machines.map((m) => m.address)]);
    expect(decodeBsonDocuments(await c.readFile('/tmp/dump/oplog.bson')).length).toBeGreaterThan(0);

    // The dump's files are the data folder's.
    const state = await env.dbState(c);
    const sha = createHash('sha256').update(await c.readFile('/tmp/dump/juju/machines.bson')).digest('hex');
    expect(state['juju/machines.bson']).toBe(sha);
    expect(await c.exec(['cat', '/var/log/juju/standin-tools.log'])).not.toContain(env.statePassword);
  });

  it('mongodump refuses a wrong or missing password, a password in argv, and a stopped juju-db', async () => {
    const c = env.controller;
    await writeConfig(c, '/tmp/wrong.yaml', 'not-the-password');
    const wrong = await ssh(c, `sudo -n /snap/bin/juju-db.mongodump ${TOOL_FLAGS} --config /tmp/wrong.yaml --oplog --out /tmp/dump-wrong`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('(AuthenticationFailed) Authentication failed.');
    expect((await ssh(c, `sudo -n /usr/lib/juju/bin/mongodump ${TOOL_FLAGS} --oplog --out /tmp/dump-wrong`)).stderr).toContain('Authentication failed');
    const argv = await ssh(c, `sudo -n /snap/bin/juju-db.mongodump ${TOOL_FLAGS} --password secret --out /tmp/dump-wrong`);
    expect(argv.code).not.toBe(0);
    expect(argv.stderr).toContain('cmdline');

    await sshOk(c, 'sudo -n systemctl stop snap.juju-db.daemon');
    try {
      const down = await ssh(c, `sudo -n /snap/bin/juju-db.mongodump ${TOOL_FLAGS} --config /tmp/dump.yaml --oplog --out /tmp/dump-down`);
      expect(down.code).not.toBe(0);
      expect(down.stderr).toContain('connection refused');
      expect(await answers(c.address, 37017)).toBe(false);
    } finally {
      await sshOk(c, 'sudo -n systemctl start snap.juju-db.daemon');
    }
  });

  it('with EMPTY_DUMP, mongodump "succeeds" and writes nothing', async () => {
    const c = env.controller;
    await c.exec(['touch', '/var/lib/juju/db-standin/EMPTY_DUMP']);
    try {
      await sshOk(c, `sudo -n /snap/bin/juju-db.mongodump ${TOOL_FLAGS} --config /tmp/dump.yaml --oplog --out /tmp/dump-empty`);
      expect((await c.exec(['find', '/tmp/dump-empty', '-type', 'f'])).trim()).toBe('');
    } finally {
      await c.exec(['rm', '-f', '/var/lib/juju/db-standin/EMPTY_DUMP']);
    }
  });

  it('mongorestore --drop puts the dump back, leaving out excluded namespaces', async () => {
    const c = env.controller;
    const before = await env.dbState(c);
    await c.exec(['sh', '-c', 'cd /var/lib/juju/db-standin && printf x > juju/machines.bson && rm juju/models.bson logs/logs.bson']);
    expect(await env.dbState(c)).not.toEqual(before);
    const out = await sshOk(c, `sudo -n /snap/bin/juju-db.mongorestore ${TOOL_FLAGS} --config /tmp/dump.yaml --drop --oplogReplay --nsExclude 'logs.*' /tmp/dump 2>&1`);
    expect(out).toContain('restoring juju.machines');
    const after = await env.dbState(c);
    const { ['logs/logs.bson']: logs, ['logs/logs.metadata.json']: _meta, ...rest } = before;
    expect(logs).toBeDefined();
    expect(after).toEqual({ ...rest, ['logs/logs.metadata.json']: before['logs/logs.metadata.json'] });

    const wrong = await ssh(c, `sudo -n /snap/bin/juju-db.mongorestore ${TOOL_FLAGS} --config /tmp/wrong.yaml --drop /tmp/dump`);
    expect(wrong.stderr).toContain('Authentication failed');
  });

  it('jujud reads agent.conf at each start: a restart logs the changed API address', async () => {
    const m = env.machines[0]!;
    const log = `/var/log/juju/machine-${m.machineId}.log`;
    expect((await m.readFile(log)).toString()).toContain(`apiaddresses: [${env.controller.address}:17070]`);
    await sshOk(m, `sudo -n sed -i 's/${env.controller.address.replace(/\./g, '\\.')}:17070/10.9.9.9:17070/' /var/lib/juju/agents/machine-${m.machineId}/agent.conf`);
    await sshOk(m, `sudo -n systemctl restart jujud-machine-${m.machineId}`);
    const lines = (await m.readFile(log)).toString().trim().split('\n').filter((l) => l.includes('started'));
    expect(lines.at(-1)).toContain('apiaddresses: [10.9.9.9:17070]');
    expect((await sshOk(m, `systemctl is-active jujud-machine-${m.machineId}`)).trim()).toBe('active');
    const heartbeat = Number((await m.readFile(`/var/lib/juju/agents/machine-${m.machineId}/standin-heartbeat`)).toString());
    expect(heartbeat).toBeGreaterThan(1_700_000_000);
  });

  it('a fresh controller has no /var/lib/juju, runs juju-db, and takes rs.initiate with its new address', async () => {
    const fresh = await env.newController();
    expect(fresh.address).not.toBe(env.controller.address);
    expect((await sshOk(fresh, 'test -e /var/lib/juju && echo yes || echo no')).trim()).toBe('no');
    expect((await sshOk(fresh, 'systemctl is-active snap.juju-db.daemon')).trim()).toBe('active');
    expect((await ssh(fresh, 'systemctl is-active jujud-machine-0')).code).toBe(3);

    // Before agent.conf is in place, the database refuses the agent's password.
    const early = await ssh(fresh, 'sudo -n juju-db.mongo --quiet --ssl --sslAllowInvalidCertificates --host 127.0.0.1:37017 admin', {
      input: `db.auth("machine-0", "${env.statePassword}")\n`,
    });
    expect(early.stdout).toContain('Authentication failed');

    const agentConf = await env.controller.readFile('/var/lib/juju/agents/machine-0/agent.conf');
    await sshOk(fresh, 'sudo -n mkdir -p /var/lib/juju/agents/machine-0 && sudo -n sh -c "umask 077; cat > /var/lib/juju/agents/machine-0/agent.conf"', agentConf.toString());
    const config = JSON.stringify({ _id: 'juju', version: 1, members: [{ _id: 1, host: `${fresh.address}:37017` }] });
    const auth = `db.getSiblingDB("admin").auth("machine-0", "${env.statePassword}")\n`;
    const script = `${auth}rs.initiate(${config})\n`;
    const mongo = 'sudo -n juju-db.mongo --quiet --ssl --sslAllowInvalidCertificates --host 127.0.0.1:37017 admin';
    // As with MongoDB, a set never initiated cannot be reconfigured, even by force.
    const reconfig = await ssh(fresh, mongo, { input: `${auth}rs.reconfig(${config}, {force: true})\n` });
    expect(reconfig.code).not.toBe(0);
    expect(reconfig.stdout).toContain('NotYetInitialized');
    // Nor, not being primary, does it take a restore before it is initiated.
    await writeConfig(fresh, '/tmp/restore.yaml', env.statePassword);
    await fresh.exec(['sh', '-c', "mkdir -p /tmp/d/juju && printf '\\005\\000\\000\\000\\000' > /tmp/d/juju/settings.bson"]);
    const restore = `sudo -n /snap/bin/juju-db.mongorestore ${TOOL_FLAGS} --config /tmp/restore.yaml --drop /tmp/d`;
    expect((await ssh(fresh, restore)).stderr).toContain('NotWritablePrimary');
    expect(await sshOk(fresh, mongo, script)).toContain('"ok" : 1');
    await sshOk(fresh, restore);
    expect(Object.keys(await env.dbState(fresh))).toEqual(['juju/settings.bson']);
    expect(JSON.parse((await fresh.readFile('/var/lib/juju/db-standin/replset.json')).toString())).toEqual(JSON.parse(config));
    const again = await ssh(fresh, mongo, { input: script });
    expect(again.code).not.toBe(0);
    expect(again.stdout).toContain('already initialized');
    expect((await ssh(fresh, `${mongo} --eval 'db.auth("machine-0", "x")'`)).stderr).toContain('cmdline');
    await fresh.remove();
  });

  it('a stopped machine is down; started again it keeps its address and host key, and its services', async () => {
    const m = env.machines[1]!;
    await m.stop();
    expect((await ssh(m, 'true', { connectTimeout: 3 })).code).not.toBe(0);
    await m.start();
    expect((await sshOk(m, 'hostname')).trim()).toBe(m.name);
    expect((await sshOk(m, `systemctl is-active jujud-machine-${m.machineId}`)).trim()).toBe('active');
  });
});
