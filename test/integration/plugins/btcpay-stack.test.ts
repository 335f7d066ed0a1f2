// The stand-in BTCPay Server stack (test/env/docker/btcpay-stack.ts) and the stand-ins of
// BTCPay's own backup/restore scripts (test/fixtures/btcpay/) that the btcpay plugin's tests
// rely on: the stack comes up as compose would leave it, its state is stable and shows damage,
// and BTCPay's backup → wreck → restore cycle brings back what was there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerExec, findComposeProject } from '../../../src-main/transport/docker/index.js';
import { type BtcpayStack, createBtcpayStack, type StackState } from '../../env/docker/btcpay-stack.js';
import { type DockerRig, startDockerRig } from '../../env/dockerd.js';
import { gpg, gpgHome } from '../helpers/gpg.js';

const PROJECT = 'lbstack';
const PASSPHRASE = 'correct horse battery staple';
const FIXTURES = join(import.meta.dirname, '../../fixtures/btcpay');

let rig: DockerRig;
let stack: BtcpayStack;
let tmp: string;
let home: string;

beforeAll(async () => {
  rig = await startDockerRig();
  stack = await createBtcpayStack(rig.docker, { project: PROJECT });
  tmp = await mkdtemp(join(tmpdir(), 'lbt-btcpay-stack-'));
  home = await gpgHome(tmp);
});

afterAll(async () => {
  await stack?.remove();
  if (home !== undefined) spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

interface ScriptResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a stand-in BTCPay script against the stack as an operator would, output collected. */
function runScript(script: string, args: readonly string[], env: Record<string, string>): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(FIXTURES, script), ...args], {
      env: {
        ...process.env,
        DOCKER_HOST: `unix://${rig.socketPath}`,
        BTCPAY_PROJECT: PROJECT,
        DOCKER_ROOT: stack.dockerRoot,
        GNUPGHOME: home,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** What BTCPay's backup leaves out, as a user reading the archive's listing would check it. */
const EXCLUDED = [
  new RegExp(`^volumes/${PROJECT}_bitcoin_datadir/_data`),
  new RegExp(`^volumes/${PROJECT}_postgres_datadir`),
  new RegExp(`^volumes/${PROJECT}_btcpay_datadir/_data/host_`),
  new RegExp(`^volumes/${PROJECT}_lnd_bitcoin_datadir/_data/data/graph`),
  /\/logs\/./,
];

describe('the stand-in BTCPay stack', () => {
  let before: StackState;

  it('comes up as a compose project: every container running, Postgres answering with the seeded rows', async () => {
    expect(stack.containers).toEqual([
      `${PROJECT}_postgres_1`,
      `${PROJECT}_btcpayserver_bitcoind`,
      `${PROJECT}_tor`,
      `${PROJECT}_nbxplorer_1`,
      `${PROJECT}_btcpayserver_lnd_bitcoin`,
      `${PROJECT}_btcpayserver_1`,
    ]);
    expect(await stack.running()).toEqual(stack.containers);
    // Lifeboat finds them by compose's labels alone and reads the same dependencies.
    const found = await findComposeProject(rig.docker, PROJECT);
    expect(found.map((c) => c.name).sort()).toEqual([...stack.containers].sort());
    const btcpay = found.find((c) => c.service === 'btcpayserver');
    expect(btcpay?.dependsOn).toEqual(['postgres', 'nbxplorer', 'lnd_bitcoin']);
    const position = (service: string): number => found.findIndex((c) => c.service === service);
    for (const c of found) for (const dep of c.dependsOn) expect(position(dep)).toBeLessThan(position(c.service!));
    expect(Number(await stack.sql('btcpayservermainnet', 'select count(*) from "Invoices"'))).toBe(300);
    expect(Number(await stack.sql('nbxplorermainnet', 'select count(*) from txs'))).toBe(400);
    // On the project's network, as compose would have it: `postgres` is the service's name.
    const probe = await dockerExec(rig.docker.getContainer(`${PROJECT}_btcpayserver_1`), ['sh', '-c', 'nc -w 5 postgres 5432 </dev/null && echo reachable']);
    expect(probe.stdout).toBe('reachable\n');
    expect(stack.volumes).toContain(`${PROJECT}_btcpay_datadir`);
    expect(existsSync(join(stack.dockerRoot, 'volumes', `${PROJECT}_btcpay_datadir/_data/Main/settings.config`))).toBe(true);
    expect(await readdir(join(stack.dockerRoot, 'volumes', `${PROJECT}_postgres_datadir/_data`))).toContain('PG_VERSION');
  });

  it('reports the same state twice, with owners, modes, links and sequences in it', async () => {
    before = await stack.state();
    expect(await stack.state()).toEqual(before);
    const btcpay = before.volumes[`${PROJECT}_btcpay_datadir`]!;
    expect(btcpay['host_id_rsa']).toMatchObject({ type: 'file', mode: '0600', uid: 0 });
    expect(btcpay['Plugins/current']).toMatchObject({ type: 'symlink', target: 'BTCPayServer.Plugins.Boltcard', uid: 1000 });
    expect(btcpay['LocalStorage/tmp']).toMatchObject({ type: 'directory' });
    expect(before.volumes[`${PROJECT}_tor_servicesdir`]!['BTCPayServer']).toMatchObject({ type: 'directory', mode: '0700', uid: 100, gid: 101 });
    expect(before.volumes[`${PROJECT}_postgres_datadir`]).toBeUndefined();
    const db = before.databases['btcpayservermainnet']!;
    expect(db.tables['public.Payments']!.rows).toBeGreaterThan(50);
    expect(db.sequences['public.InvoiceEvents_Id_seq']).toMatch(/^\d+ true$/);
    expect(db.objects).toContain('r public.Settings owner=btcpay_app');
    expect(db.objects).toContain('v public.InvoiceTotals owner=postgres');
    expect(before.roles).toContain('btcpay_app');
  });

  it('backs up with the stand-in btcpay-backup.sh: encrypted, BTCPay layout, excludes absent, stack up again', async () => {
    const backupDir = join(tmp, 'backup');
    const result = await runScript('btcpay-backup.sh', [], { BACKUP_DIR: backupDir, BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`Stopping ${PROJECT}_btcpayserver_1`);
    expect(await readdir(backupDir)).toEqual(['backup.tar.gz.gpg']);
    expect(await stack.running()).toEqual(stack.containers);

    const plain = await gpg(home, ['-d', join(backupDir, 'backup.tar.gz.gpg')], PASSPHRASE);
    const list = spawnSync('tar', ['-tz'], { input: plain, encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    const names = list.stdout.split('\n').filter((n) => n !== '');
    expect(names[0]).toBe('postgres.sql.gz');
    const data = (volume: string, path: string): string => `volumes/${PROJECT}_${volume}/_data/${path}`;
    expect(names).toEqual(
      expect.arrayContaining([
        data('btcpay_datadir', 'Main/settings.config'),
        data('btcpay_datadir', 'Plugins/current'),
        data('lnd_bitcoin_datadir', 'data/chain/bitcoin/mainnet/channel.backup'),
        data('tor_servicesdir', 'BTCPayServer/hs_ed25519_secret_key'),
        data('bitcoin_wallet_datadir', 'mainnet/wallet.dat'),
        `volumes/${PROJECT}_bitcoin_datadir/`,
      ]),
    );
    expect(names.filter((n) => EXCLUDED.some((re) => re.test(n)))).toEqual([]);
    expect(names.every((n) => n === 'postgres.sql.gz' || n.startsWith(`volumes/${PROJECT}_`))).toBe(true);
  });

  it('is wrecked by wreck() and brought back by the stand-in btcpay-restore.sh', async () => {
    await stack.wreck();
    const wrecked = await stack.state();
    expect(wrecked.databases['btcpayservermainnet']!.tables['public.Payments']).toBeUndefined();
    expect(wrecked.volumes[`${PROJECT}_btcpay_datadir`]!['Main/settings.config']).toBeUndefined();
    expect(wrecked.volumes[`${PROJECT}_lnd_bitcoin_datadir`]!['tls.key']!.mode).toBe('0644');

    const result = await runScript('btcpay-restore.sh', [join(tmp, 'backup', 'backup.tar.gz.gpg')], { BTCPAY_BACKUP_PASSPHRASE: PASSPHRASE });
    expect(result.code, result.output).toBe(0);
    // The one error a pg_dumpall restore always prints, passed over as BTCPay's script does.
    expect(result.output).toContain('role "postgres" already exists');
    expect(await stack.running()).toEqual(stack.containers);
    // Nothing it touched was in an excluded path, so everything is as it was.
    expect(await stack.state()).toEqual(before);
  });

  it('is removed whole by remove(), even with a leftover helper container holding one of its volumes', async () => {
    const helper = await rig.docker.createContainer({
      Image: rig.images.busybox,
      Cmd: ['sleep', '600'],
      HostConfig: { Init: true, Mounts: [{ Type: 'volume', Source: `${PROJECT}_btcpay_datadir`, Target: '/v' }] },
    });
    await helper.start();
    await stack.remove();
    const containers = await rig.docker.listContainers({ all: true });
    expect(containers.filter((c) => c.Id === helper.id || c.Names.some((n) => n.startsWith(`/${PROJECT}_`)))).toEqual([]);
    expect(((await rig.docker.listVolumes()).Volumes ?? []).filter((v) => v.Name.startsWith(`${PROJECT}_`))).toEqual([]);
    await stack.remove(); // nothing left to remove: no error
  });
});
