// Docker over a real SSH connection: dockerode speaks to the private test engine
// (test/env/dockerd.ts) through channels of ONE connection to a real sshd
// (test/env/sshd.mjs), logged in as the unprivileged test user, as plugins reach a
// remote host's engine with nothing but sshd on it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, type Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import * as tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDockerClient,
  dockerExec,
  findComposeProject,
  pingDocker,
  readContainerPath,
  readVolume,
  runContainer,
  stopInOrder,
  writeContainerPath,
  writeVolume,
} from '../../../src-main/transport/docker/index.js';
import { connectSsh, type SshConnection } from '../../../src-main/transport/ssh/index.js';
import { type DockerRig, startDockerRig, TEST_LABELS } from '../../env/dockerd.js';
import { childPids, startSshRig, type SshRig } from '../../env/sshd.mjs';

let dockerRig: DockerRig;
let sshRig: SshRig;
let work: string;

beforeAll(async () => {
  dockerRig = await startDockerRig();
  sshRig = await startSshRig();
  // Before the login: sshd gives a session the user's groups as they are when it logs in.
  dockerRig.allowUser(sshRig.user);
  work = mkdtempSync(join(tmpdir(), 'lifeboat-docker-ssh-test-'));
  writeFileSync(join(work, 'known_hosts'), sshRig.knownHostsText());
  writeFileSync(join(work, 'ssh_config'), '');
});

afterAll(async () => {
  await dockerRig?.cleanup();
  await sshRig?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function connect(): Promise<SshConnection> {
  return connectSsh(
    { host: sshRig.host, port: sshRig.port, user: sshRig.user, identityFile: sshRig.userKeyPath },
    {
      confirm: () => Promise.reject(new Error('no question was expected')),
      knownHostsFiles: [join(work, 'known_hosts')],
      lifeboatKnownHosts: join(work, 'lifeboat_known_hosts'),
      sshConfigFile: join(work, 'ssh_config'),
      env: {},
    },
  );
}

/** The target sshd's per-connection processes: one per open SSH connection. */
function targetConnections(): number {
  const pid = Number(readFileSync(join(sshRig.dir, 'target.pid'), 'utf8').trim());
  return childPids(pid).length;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** SHA-256 of each file in a tar, by path. */
async function digests(tar: Readable): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const extract = tarStream.extract();
  tar.pipe(extract);
  for await (const entry of extract) {
    const hash = createHash('sha256');
    for await (const chunk of entry) hash.update(chunk as Buffer);
    if (entry.header.type === 'file') out[entry.header.name] = hash.digest('hex');
  }
  return out;
}

/** Settles with `p`, or fails after `ms` saying what hung. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Docker over one SSH connection', () => {
  it('pings, lists, runs, execs, copies paths out and in, stops, and fails clearly once closed', async () => {
    const ssh = await connect();
    let forwards = 0;
    const docker: Dockerode = await createDockerClient({
      forwardOutStreamLocal: (path) => {
        forwards++;
        return ssh.forwardOutStreamLocal(path);
      },
      remoteSocketPath: dockerRig.socketPath,
    });
    const where = `${sshRig.user}@${sshRig.host}:${dockerRig.socketPath}`;
    try {
      expect(await pingDocker(docker, where)).toMatch(/^\d+\./);

      const run = randomBytes(4).toString('hex');
      const labels = { ...TEST_LABELS, 'lifeboat-test.case': run };
      const created = await runContainer(docker, { image: dockerRig.images.busybox, name: `lbt-ssh-${run}`, cmd: ['sleep', '3600'], labels });
      const listed = await docker.listContainers({ filters: { label: [`lifeboat-test.case=${run}`] } });
      expect(listed.map((c) => c.Id)).toEqual([created.id]);
      expect(listed[0]?.State).toBe('running');
      const box = docker.getContainer(created.id);

      const input = randomBytes(200_000).toString('base64');
      const r = await dockerExec(box, ['sh', '-c', 'cat; echo done >&2; exit 7'], { input, allowFailure: true });
      expect(r).toEqual({ code: 7, stdout: input, stderr: 'done\n' });

      const made = await dockerExec(box, ['sh', '-c', 'mkdir -p /data/sub && head -c 3000000 /dev/urandom > /data/blob && echo hi > /data/sub/note && sha256sum /data/blob']);
      const blobSha = made.stdout.split(' ')[0];
      const tar = await bytesOf(await readContainerPath(box, '/data'));
      // The same path read straight from the engine's socket: the same bytes.
      const direct = await bytesOf(await readContainerPath(dockerRig.docker.getContainer(created.id), '/data'));
      expect(createHash('sha256').update(tar).digest('hex')).toBe(createHash('sha256').update(direct).digest('hex'));
      const before = await digests(Duplex.from(tar));
      expect(before['data/blob']).toBe(blobSha);

      await dockerExec(box, ['mkdir', '/restore']);
      await writeContainerPath(box, '/restore', Duplex.from(tar));
      const check = await dockerExec(box, ['sh', '-c', 'sha256sum /restore/data/blob; cat /restore/data/sub/note']);
      expect(check.stdout).toBe(`${blobSha}  /restore/data/blob\nhi\n`);
      expect(await digests(await readContainerPath(box, '/restore/data'))).toEqual(before);

      await box.stop({ t: 1 });
      expect((await box.inspect()).State.Running).toBe(false);

      // Every call above went through channels of the one connection.
      expect(forwards).toBeGreaterThan(0);
      expect(targetConnections()).toBe(1);
    } finally {
      await ssh.close();
    }

    const e = await within(10_000, 'a Docker call after the SSH connection closed', pingDocker(docker, where).then(
      () => new Error('the call succeeded'),
      (err: unknown) => err as Error & { code?: string },
    ));
    expect(e).toMatchObject({ code: 'unreachable', message: expect.stringContaining(where) });
    expect(e.message).toMatch(/closed/);
  });

  it('stops and starts only what was running, and moves a volume out and in, over the same connection', async () => {
    const ssh = await connect();
    const docker = await createDockerClient({ forwardOutStreamLocal: (p) => ssh.forwardOutStreamLocal(p), remoteSocketPath: dockerRig.socketPath });
    const project = `lbtssh${randomBytes(3).toString('hex')}`;
    try {
      const compose = (service: string) => ({ ...TEST_LABELS, 'com.docker.compose.project': project, 'com.docker.compose.service': service });
      const db = await runContainer(docker, { image: dockerRig.images.busybox, name: `${project}_db_1`, cmd: ['sleep', '3600'], labels: compose('db') });
      await runContainer(docker, { image: dockerRig.images.busybox, name: `${project}-web-1`, cmd: ['sleep', '3600'], labels: compose('web') });
      const idle = await runContainer(docker, { image: dockerRig.images.busybox, name: `${project}_idle_1`, cmd: ['sleep', '3600'], labels: compose('idle') });
      await idle.stop({ t: 1 });
      const found = await findComposeProject(docker, project);
      expect(found).toHaveLength(3);
      const stopped = await stopInOrder(docker, found, { timeoutSeconds: 1 });
      const running = async () => (await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } })).length;
      expect(await running()).toBe(0);
      await stopped.restore();
      expect(await running()).toBe(2);
      expect((await idle.inspect()).State.Running).toBe(false);
      expect((await db.inspect()).State.Running).toBe(true);

      const volume = `${project}_data`;
      const copy = `${project}_copy`;
      await docker.createVolume({ Name: volume, Labels: { ...TEST_LABELS } });
      await docker.createVolume({ Name: copy, Labels: { ...TEST_LABELS } });
      const pack = tarStream.pack();
      pack.entry({ name: 'state/blob' }, randomBytes(1_000_000));
      pack.entry({ name: 'state/note' }, 'hello\n');
      pack.finalize();
      const helper = { helperImage: dockerRig.images.busybox, labels: { ...TEST_LABELS } };
      await writeVolume(docker, volume, pack as unknown as Readable, helper);
      const tar = await readVolume(docker, volume, bytesOf, helper);
      await writeVolume(docker, copy, Duplex.from(tar), helper);
      const original = await digests(Duplex.from(tar));
      expect(Object.keys(original).sort()).toEqual(['./state/blob', './state/note']);
      expect(await readVolume(docker, copy, digests, helper)).toEqual(original);
      expect(targetConnections()).toBe(1);
    } finally {
      await ssh.close();
    }
  });

  it('fails the next call, not hangs, when the connection drops while the client is idle', async () => {
    const ssh = await connect();
    try {
      const docker = await createDockerClient({ forwardOutStreamLocal: (p) => ssh.forwardOutStreamLocal(p), remoteSocketPath: dockerRig.socketPath });
      expect(String(await docker.ping())).toBe('OK');
      // The ping left its channel in the client's keep-alive pool; now the server side dies.
      expect(sshRig.killTargetSessions()).toBeGreaterThan(0);
      await expect(within(10_000, 'a Docker call after the SSH connection dropped', pingDocker(docker, 'the remote engine'))).rejects.toMatchObject({
        code: 'unreachable',
        message: expect.stringContaining('Could not reach the Docker engine at the remote engine'),
      });
    } finally {
      await ssh.close();
    }
  });

  it('says what to check when the remote socket cannot be opened', async () => {
    const ssh = await connect();
    try {
      const docker = await createDockerClient({ forwardOutStreamLocal: (p) => ssh.forwardOutStreamLocal(p), remoteSocketPath: '/run/lifeboat-no-such-docker.sock' });
      await expect(within(10_000, 'a ping of a missing socket', pingDocker(docker, 'the remote socket'))).rejects.toMatchObject({
        code: 'unreachable',
        message: expect.stringMatching(/\/run\/lifeboat-no-such-docker\.sock.*SSH user may use it/s),
      });
    } finally {
      await ssh.close();
    }
  });
});
