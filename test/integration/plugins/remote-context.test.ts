/**
 * Plugin API 1.1 end to end: a drop-in plugin backs up a folder on a remote host over SSH and
 * a Docker volume on that host's engine over the same connection, through `ctx.ssh()` and
 * `ctx.docker()`, against the real sshd and dockerd of the test rig. The unknown host key is
 * put to the operator with its fingerprint; the connection is closed when the job ends.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../../src-main/archive/index.js';
import { createJobRunner } from '../../../src-main/engine/index.js';
import { runBackup, runProbe, type ConfirmOptions, type OperationContext } from '../../../src-main/operations/index.js';
import { discoverPlugins, type PluginRegistry } from '../../../src-main/plugin-host/index.js';
import { type DockerRig, startDockerRig, TEST_LABELS } from '../../env/dockerd.js';
import { startSshRig, type SshRig } from '../../env/sshd.mjs';
import { PROJECT_DIR, output, runLifeboat } from './lifeboat-cli.js';

let dockerRig: DockerRig;
let sshRig: SshRig;
let registry: PluginRegistry;
let work: string;
const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
const volume = `lifeboat-remote-context-${process.pid}`;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  dockerRig = await startDockerRig();
  sshRig = await startSshRig();
  dockerRig.allowUser(sshRig.user);
  work = mkdtempSync(join(tmpdir(), 'lifeboat-remote-context-'));
  // The operator's home for this test: no known host yet, Lifeboat's known_hosts in here.
  process.env.HOME = join(work, 'home');
  process.env.XDG_CONFIG_HOME = join(work, 'config');
  delete process.env.SSH_AUTH_SOCK;
  mkdirSync(process.env.HOME, { recursive: true });
  registry = await discoverPlugins({ builtinDir: join(PROJECT_DIR, 'plugins'), userDir: join(PROJECT_DIR, 'test', 'fixtures', 'remote-plugins') });

  const remoteDir = join(sshRig.dataDir, 'app');
  mkdirSync(join(remoteDir, 'conf'), { recursive: true });
  writeFileSync(join(remoteDir, 'conf', 'app.yaml'), 'name: remote\n');
  for (const p of [remoteDir, join(remoteDir, 'conf'), join(remoteDir, 'conf', 'app.yaml')]) chownSync(p, sshRig.uid, sshRig.gid);

  await dockerRig.docker.createVolume({ Name: volume, Labels: { ...TEST_LABELS } });
  const pack = tarStream.pack();
  pack.entry({ name: 'data/state.json' }, '{"height": 42}\n');
  pack.finalize();
  const { writeVolume } = await import('../../../src-main/transport/index.js');
  await writeVolume(dockerRig.docker, volume, Readable.from(pack), { helperImage: dockerRig.images.busybox, labels: { ...TEST_LABELS } });
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await dockerRig?.docker.getVolume(volume).remove().catch(() => {});
  await dockerRig?.cleanup();
  await sshRig?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function target() {
  return {
    name: 'remote-app',
    plugin: 'dropin-remote',
    options: {
      ssh: { host: sshRig.host, port: sshRig.port, user: sshRig.user, identityFile: sshRig.userKeyPath, useAgent: false },
      dockerSocket: dockerRig.socketPath,
      dir: join(sshRig.dataDir, 'app'),
      volume,
      helperImage: dockerRig.images.busybox,
    },
  };
}

function quietJob(): OperationContext {
  return { signal: new AbortController().signal, progress: { report() {} }, log: { debug() {}, info() {}, warn() {}, error() {} } };
}

describe('ctx.ssh() and ctx.docker()', () => {
  it('refuses to connect when the operator does not trust the unknown host key', async () => {
    const questions: string[] = [];
    const asked: ConfirmOptions[] = [];
    const confirm = async (q: string, options?: ConfirmOptions) => {
      questions.push(q);
      asked.push(options ?? {});
      return false;
    };
    const store = join(work, 'store-declined');
    await expect(
      createJobRunner()
        .enqueue({ kind: 'backup', target: 'remote-app', title: 'backup', run: (ctx) => runBackup({ registry, target: target(), store, encryption: { kind: 'none' }, confirm }, ctx) })
        .result(),
    ).rejects.toMatchObject({ code: 'declined', message: expect.stringContaining('not accepted') });
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain(sshRig.hostKeyFingerprint);
    // A trust decision, with the key as data for the window's dialog.
    expect(asked).toEqual([{ trust: true, hostKey: { host: expect.stringContaining(String(sshRig.port)), keyType: 'ED25519', fingerprint: sshRig.hostKeyFingerprint, changed: false } }]);
  });

  it('the CLI never trusts a new host key on --yes alone: without a terminal it stops and says why', async () => {
    const home = join(work, 'cli-home');
    const store = join(work, 'cli-store');
    mkdirSync(home, { recursive: true });
    const config = join(work, 'config.yaml');
    writeFileSync(config, JSON.stringify({ targets: { 'remote-app': { plugin: 'dropin-remote', options: target().options } } }));
    const run = await runLifeboat(
      { home, dataHome: join(home, 'data'), configHome: join(home, 'config'), store },
      ['backup', 'remote-app', '--config', config, '--no-encrypt', '--yes'],
      { env: { LIFEBOAT_PLUGINS_DIR: join(PROJECT_DIR, 'test', 'fixtures', 'remote-plugins') } },
    );
    expect(run.code, output(run)).toBe(1);
    expect(run.stderr).toContain(sshRig.hostKeyFingerprint);
    expect(run.stderr).toContain('--yes does not');
    expect(readdirSync(store).filter((n) => n.endsWith('.tar.gz'))).toEqual([]);
  });

  it('backs up a remote folder and a volume on its engine over one SSH connection', async () => {
    const questions: string[] = [];
    const confirm = async (q: string) => {
      questions.push(q);
      return true;
    };
    const store = join(work, 'store');
    const outcome = await createJobRunner()
      .enqueue({ kind: 'backup', target: 'remote-app', title: 'backup', run: (ctx) => runBackup({ registry, target: target(), store, encryption: { kind: 'passphrase', passphrase: 'pw' }, confirm }, ctx) })
      .result();
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain(sshRig.hostKeyFingerprint);
    const manifest = await openArchive(outcome.archive.path, { passphrase: 'pw' }).readManifest();
    const byPath = new Map(manifest.entries.map((e) => [e.path, e]));
    expect(byPath.get('files/conf/app.yaml')).toMatchObject({ type: 'file', size: 'name: remote\n'.length });
    expect(byPath.get('volume/data/state.json')).toMatchObject({ type: 'file', size: '{"height": 42}\n'.length });
    expect(typeof manifest.metadata.engine).toBe('string');

    // The key was remembered: the next job asks nothing, and probe works through both handles.
    const probe = await runProbe(registry, target(), quietJob());
    expect(probe).toMatchObject({ reachable: true, running: true });
    expect(probe.version).toMatch(/^docker /);
  });
});
