// The btcpay plugin on a stand-in BTCPay Server (project `generated`: real Postgres 15 with
// btcpay-like databases, busybox services, volumes in BTCPay's layout) on the private test
// Docker engine, through the real `lifeboat` command: backup, wreck, restore, and both ways
// of compatibility with BTCPay's own scripts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackState } from '../../../env/docker/btcpay-stack.js';
import { gpgHome } from '../../helpers/gpg.js';
import { archivePathOf, listedPaths, output, parseJson, runLifeboat } from '../lifeboat-cli.js';
import { PASSPHRASE, setUpBtcpaySuite } from './btcpay-cli.js';

const PROJECT = 'generated';
const FIXTURES = join(import.meta.dirname, '../../../fixtures/btcpay');

const suite = setUpBtcpaySuite({ project: PROJECT, tmpPrefix: 'lbt-btcpay-', target: () => ({}) });
let gnupg: string;

beforeAll(async () => {
  gnupg = await gpgHome(suite.tmp);
});

// Registered after the suite's, so it runs first: the agent goes before its folder does.
afterAll(() => {
  if (gnupg !== undefined) spawnSync('gpgconf', ['--homedir', gnupg, '--kill', 'gpg-agent']);
});

const lifeboat = (args: readonly string[]) => runLifeboat(suite.cli, args, { env: suite.cli.env });
const data = (volume: string, path = ''): string => `volumes/${PROJECT}_${volume}/_data${path ? `/${path}` : ''}`;
/** What BTCPay's exclude list leaves out, as a user reading the listing would check it. */
const EXCLUDED = [/^volumes\/generated_bitcoin_datadir\//, /^volumes\/generated_postgres_datadir/, /\/_data\/host_/, /lnd_bitcoin_datadir\/_data\/data\/graph/, /\/logs\/./];

describe('btcpay: backup, wreck, restore on a stand-in BTCPay Server', () => {
  let before: StackState;
  let archive: string;

  it('backs up in BTCPay\'s layout with a short downtime, and leaves the stack running', async () => {
    before = await suite.stack.state();
    const run = await lifeboat(['backup', 'btcpay', '--passphrase-file', suite.cli.passFile, '--json']);
    expect(run.code, output(run)).toBe(0);
    archive = archivePathOf(run);
    const result = parseJson(run) as { result?: { downtimeSeconds?: number; notes?: string[] } };
    expect(result.result?.downtimeSeconds).toBeGreaterThan(0);
    expect(result.result?.notes?.join(' ')).toContain('running again');
    expect(await suite.stack.running()).toEqual(suite.stack.containers);

    const paths = listedPaths(await lifeboat(['ls', archive, '--json', '--passphrase-file', suite.cli.passFile]));
    expect(paths[0]).toBe('postgres.sql.gz');
    expect(paths).toEqual(
      expect.arrayContaining([data('btcpay_datadir', 'Main/settings.config'), data('lnd_bitcoin_datadir', 'data/chain/bitcoin/mainnet/channel.backup'), data('tor_servicesdir', 'BTCPayServer/hs_ed25519_secret_key'), data('bitcoin_wallet_datadir', 'mainnet/wallet.dat')]),
    );
    expect(paths.filter((p) => EXCLUDED.some((re) => re.test(p)))).toEqual([]);
    // The Lightning warning reaches the operator and the archive.
    expect(output(run)).toMatch(/channel state is toxic/i);
  });

  it('restores a wrecked stack: every row and every archived file as before, the host\'s own files kept', async () => {
    await suite.stack.wreck();
    expect(await suite.stack.state()).not.toEqual(before);
    const wrecked = await suite.stack.state();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', suite.cli.passFile, '--yes']);
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toMatch(/lifeboat-rollback-generated-\d{8}-\d{6}/);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
    const after = await suite.stack.state();
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
    const was = await suite.stack.state();
    const volumeNames = async (): Promise<string[]> => ((await suite.rig.docker.listVolumes()).Volumes ?? []).map((v) => v.Name).sort();
    const volumesBefore = await volumeNames();
    const run = await lifeboat(['restore', archive, '--target', 'btcpay', '--passphrase-file', suite.cli.passFile, '--dry-run']);
    expect(run.code, output(run)).toBe(0);
    expect(run.stdout).toContain('nothing was changed');
    expect(run.stdout).toMatch(/Stop: .*generated_btcpayserver_1/);
    expect(run.stdout).toContain('generated_btcpay_datadir');
    expect(run.stdout).toMatch(/load postgres\.sql\.gz/);
    expect(await suite.stack.state()).toEqual(was);
    expect(await volumeNames()).toEqual(volumesBefore);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
  });

  it('passes verify --deep: the dump loads into a throwaway Postgres', async () => {
    const run = await lifeboat(['verify', archive, '--deep', '--passphrase-file', suite.cli.passFile]);
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toMatch(/loaded without error/);
    expect((await suite.rig.docker.listContainers({ all: true })).filter((c) => c.Names.some((n) => n.startsWith('/lifeboat-verify-')))).toEqual([]);
  });

  it('is restored by BTCPay\'s own btcpay-restore.sh (stand-in): our archive is a gpg -c tar.gz in its layout', async () => {
    await suite.stack.wreck();
    const script = spawnSync('bash', [join(FIXTURES, 'btcpay-restore.sh'), archive], {
      env: { ...process.env, DOCKER_HOST: `unix://${suite.rig.socketPath}`, BTCPAY_PROJECT: PROJECT, DOCKER_ROOT: suite.stack.dockerRoot, GNUPGHOME: gnupg, BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE },
      encoding: 'utf8',
    });
    expect(script.status, script.stdout + script.stderr).toBe(0);
    const after = await suite.stack.state();
    expect(after.databases).toEqual(before.databases);
    expect(after.volumes[`${PROJECT}_btcpay_datadir`]?.['Main/settings.config']).toEqual(before.volumes[`${PROJECT}_btcpay_datadir`]?.['Main/settings.config']);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
  });

  it('imports an archive made by btcpay-backup.sh (stand-in) and restores it', async () => {
    const made = join(suite.tmp, 'btcpay-made');
    const script = spawnSync('bash', [join(FIXTURES, 'btcpay-backup.sh')], {
      env: { ...process.env, DOCKER_HOST: `unix://${suite.rig.socketPath}`, BTCPAY_PROJECT: PROJECT, DOCKER_ROOT: suite.stack.dockerRoot, GNUPGHOME: gnupg, BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: made },
      encoding: 'utf8',
    });
    expect(script.status, script.stdout + script.stderr).toBe(0);
    const reference = await suite.stack.state();
    const imported = await lifeboat(['import', join(made, 'backup.tar.gz.gpg'), '--passphrase-file', suite.cli.passFile, '--json']);
    expect(imported.code, output(imported)).toBe(0);
    const importedPath = (parseJson(imported) as { path: string }).path;
    await suite.stack.wreck();
    const run = await lifeboat(['restore', importedPath, '--target', 'btcpay', '--passphrase-file', suite.cli.passFile, '--yes']);
    expect(run.code, output(run)).toBe(0);
    const after = await suite.stack.state();
    expect(after.databases).toEqual(reference.databases);
    expect(after.volumes[`${PROJECT}_tor_servicesdir`]).toEqual(reference.volumes[`${PROJECT}_tor_servicesdir`]);
    expect(await suite.stack.running()).toEqual(suite.stack.containers);
  });
});
