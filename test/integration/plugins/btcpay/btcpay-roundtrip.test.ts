// The btcpay plugin on a stand-in BTCPay Server (project `generated`: real Postgres 15 with
// btcpay-like databases, busybox services, volumes in BTCPay's layout) on the private test
// Docker engine, through the real `lifeboat` command: backup, wreck, restore, and both ways
// of compatibility with BTCPay's own scripts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BtcpayStack, createBtcpayStack, type StackState } from '../../../env/docker/btcpay-stack.js';
import { type DockerRig, startDockerRig } from '../../../env/dockerd.js';
import { gpg, gpgHome } from '../../helpers/gpg.js';
import { PROJECT_DIR, archivePathOf, listedPaths, output, parseJson, runLifeboat } from '../lifeboat-cli.js';
import { type BtcpayCliHome, PASSPHRASE, btcpayCliHome } from './btcpay-cli.js';

const PROJECT = 'generated';
const FIXTURES = join(import.meta.dirname, '../../../fixtures/btcpay');

let rig: DockerRig;
let stack: BtcpayStack;
let tmp: string;
let cli: BtcpayCliHome;
let gnupg: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  rig = await startDockerRig();
  stack = await createBtcpayStack(rig.docker, { project: PROJECT });
  tmp = await mkdtemp(join(tmpdir(), 'lbt-btcpay-'));
  cli = await btcpayCliHome(join(tmp, 'cli'), rig.socketPath, {});
  gnupg = await gpgHome(tmp);
});

afterAll(async () => {
  await stack?.remove();
  if (gnupg !== undefined) spawnSync('gpgconf', ['--homedir', gnupg, '--kill', 'gpg-agent']);
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const lifeboat = (args: readonly string[]) => runLifeboat(cli, args, { env: cli.env });
const data = (volume: string, path = ''): string => `volumes/${PROJECT}_${volume}/_data${path ? `/${path}` : ''}`;
/** What BTCPay's exclude list leaves out, as a user reading the listing would check it. */
const EXCLUDED = [/^volumes\/generated_bitcoin_datadir\//, /^volumes\/generated_postgres_datadir/, /\/_data\/host_/, /lnd_bitcoin_datadir\/_data\/data\/graph/, /\/logs\/./];

describe('btcpay: backup, wreck, restore on a stand-in BTCPay Server', () => {
  let before: StackState;
  let archive: string;

  it('backs up in BTCPay\'s layout with a short downtime, and leaves the stack running', async () => {
    before = await stack.state();
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', cli.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    const result = parseJson(run) as { result?: { downtimeSeconds?: number; notes?: string[] } };
    expect(result.result?.downtimeSeconds).toBeGreaterThan(0);
    expect(result.result?.notes?.join(' ')).toContain('running again');
    expect(await stack.running()).toEqual(stack.containers);

    const paths = listedPaths(await lifeboat(['ls', archive, '--json', '--passphrase-file', cli.passFile]));
    expect(paths[0]).toBe('postgres.sql.gz');
    expect(paths).toEqual(
      expect.arrayContaining([data('btcpay_datadir', 'Main/settings.config'), data('lnd_bitcoin_datadir', 'data/chain/bitcoin/mainnet/channel.backup'), data('tor_servicesdir', 'BTCPayServer/hs_ed25519_secret_key'), data('bitcoin_wallet_datadir', 'mainnet/wallet.dat')]),
    );
    expect(paths.filter((p) => EXCLUDED.some((re) => re.test(p)))).toEqual([]);
    // The Lightning warning reaches the operator and the archive.
    expect(output(run)).toMatch(/channel state is toxic/i);
  });

  it('restores a wrecked stack: every row and every archived file as before, the host\'s own files kept', async () => {
    await stack.wreck();
    expect(await stack.state()).not.toEqual(before);
    const wrecked = await stack.state();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--yes']);
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toMatch(/lifeboat-rollback-generated-\d{8}-\d{6}/);
    expect(await stack.running()).toEqual(stack.containers);
    const after = await stack.state();
    expect(after.databases).toEqual(before.databases);
    expect(after.roles).toEqual(before.roles);
    for (const [volume, paths] of Object.entries(before.volumes)) {
      for (const [path, was] of Object.entries(paths)) {
        const full = `volumes/${volume}/_data/${path}`;
        // Excluded paths are the host's own: they stay as the wreck left them.
        const expected = EXCLUDED.some((re) => re.test(full)) ? wrecked.volumes[volume]?.[path] : was;
        expect(after.volumes[volume]?.[path], full).toEqual(expected);
      }
    }
  });

  it('shows a plan with --dry-run and changes nothing', async () => {
    const was = await stack.state();
    const volumeNames = async (): Promise<string[]> => ((await rig.docker.listVolumes()).Volumes ?? []).map((v) => v.Name).sort();
    const volumesBefore = await volumeNames();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--dry-run']);
    expect(run.code, output(run)).toBe(0);
    expect(run.stdout).toContain('nothing was changed');
    expect(run.stdout).toMatch(/Stop: .*generated_btcpayserver_1/);
    expect(run.stdout).toContain('generated_btcpay_datadir');
    expect(run.stdout).toMatch(/load postgres\.sql\.gz/);
    expect(await stack.state()).toEqual(was);
    expect(await volumeNames()).toEqual(volumesBefore);
    expect(await stack.running()).toEqual(stack.containers);
  });

  it('passes verify --deep: the dump loads into a throwaway Postgres', async () => {
    const run = await lifeboat(['verify', archive, '--deep', '--passphrase-file', cli.passFile]);
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toMatch(/loaded without error/);
    expect((await rig.docker.listContainers({ all: true })).filter((c) => c.Names.some((n) => n.startsWith('/lifeboat-verify-')))).toEqual([]);
  });

  it('is restored by BTCPay\'s own btcpay-restore.sh (stand-in): our archive is a gpg -c tar.gz in its layout', async () => {
    await stack.wreck();
    const script = spawnSync('bash', [join(FIXTURES, 'btcpay-restore.sh'), archive], {
      env: { ...process.env, DOCKER_HOST: `unix://${rig.socketPath}`, BTCPAY_PROJECT: PROJECT, DOCKER_ROOT: stack.dockerRoot, GNUPGHOME: gnupg, BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE },
      encoding: 'utf8',
    });
    expect(script.status, script.stdout + script.stderr).toBe(0);
    const after = await stack.state();
    expect(after.databases).toEqual(before.databases);
    expect(after.volumes[`${PROJECT}_btcpay_datadir`]?.['Main/settings.config']).toEqual(before.volumes[`${PROJECT}_btcpay_datadir`]?.['Main/settings.config']);
    expect(await stack.running()).toEqual(stack.containers);
  });

  it('imports an archive made by btcpay-backup.sh (stand-in) and restores it', async () => {
    const made = join(tmp, 'btcpay-made');
    const script = spawnSync('bash', [join(FIXTURES, 'btcpay-backup.sh')], {
      env: { ...process.env, DOCKER_HOST: `unix://${rig.socketPath}`, BTCPAY_PROJECT: PROJECT, DOCKER_ROOT: stack.dockerRoot, GNUPGHOME: gnupg, BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: made },
      encoding: 'utf8',
    });
    expect(script.status, script.stdout + script.stderr).toBe(0);
    const reference = await stack.state();
    const imported = await lifeboat(['import', join(made, 'backup.tar.gz.gpg'), '--passphrase-file', cli.passFile, '--json']);
    expect(imported.code, output(imported)).toBe(0);
    const importedPath = (parseJson(imported) as { path: string }).path;
    await stack.wreck();
    const run = await lifeboat(['restore', importedPath, '--target', 'btcpay', '--passphrase-file', cli.passFile, '--yes']);
    expect(run.code, output(run)).toBe(0);
    const after = await stack.state();
    expect(after.databases).toEqual(reference.databases);
    expect(after.volumes[`${PROJECT}_tor_servicesdir`]).toEqual(reference.volumes[`${PROJECT}_tor_servicesdir`]);
    expect(await stack.running()).toEqual(stack.containers);
    void readdir;
    void gpg;
  });
});
