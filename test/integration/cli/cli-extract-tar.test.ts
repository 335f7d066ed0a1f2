/**
 * `lifeboat extract ARCHIVE --tar FILE`: an archive's content, without Lifeboat's own
 * entries, as the target's tools read it. Here with a Juju-made `juju-backup-*.tar.gz`
 * imported (it maps to the juju-state plugin) and written back out: the same entries in the
 * same order, the same bytes, and Juju's SHA-1 (base64) of the file. A dry-run restore of the
 * imported file reads its facts from inside it (root.tar's agent.conf, machines.bson).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBson } from '../../../plugins/juju-state/src/bson-reader.js';
import { createCliHome, type PassphraseCliHome } from '../plugins/cli-home.js';
import { PROJECT_DIR, output, parseJson, runLifeboat } from '../plugins/lifeboat-cli.js';

let root: string;
let env: PassphraseCliHome;
let jujuFile: string;
let imported: string;

const AGENT_CONF = `# format 2.0
tag: machine-0
datadir: /var/lib/juju
upgradedToVersion: 2.9.42
controller: controller-5d1c8e6a-1f42-4a7b-8d6c-0e2d9b6f3a11
model: model-11111111-2222-4333-8444-555555555555
apiaddresses:
- localhost:17070
- 192.0.2.10:17070
statepassword: s3cret
stateport: 37017
apiport: 17070
stateaddresses:
- localhost:37017
`;

/** A juju-backup tree as `juju create-backup` writes it, tarred with GNU tar. */
async function makeJujuBackup(dir: string): Promise<string> {
  const fsroot = join(dir, 'fsroot');
  await mkdir(join(fsroot, 'var/lib/juju/agents/machine-0'), { recursive: true });
  await mkdir(join(fsroot, 'var/lib/juju/tools/2.9.42-focal-amd64'), { recursive: true });
  await writeFile(join(fsroot, 'var/lib/juju/agents/machine-0/agent.conf'), AGENT_CONF, { mode: 0o600 });
  await writeFile(join(fsroot, 'var/lib/juju/tools/2.9.42-focal-amd64/jujud'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(join(fsroot, 'var/lib/juju/server.pem'), '-----BEGIN CERTIFICATE-----\n', { mode: 0o600 });
  const src = join(dir, 'src');
  const jb = join(src, 'juju-backup');
  await mkdir(join(jb, 'dump', 'juju'), { recursive: true });
  await mkdir(join(jb, 'dump', 'blobstore'), { recursive: true });
  execFileSync('tar', ['-C', fsroot, '-cf', join(jb, 'root.tar'), 'var/lib/juju/agents/machine-0/agent.conf', 'var/lib/juju/tools/2.9.42-focal-amd64/jujud', 'var/lib/juju/server.pem']);
  await writeFile(join(jb, 'dump', 'oplog.bson'), writeBson({ ts: 1, op: 'n' }));
  await writeFile(join(jb, 'dump', 'juju', 'machines.bson'), Buffer.concat([
    writeBson({ machineid: '0', addresses: [{ value: '192.0.2.10' }] }),
    writeBson({ machineid: '1', addresses: [{ value: '192.0.2.11' }] }),
    writeBson({ machineid: '2', addresses: [{ value: '192.0.2.12' }] }),
  ]));
  await writeFile(join(jb, 'dump', 'juju', 'machines.metadata.json'), '{"options":{},"indexes":[]}');
  await writeFile(join(jb, 'dump', 'blobstore', 'blobs.bson'), Buffer.alloc(0));
  await writeFile(join(jb, 'metadata.json'), JSON.stringify({ FormatVersion: 1, ModelUUID: '11111111-2222-4333-8444-555555555555', ControllerUUID: '5d1c8e6a-1f42-4a7b-8d6c-0e2d9b6f3a11', Version: '2.9.42', Series: 'focal', HANodes: 1 }));
  const file = join(dir, 'juju-backup-20261122-031500.tar.gz');
  execFileSync('tar', ['-czf', file, '-C', src, 'juju-backup']);
  return file;
}

const list = (file: string): string[] => execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-extract-tar-'));
  env = await createCliHome(root, 'extract tar passphrase');
  jujuFile = await makeJujuBackup(root);
  await mkdir(join(env.configHome, 'lifeboat'), { recursive: true });
  await writeFile(join(env.configHome, 'lifeboat', 'config.yaml'), stringify({ targets: { 'new-controller': { plugin: 'juju-state', options: { ssh: { host: '192.0.2.50', user: 'ubuntu' } } } } }));
  const imp = await runLifeboat(env, ['import', jujuFile, '--json']);
  expect(imp.code, output(imp)).toBe(0);
  const info = parseJson(imp) as { path: string; plugin: string; origin: string; createdAt: string };
  expect(info).toMatchObject({ plugin: 'juju-state', origin: 'juju backup', createdAt: '2026-11-22T03:15:00.000Z' });
  imported = info.path;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('lifeboat extract --tar', () => {
  it("writes an imported Juju backup back out in Juju's layout exactly, with its SHA-1 in base64", async () => {
    const out = join(root, 'out', 'juju-backup-20261122-031500.tar.gz');
    await mkdir(join(root, 'out'));
    const run = await runLifeboat(env, ['extract', imported, '--tar', out]);
    expect(run.code, output(run)).toBe(0);
    expect(list(out)).toEqual(list(jujuFile));
    expect(list(out).some((p) => p.startsWith('lifeboat'))).toBe(false);
    const sha1 = createHash('sha1').update(await readFile(out)).digest('base64');
    expect(run.stdout + run.stderr).toContain(sha1);
    // The same bytes in every file.
    for (const [file, dir] of [[jujuFile, 'a'], [out, 'b']] as const) {
      await mkdir(join(root, dir));
      execFileSync('tar', ['-xzf', file, '-C', join(root, dir)]);
    }
    execFileSync('diff', ['-r', join(root, 'a'), join(root, 'b')]);
    expect(execFileSync('tar', ['-xOf', join(root, 'b', 'juju-backup', 'root.tar'), 'var/lib/juju/agents/machine-0/agent.conf'], { encoding: 'utf8' })).toBe(AGENT_CONF);
  });

  it('writes a plain tar when the name does not end in .gz, and a Lifeboat backup loses only lifeboat/', async () => {
    const dir = join(env.home, '.juju');
    await mkdir(join(dir, 'ssh'), { recursive: true });
    await writeFile(join(dir, 'environments.yaml'), 'default: prod\n');
    const made = await runLifeboat(env, ['backup', '--plugin', 'juju-client', '--opt', `dir=${dir}`, '--passphrase-file', env.passFile, '--json']);
    expect(made.code, output(made)).toBe(0);
    const archive = (parseJson(made) as { archive: string | { path: string } }).archive;
    const path = typeof archive === 'string' ? archive : archive.path;
    const out = join(root, 'client.tar');
    const run = await runLifeboat(env, ['extract', path, '--tar', out, '--passphrase-file', env.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    expect(parseJson(run)).toMatchObject({ gzip: false, sha1Base64: createHash('sha1').update(await readFile(out)).digest('base64') });
    const names = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(names).toEqual(expect.arrayContaining(['.juju/environments.yaml']));
    expect(names.filter((n) => n.startsWith('lifeboat'))).toEqual([]);
  });

  it('leaves no file (and no .partial) when the archive turns out damaged', async () => {
    const damaged = join(root, 'damaged-juju-backup.tar.gz');
    const good = await readFile(imported);
    const bad = Buffer.from(good);
    const at = Math.floor(bad.length / 2);
    bad[at] = bad[at]! ^ 0xff;
    await writeFile(damaged, bad);
    const out = join(root, 'never.tar.gz');
    const run = await runLifeboat(env, ['extract', damaged, '--tar', out]);
    expect(run.code, output(run)).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses --tar together with --to (a usage error), writing nothing', async () => {
    const both = await runLifeboat(env, ['extract', imported, '--tar', join(root, 'x.tar'), '--to', join(root, 'x')]);
    expect(both.code).toBe(2);
    expect(existsSync(join(root, 'x.tar'))).toBe(false);
  });
});

describe('an imported juju create-backup file', () => {
  it('plans a restore from the facts inside it: the old controller, the tools, machines 1 and 2', async () => {
    const run = await runLifeboat(env, ['restore', imported, '--target', 'new-controller', '--dry-run']);
    expect(run.code, output(run)).toBe(0);
    const text = output(run);
    expect(text).toContain('192.0.2.10');
    expect(text).toContain('2.9.42-focal-amd64');
    expect(text).toMatch(/Machine 1: SSH to 192\.0\.2\.11/);
    expect(text).toMatch(/Machine 2: SSH to 192\.0\.2\.12/);
    expect(text).toContain('192.0.2.50');
  });
});
