// The Docker transport against the private test engine (test/env/dockerd.ts): finding and
// stopping a compose project's containers, exec, volume and path contents as tar, and the
// agent that carries dockerode over an SSH-like stream.
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Duplex, type Readable, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import * as tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDockerClient,
  dockerExec,
  findComposeProject,
  findContainer,
  inspectConfig,
  pingDocker,
  readContainerPath,
  readVolume,
  runContainer,
  stopInOrder,
  writeContainerPath,
  writeVolume,
} from '../../../src-main/transport/docker/index.js';
import { type DockerRig, startDockerRig, TEST_LABELS } from '../../env/dockerd.js';

let rig: DockerRig;
let docker: Dockerode;
const id = (): string => randomBytes(4).toString('hex');

beforeAll(async () => {
  rig = await startDockerRig();
  docker = rig.docker;
});
afterAll(async () => {
  await rig?.cleanup();
});

function sleeper(name: string, labels: Record<string, string> = {}, mounts: { source: string; target: string }[] = []): Promise<Dockerode.Container> {
  return runContainer(docker, {
    image: rig.images.busybox,
    name,
    cmd: ['sleep', '3600'],
    labels: { ...TEST_LABELS, ...labels },
    mounts: mounts.map((m) => ({ type: 'volume', ...m })),
  });
}

const compose = (project: string, service: string, dependsOn?: string): Record<string, string> => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...(dependsOn !== undefined ? { 'com.docker.compose.depends_on': `${dependsOn}:service_started:false` } : {}),
});

async function running(name: string): Promise<boolean> {
  return (await docker.getContainer(name).inspect()).State.Running;
}

/** SHA-256 of every file in a tar stream, by path without the leading `./` or first folder. */
async function digests(tar: Readable, strip = 0): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const extract = tarStream.extract();
  tar.pipe(extract);
  for await (const entry of extract) {
    const name = entry.header.name.replace(/^\.\//, '').split('/').slice(strip).join('/');
    const hash = createHash('sha256');
    for await (const chunk of entry) hash.update(chunk as Buffer);
    if (entry.header.type === 'file') out[name] = hash.digest('hex');
  }
  return out;
}

async function bytesOf(tar: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A volume with a few files: random data, a nested text file, an empty file. */
async function filledVolume(): Promise<string> {
  const name = `lbt-vol-${id()}`;
  await docker.createVolume({ Name: name, Labels: { ...TEST_LABELS } });
  const filler = await sleeper(`lbt-fill-${id()}`, {}, [{ source: name, target: '/v' }]);
  await dockerExec(filler, ['sh', '-c', 'mkdir -p /v/conf/deep && head -c 3000000 /dev/urandom > /v/blob.bin && echo "port: 5432" > /v/conf/deep/app.yaml && touch /v/empty']);
  await filler.remove({ force: true });
  return name;
}

describe('containers of a compose project', () => {
  it('are found by project label, dependencies first, and by name in either compose style', async () => {
    const p = `lbt${id()}`;
    await sleeper(`${p}_db_1`, compose(p, 'db'));
    await sleeper(`${p}-web-1`, compose(p, 'web', 'db'));
    const found = await findComposeProject(docker, p);
    expect(found.map((c) => c.name)).toEqual([`${p}_db_1`, `${p}-web-1`]);
    expect(found.every((c) => c.running)).toBe(true);
    expect((await findContainer(docker, `${p}-db-1`))?.name).toBe(`${p}_db_1`);
    expect((await findContainer(docker, `${p}_web_1`))?.name).toBe(`${p}-web-1`);
    expect(await findContainer(docker, `${p}_cache_1`)).toBeUndefined();
  });

  it('are stopped dependents first and only the running ones are started again', async () => {
    const p = `lbt${id()}`;
    await sleeper(`${p}-db-1`, compose(p, 'db'));
    await sleeper(`${p}-web-1`, compose(p, 'web', 'db'));
    const worker = await sleeper(`${p}-worker-1`, compose(p, 'worker'));
    await worker.stop({ t: 1 });

    const stopped = await stopInOrder(docker, await findComposeProject(docker, p), { timeoutSeconds: 5 });
    expect(stopped.stopped.map((c) => c.service)).toEqual(['web', 'db']);
    expect(await running(`${p}-db-1`)).toBe(false);
    expect(await running(`${p}-web-1`)).toBe(false);

    await stopped.restore();
    await stopped.restore(); // a second call (e.g. from a finally after a catch) changes nothing
    expect(await running(`${p}-db-1`)).toBe(true);
    expect(await running(`${p}-web-1`)).toBe(true);
    expect(await running(`${p}-worker-1`)).toBe(false);
  });

  it('are started again when stopping one of them fails', async () => {
    const p = `lbt${id()}`;
    await sleeper(`${p}-web-1`, compose(p, 'web'));
    const [web] = await findComposeProject(docker, p);
    const ghost = { id: `lbt-ghost-${id()}`, name: 'ghost', running: true, dependsOn: [] };
    // Stopped in reverse: web first, then the ghost, which fails.
    await expect(stopInOrder(docker, [ghost, web!], { timeoutSeconds: 5 })).rejects.toMatchObject({ code: 'not-found' });
    expect(await running(`${p}-web-1`)).toBe(true);
  });

  it('are left running when the stop is canceled', async () => {
    const p = `lbt${id()}`;
    await sleeper(`${p}-db-1`, compose(p, 'db'));
    const signal = AbortSignal.abort();
    await expect(stopInOrder(docker, await findComposeProject(docker, p), { signal })).rejects.toMatchObject({ code: 'canceled' });
    expect(await running(`${p}-db-1`)).toBe(true);
  });
});

describe('exec in a container', () => {
  let box: Dockerode.Container;
  beforeAll(async () => {
    box = await sleeper(`lbt-exec-${id()}`);
  });

  it('returns stdout, stderr and the exit code apart', async () => {
    const r = await dockerExec(box, ['sh', '-c', 'echo out; echo err >&2; exit 3'], { allowFailure: true });
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('fails with the exit code and the last stderr lines unless failure is allowed', async () => {
    const p = dockerExec(box, ['sh', '-c', 'echo "no such database" >&2; exit 2']);
    await expect(p).rejects.toMatchObject({ code: 'plugin', message: expect.stringMatching(/code 2.*no such database/s) });
  });

  it('feeds stdin and honours env, user and working folder', async () => {
    expect((await dockerExec(box, ['cat'], { input: 'piped in\n' })).stdout).toBe('piped in\n');
    const r = await dockerExec(box, ['sh', '-c', 'echo "$GREETING"; id -u; pwd'], { env: { GREETING: 'hi there' }, user: 'nobody', workdir: '/tmp' });
    expect(r.stdout).toBe('hi there\n65534\n/tmp\n');
  });

  it('streams a large stdout into a slow writer with equal bytes', async () => {
    const hash = createHash('sha256');
    let bytes = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        bytes += chunk.length;
        setImmediate(done);
      },
    });
    const script = 'head -c 4000000 /dev/urandom > /tmp/r && sha256sum /tmp/r >&2 && cat /tmp/r';
    const r = await dockerExec(box, ['sh', '-c', script], { stdout: slow });
    expect(r.stdout).toBe('');
    expect(bytes).toBe(4_000_000);
    expect(r.stderr.split(' ')[0]).toBe(hash.digest('hex'));
  });

  it('fails clearly in a container that is not running', async () => {
    const stopped = await sleeper(`lbt-stopped-${id()}`);
    await stopped.stop({ t: 1 });
    await expect(dockerExec(stopped, ['true'])).rejects.toMatchObject({ code: 'plugin', message: expect.stringContaining('Could not run true') });
    await expect(readContainerPath(box, '/no/such/path')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('stops the command when the stdout destination fails', async () => {
    const failing = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        done(new Error('disk full'));
      },
    });
    failing.on('error', () => {});
    const p = dockerExec(box, ['sh', '-c', 'while true; do echo filler filler filler; done; sleep 876'], { stdout: failing });
    await expect(p).rejects.toMatchObject({ code: 'plugin', message: expect.stringContaining('disk full') });
    expect((await dockerExec(box, ['ps', '-o', 'args'])).stdout).not.toContain('while true');
  });

  it('kills the command on cancel', async () => {
    const controller = new AbortController();
    const p = dockerExec(box, ['sleep', '987'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(p).rejects.toMatchObject({ code: 'canceled' });
    const ps = await dockerExec(box, ['ps', '-o', 'args']);
    expect(ps.stdout).not.toContain('sleep 987');
  });
});

describe('volume and path contents as tar', () => {
  it('a volume read out and written into another volume has equal bytes', async () => {
    const source = await filledVolume();
    const tar = await readVolume(docker, source, bytesOf, { helperImage: rig.images.busybox, labels: TEST_LABELS });
    const before = await digests(Duplex.from(tar));
    expect(Object.keys(before).sort()).toEqual(['blob.bin', 'conf/deep/app.yaml', 'empty']);

    const copy = `lbt-vol-${id()}`;
    await docker.createVolume({ Name: copy, Labels: { ...TEST_LABELS } });
    await writeVolume(docker, copy, Duplex.from(tar), { helperImage: rig.images.busybox, labels: TEST_LABELS });
    const after = await readVolume(docker, copy, (t) => digests(t), { helperImage: rig.images.busybox, labels: TEST_LABELS });
    expect(after).toEqual(before);
  });

  it('a container path read with getArchive and put into another container has equal bytes', async () => {
    const volume = await filledVolume();
    const from = await sleeper(`lbt-from-${id()}`, {}, [{ source: volume, target: '/data' }]);
    const to = await sleeper(`lbt-to-${id()}`);
    await dockerExec(to, ['mkdir', '/restore']);
    const tar = await bytesOf(await readContainerPath(from, '/data'));
    await writeContainerPath(to, '/restore', Duplex.from(tar));
    const before = await digests(Duplex.from(tar), 1);
    const after = await digests(await readContainerPath(to, '/restore/data'), 1);
    expect(after).toEqual(before);
    expect(Object.keys(after)).toContain('blob.bin');
  });

  it('removes the helper container even when the tar consumer fails', async () => {
    const volume = await filledVolume();
    const labels = { ...TEST_LABELS, 'lifeboat-test.case': id() };
    const helpers = async (): Promise<number> =>
      (await docker.listContainers({ all: true, filters: { label: [`lifeboat-test.case=${labels['lifeboat-test.case']}`] } })).length;
    const p = readVolume(
      docker,
      volume,
      async (tar) => {
        for await (const _chunk of tar) throw new Error('disk full');
      },
      { helperImage: rig.images.busybox, labels },
    );
    await expect(p).rejects.toThrow('disk full');
    expect(await helpers()).toBe(0);
    await expect(readVolume(docker, `lbt-missing-${id()}`, bytesOf, { helperImage: rig.images.busybox, labels })).rejects.toMatchObject({ code: 'not-found' });
    expect(await helpers()).toBe(0);
  });
});

describe('a container run from a spec', () => {
  it('reads back as a spec without secrets that recreates it', async () => {
    const volume = `lbt-vol-${id()}`;
    await docker.createVolume({ Name: volume, Labels: { ...TEST_LABELS } });
    const c = await runContainer(docker, {
      image: rig.images.busybox,
      name: `lbt-run-${id()}`,
      cmd: ['sleep', '3600'],
      env: { MODE: 'prod', DB_PASSWORD: 'hunter2', api_token: 't0k' },
      mounts: [{ type: 'volume', source: volume, target: '/data' }],
      ports: [{ containerPort: 8080 }],
      capAdd: ['NET_ADMIN'],
      restartPolicy: 'unless-stopped',
      labels: TEST_LABELS,
    });
    const config = await inspectConfig(c);
    expect(config).toMatchObject({
      image: rig.images.busybox,
      cmd: ['sleep', '3600'],
      env: { MODE: 'prod' },
      mounts: [{ type: 'volume', source: volume, target: '/data', readOnly: false }],
      ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1' }],
      capAdd: ['NET_ADMIN'],
      restartPolicy: 'unless-stopped',
      init: true,
    });
    expect(config.imageId).toMatch(/^sha256:/);
    expect([...config.omittedEnv].sort()).toEqual(['DB_PASSWORD', 'api_token']);
    expect(JSON.stringify(config)).not.toContain('hunter2');

    await c.remove({ force: true });
    const again = await runContainer(docker, { ...config, labels: { ...config.labels } });
    expect((await again.inspect()).State.Running).toBe(true);
    // The same container, minus the secrets it was never given.
    expect(await inspectConfig(again)).toEqual({ ...config, omittedEnv: [] });
  });

  it('runs with an overridden entrypoint, which reads back as it was given', async () => {
    const c = await runContainer(docker, {
      image: rig.images.busybox,
      name: `lbt-entry-${id()}`,
      entrypoint: ['sh', '-c'],
      // Without the entrypoint this whole line would be taken as the name of a program.
      cmd: ['echo "said by the entrypoint" > /tmp/out'],
      labels: TEST_LABELS,
    });
    expect(await c.wait()).toMatchObject({ StatusCode: 0 });
    const tar = tarStream.extract();
    (await readContainerPath(c, '/tmp/out')).pipe(tar);
    let text = '';
    for await (const entry of tar) for await (const chunk of entry) text += (chunk as Buffer).toString('utf8');
    expect(text).toBe('said by the entrypoint\n');
    expect(await inspectConfig(c)).toMatchObject({ entrypoint: ['sh', '-c'], cmd: ['echo "said by the entrypoint" > /tmp/out'] });
    await c.remove({ force: true });
  });
});

describe('reaching the engine', () => {
  it('names the socket and the reason when no engine answers', async () => {
    const client = await createDockerClient({ socketPath: '/run/lifeboat-no-such-docker.sock' });
    await expect(pingDocker(client, '/run/lifeboat-no-such-docker.sock')).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining('/run/lifeboat-no-such-docker.sock: no Docker engine listens there'),
    });
    expect(await pingDocker(await createDockerClient({ socketPath: rig.socketPath }), rig.socketPath)).toMatch(/^\d+\./);
  });


  it('speaks to the engine through streams that are not sockets', async () => {
    let opened = 0;
    const client = await createDockerClient({
      remoteSocketPath: rig.socketPath,
      // Like an SSH channel: a plain Duplex without setNoDelay, setTimeout, ref...
      forwardOutStreamLocal: async (path) => {
        opened++;
        const socket = connect(path);
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        return Duplex.from({ readable: socket, writable: socket });
      },
    });
    expect(String(await client.ping())).toBe('OK');
    const box = await sleeper(`lbt-ssh-${id()}`);
    const remoteBox = client.getContainer(box.id);
    expect((await dockerExec(remoteBox, ['cat'], { input: 'over the channel' })).stdout).toBe('over the channel');
    expect(Object.keys(await digests(await readContainerPath(remoteBox, '/etc'), 1))).toContain('passwd');
    expect(opened).toBeGreaterThan(0);
  });
});
