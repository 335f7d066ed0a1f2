/**
 * The plugin conformance suite: what every plugin, built-in or drop-in, must do through the
 * host. Static checks run for every plugin found; the backup → restore round trip runs for
 * each plugin that has a sample target below (plugins that need servers add theirs with the
 * test rig).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverPlugins, type PluginRegistry } from '../../../src-main/plugin-host/index.js';
import { createJobRunner } from '../../../src-main/engine/index.js';
import { runBackup, runProbe, runRestore, type OperationContext } from '../../../src-main/operations/index.js';
import { listArchives } from '../../../src-main/archive/index.js';
import type { TargetConfig } from '../../../src-main/shared/index.js';
import { PROJECT_DIR } from './lifeboat-cli.js';
import { createBtcpayStack } from '../../env/docker/btcpay-stack.js';
import { startDockerRig } from '../../env/dockerd.js';

interface Sample {
  /** Makes a target with some content; returns it and a function that reads that content back. */
  make(dir: string): Promise<{ target: TargetConfig; restoreTarget: TargetConfig; read(): Promise<string>; readRestored(): Promise<string> }>;
  /** Options of a target that is not there (default: a folder that does not exist). */
  readonly nowhere?: Record<string, unknown>;
}

const cleanups: Array<() => Promise<void>> = [];

/** A stand-in BTCPay Server on the private test engine; read() is its state when made. */
async function btcpaySample() {
  const rig = await startDockerRig();
  const stack = await createBtcpayStack(rig.docker, { project: 'lbconf' });
  cleanups.push(() => stack.remove());
  const target: TargetConfig = { name: 'btcpay-sample', plugin: 'btcpay', options: { project: 'lbconf', dockerSocket: rig.socketPath } };
  const made = JSON.stringify(await stack.state());
  return { target, restoreTarget: target, read: async () => made, readRestored: async () => JSON.stringify(await stack.state()) };
}

async function folderSample(plugin: string, dir: string, restoreOptions: (src: string, dst: string) => Record<string, unknown>) {
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  await mkdir(join(src, 'ssh'), { recursive: true });
  await writeFile(join(src, 'controllers.yaml'), 'controllers: {}\n');
  await writeFile(join(src, 'ssh', 'juju_id_rsa'), 'KEY\n', { mode: 0o600 });
  const read = async (root: string) => (await readFile(join(root, 'controllers.yaml'), 'utf8')) + (await readFile(join(root, 'ssh', 'juju_id_rsa'), 'utf8'));
  return {
    target: { name: `${plugin}-sample`, plugin, options: { dir: src } },
    restoreTarget: { name: `${plugin}-sample`, plugin, options: restoreOptions(src, dst) },
    read: () => read(src),
    readRestored: () => read(dst),
  };
}

const samples: Record<string, Sample> = {
  'juju-client': { make: (dir) => folderSample('juju-client', dir, (src, dst) => ({ dir: src, to: dst })) },
  'dropin-ok': { make: (dir) => folderSample('dropin-ok', dir, (_src, dst) => ({ dir: dst })) },
  btcpay: { make: btcpaySample, nowhere: { dockerSocket: '/nonexistent/docker.sock' } },
};

let root: string;
let registry: PluginRegistry;

function job(signal = new AbortController().signal): OperationContext {
  return { signal, progress: { report: () => {} }, log: { debug() {}, info() {}, warn() {}, error() {} } };
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-conformance-'));
  registry = await discoverPlugins({ builtinDir: join(PROJECT_DIR, 'plugins'), userDir: join(PROJECT_DIR, 'test', 'fixtures', 'plugins') });
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('every enabled plugin', () => {
  it('built-in plugins all load', async () => {
    const builtins = (await readdir(join(PROJECT_DIR, 'plugins'))).sort();
    const enabled = registry.list().filter((p) => p.source === 'builtin' && p.status === 'enabled').map((p) => p.id).sort();
    expect(enabled).toEqual(builtins);
  });

  it('has a name, a version, and a description on every option', () => {
    for (const p of registry.list().filter((x) => x.status === 'enabled' && x.id !== 'dropin-cjs')) {
      expect(p.displayName, p.id).toBeTruthy();
      expect(p.version, p.id).toMatch(/^\d+\.\d+\.\d+/);
      const props = (p.optionsSchema?.properties ?? {}) as Record<string, { description?: string }>;
      for (const [key, schema] of Object.entries(props)) expect(schema.description, `${p.id}: option ${key}`).toBeTruthy();
    }
  });

  it('probes a target that does not exist without throwing, saying it is unreachable', async () => {
    for (const id of Object.keys(samples)) {
      const result = await runProbe(registry, { name: 'nowhere', plugin: id, options: samples[id]!.nowhere ?? { dir: join(root, 'does-not-exist') } }, job());
      expect(result.reachable, id).toBe(false);
      expect(result.detail, id).toBeTruthy();
    }
  });
});

describe.each(Object.keys(samples))('plugin %s', (id) => {
  it('backs up, and restores what it backed up', async () => {
    const dir = join(root, id);
    const sample = await samples[id]!.make(dir);
    const store = join(dir, 'store');
    const probe = await runProbe(registry, sample.target, job());
    expect(probe).toMatchObject({ reachable: true, running: true });
    const runner = createJobRunner();
    const backup = await runner
      .enqueue({ kind: 'backup', target: sample.target.name, title: 'backup', run: (ctx) => runBackup({ registry, target: sample.target, store, encryption: { kind: 'passphrase', passphrase: 'pw' }, confirm: async () => true }, ctx) })
      .result();
    expect(backup.archive.plugin).toBe(id);
    await runner
      .enqueue({ kind: 'restore', target: sample.target.name, title: 'restore', run: (ctx) => runRestore({ registry, target: sample.restoreTarget, archivePath: backup.archive.path, decryption: { passphrase: 'pw' }, confirm: async () => true }, ctx) })
      .result();
    expect(await sample.readRestored()).toBe(await sample.read());
  });

  it('stops when canceled, and no archive is kept', async () => {
    const dir = join(root, `${id}-cancel`);
    const sample = await samples[id]!.make(dir);
    const store = join(dir, 'store');
    const controller = new AbortController();
    controller.abort();
    await expect(runBackup({ registry, target: sample.target, store, encryption: { kind: 'none' }, confirm: async () => true }, job(controller.signal))).rejects.toMatchObject({ code: 'canceled' });
    expect(await listArchives(store)).toEqual([]);
    expect(await readdir(store)).toEqual([]);
  });
});
