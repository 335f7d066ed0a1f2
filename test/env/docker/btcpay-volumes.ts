// The files in the stand-in BTCPay stack's volumes (btcpay-stack.ts): BTCPay's real layout,
// owners and modes, deterministic contents (bulk scaled by dataScale), written in one go.
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { TEST_LABELS } from '../dockerd.js';
import { prng } from '../prng.mjs';

/** Database data folders: the servers own them, so neither filled nor compared as files. */
export const DATABASE_VOLUMES = new Set(['postgres_datadir', 'mariadb_datadir']);

interface Owner {
  readonly uid: number;
  readonly gid: number;
}
type Entry =
  | { readonly kind: 'dir'; readonly mode: number; readonly owner: Owner }
  | { readonly kind: 'file'; readonly mode: number; readonly owner: Owner; readonly size: number; readonly data: () => AsyncIterable<Buffer> }
  | { readonly kind: 'symlink'; readonly owner: Owner; readonly target: string };

const ROOT: Owner = { uid: 0, gid: 0 };
const BITCOIN: Owner = { uid: 101, gid: 101 };
const LND: Owner = { uid: 1000, gid: 1000 };
const TOR: Owner = { uid: 100, gid: 101 };
const MiB = 1024 * 1024;

/** Deterministic incompressible bytes: an AES-CTR keystream keyed by the seed, fast even for a GiB. */
async function* noise(seed: string, size: number): AsyncIterable<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  for (let left = size; left > 0; left -= MiB) yield cipher.update(left >= MiB ? zeros : zeros.subarray(0, left));
}

async function noiseBuffer(seed: string, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of noise(seed, size)) parts.push(b);
  return Buffer.concat(parts);
}

/** Every volume's files, keyed `<volume>/<path>`; parents precede children once sorted. */
async function volumeEntries(scale: number): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const r = prng(4004);
  const uuid = [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('')).join('-');
  const ensureDirs = (path: string, owner: Owner): void => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!entries.has(dir)) entries.set(dir, { kind: 'dir', mode: 0o755, owner });
    }
  };
  const dir = (path: string, mode: number, owner: Owner): void => {
    ensureDirs(path, owner);
    entries.set(path, { kind: 'dir', mode, owner });
  };
  const text = (path: string, content: string | Buffer, owner: Owner, mode = 0o644): void => {
    ensureDirs(path, owner);
    const buf = Buffer.from(content);
    entries.set(path, { kind: 'file', mode, owner, size: buf.length, data: async function* () { yield buf; } });
  };
  const bulk = (path: string, size: number, owner: Owner, mode = 0o644): void => {
    ensureDirs(path, owner);
    const n = Math.max(1, Math.round(size * scale));
    entries.set(path, { kind: 'file', mode, owner, size: n, data: () => noise(path, n) });
  };
  const link = (path: string, target: string, owner: Owner): void => {
    ensureDirs(path, owner);
    entries.set(path, { kind: 'symlink', owner, target });
  };
  const b64 = async (seed: string, n: number): Promise<string> => (await noiseBuffer(seed, n)).toString('base64').replace(/(.{70})/g, '$1\n');

  dir('btcpay_datadir', 0o755, ROOT);
  text('btcpay_datadir/Main/settings.config', [
    '### Global settings ###', 'network=mainnet', 'port=49392', 'bind=0.0.0.0', 'chains=btc', 'rootpath=/',
    'btc.explorer.url=http://nbxplorer:32838/', 'btc.explorer.cookiefile=/root/.nbxplorer/Main/.cookie',
    'btc.lightning=type=lnd-rest;server=http://lnd_bitcoin:8080/;macaroonfilepath=/etc/lnd_bitcoin/admin.macaroon;allowinsecure=true',
    'postgres=User ID=postgres;Host=postgres;Port=5432;Application Name=btcpayserver;Database=btcpayservermainnet', '',
  ].join('\n'), ROOT);
  text(`btcpay_datadir/key-${uuid}.xml`, `<?xml version="1.0" encoding="utf-8"?>\n<key id="${uuid}" version="1">\n  <creationDate>2024-05-12T09:13:07Z</creationDate>\n  <descriptor deserializerType="Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel.AuthenticatedEncryptorDescriptorDeserializer">\n    <masterKey><value>${(await noiseBuffer('dp-key', 64)).toString('base64')}</value></masterKey>\n  </descriptor>\n</key>\n`, ROOT, 0o600);
  const rsa = await b64('host_id_rsa', 1800);
  text('btcpay_datadir/host_id_rsa', `-----BEGIN OPENSSH PRIVATE KEY-----\n${rsa}\n-----END OPENSSH PRIVATE KEY-----\n`, ROOT, 0o600);
  const pub = `ssh-rsa ${(await noiseBuffer('host_id_rsa.pub', 279)).toString('base64')} btcpay`;
  text('btcpay_datadir/host_id_rsa.pub', `${pub}\n`, ROOT);
  text('btcpay_datadir/host_authorized_keys', `${pub}\n`, ROOT, 0o600);
  text('btcpay_datadir/FastSynced', '', ROOT);
  dir('btcpay_datadir/Plugins', 0o755, LND);
  text('btcpay_datadir/Plugins/BTCPayServer.Plugins.Boltcard/BTCPayServer.Plugins.Boltcard.dll', await noiseBuffer('plugin.dll', 48 * 1024), LND);
  text('btcpay_datadir/Plugins/BTCPayServer.Plugins.Boltcard/manifest.json', '{"Identifier":"BTCPayServer.Plugins.Boltcard","Version":"1.2.0"}\n', LND);
  link('btcpay_datadir/Plugins/current', 'BTCPayServer.Plugins.Boltcard', LND);
  text('btcpay_datadir/logs/btcpay.log', 'info: Configuration:  Data Directory: /datadir\ninfo: PayServer: Now listening on: http://0.0.0.0:49392\n', ROOT);
  dir('btcpay_datadir/LocalStorage/tmp', 0o755, ROOT);
  dir('btcpay_datadir/tmp', 0o1777, ROOT);

  text('nbxplorer_datadir/Main/settings.config', 'mainnet=1\nport=32838\nbind=0.0.0.0\nchains=btc\nbtcrpcurl=http://bitcoind:43782/\nbtcnodeendpoint=bitcoind:39388\n', ROOT);
  text('nbxplorer_datadir/Main/.cookie', `__cookie__:${(await noiseBuffer('nbx-cookie', 32)).toString('hex')}`, ROOT, 0o600);
  text('nbxplorer_datadir/Main/logs/log.txt', 'Info: Explorer: BTC: Node state changed: NBXplorerSynching => Ready\n', ROOT);

  dir('bitcoin_datadir', 0o755, BITCOIN);
  bulk('bitcoin_datadir/blocks/blk00000.dat', 3 * MiB, BITCOIN);
  bulk('bitcoin_datadir/blocks/index/000001.ldb', 256 * 1024, BITCOIN);
  bulk('bitcoin_datadir/chainstate/000002.ldb', MiB, BITCOIN);
  text('bitcoin_datadir/debug.log', '2024-05-12T09:13:07Z Bitcoin Core version v26.0.0 (release build)\n2024-05-12T09:13:08Z UpdateTip: new best=00000000000000000002a7c4 height=843210\n', BITCOIN);
  text('bitcoin_datadir/bitcoin.conf', 'rpcport=43782\nrpcbind=0.0.0.0:43782\nrpcallowip=0.0.0.0/0\nport=39388\nwhitelist=0.0.0.0/0\nmaxmempool=500\nprune=100000\n', BITCOIN);
  dir('bitcoin_datadir/wallets', 0o700, BITCOIN);
  text('bitcoin_datadir/wallets/.walletlock', '', BITCOIN);
  text('bitcoin_datadir/wallets/db.log', '', BITCOIN, 0o600);

  dir('bitcoin_wallet_datadir', 0o755, BITCOIN);
  text('bitcoin_wallet_datadir/mainnet/wallet.dat', await noiseBuffer('wallet.dat', 96 * 1024), BITCOIN, 0o600);
  text('bitcoin_wallet_datadir/mainnet/.walletlock', '', BITCOIN);

  dir('lnd_bitcoin_datadir', 0o755, LND);
  text('lnd_bitcoin_datadir/lnd.conf', '[Application Options]\nrestlisten=0.0.0.0:8080\nrpclisten=127.0.0.1:10008\nalias=BTCPay\n[Bitcoin]\nbitcoin.active=1\nbitcoin.mainnet=1\nbitcoin.node=bitcoind\n', LND);
  text('lnd_bitcoin_datadir/tls.cert', `-----BEGIN CERTIFICATE-----\n${await b64('tls.cert', 540)}\n-----END CERTIFICATE-----\n`, LND);
  text('lnd_bitcoin_datadir/tls.key', `-----BEGIN EC PRIVATE KEY-----\n${await b64('tls.key', 121)}\n-----END EC PRIVATE KEY-----\n`, LND, 0o600);
  bulk('lnd_bitcoin_datadir/data/graph/mainnet/channel.db', 2 * MiB, LND, 0o600);
  text('lnd_bitcoin_datadir/data/chain/bitcoin/mainnet/channel.backup', await noiseBuffer('channel.backup', 4 * 1024), LND, 0o600);
  text('lnd_bitcoin_datadir/data/chain/bitcoin/mainnet/admin.macaroon', await noiseBuffer('admin.macaroon', 259), LND, 0o600);
  // LND's wallet.db grows large on busy nodes and is archived: the bulk BTCPay's backup keeps.
  bulk('lnd_bitcoin_datadir/data/chain/bitcoin/mainnet/wallet.db', MiB, LND, 0o600);
  text('lnd_bitcoin_datadir/logs/bitcoin/mainnet/lnd.log', '2024-05-12 09:13:09.000 [INF] LTND: Version: 0.17.4-beta\n', LND);

  text('tor_torrcdir/torrc', 'SocksPort 0.0.0.0:9050\nControlPort 9051\nHiddenServiceDir /var/lib/tor/hidden_services/BTCPayServer\nHiddenServicePort 80 btcpayserver:49392\n', ROOT);
  dir('tor_servicesdir', 0o755, TOR);
  dir('tor_servicesdir/BTCPayServer', 0o700, TOR);
  text('tor_servicesdir/BTCPayServer/hostname', `${(await noiseBuffer('onion', 35)).toString('hex').slice(0, 56)}.onion\n`, TOR, 0o600);
  text('tor_servicesdir/BTCPayServer/hs_ed25519_secret_key', Buffer.concat([Buffer.from('== ed25519v1-secret: type0 ==\0\0\0'), await noiseBuffer('hs-secret', 64)]), TOR, 0o600);
  return entries;
}

/** Writes every volume's contents through one created (never started) helper container. */
export async function fillVolumes(docker: Dockerode, busybox: string, project: string, scale: number, volumes: readonly string[]): Promise<void> {
  const entries = await volumeEntries(scale);
  const helper = await docker.createContainer({
    Image: busybox,
    Cmd: ['true'],
    Labels: { ...TEST_LABELS },
    HostConfig: { Mounts: volumes.filter((v) => !DATABASE_VOLUMES.has(v)).map((v) => ({ Type: 'volume', Source: `${project}_${v}`, Target: `/v/${v}` })) },
  });
  try {
    const tar = pack();
    const mtime = new Date('2024-05-12T09:13:07Z');
    const fill = async (): Promise<void> => {
      for (const name of [...entries.keys()].sort()) {
        const e = entries.get(name)!;
        const common = { name, mtime, uid: e.owner.uid, gid: e.owner.gid };
        if (e.kind === 'dir') tar.entry({ ...common, type: 'directory', mode: e.mode });
        else if (e.kind === 'symlink') tar.entry({ ...common, type: 'symlink', linkname: e.target });
        else await pipeline(Readable.from(e.data()), tar.entry({ ...common, mode: e.mode, size: e.size }));
      }
    };
    void fill().then(
      () => tar.finalize(),
      (err: unknown) => tar.destroy(err instanceof Error ? err : new Error(String(err))),
    );
    // Without copyUIDGID the engine keeps the tar's owners, as it must here.
    await helper.putArchive(Readable.from(tar), { path: '/v' });
  } finally {
    await helper.remove({ force: true });
  }
}
