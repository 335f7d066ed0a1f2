// A stand-in BTCPay Server deployment on the private test engine, shaped as docker-compose
// v1 leaves it (no compose binary here): the `${project}_default` network, containers and
// `${project}_*` volumes carrying compose's labels, a real Postgres 15 holding btcpay- and
// nbxplorer-like databases, and busybox containers in the other roles over volumes with
// BTCPay's real layout; with `mariadb`, also BTCPay's optional MariaDB (as its WooCommerce
// fragment adds it) holding a WordPress-like database. Plugin tests back it up, wreck it,
// restore it and compare `state()`.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, chown, lstat, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { dockerExec, type DockerExecResult } from '../../../src-main/transport/docker/index.js';
import { TEST_LABELS } from '../dockerd.js';
import { prng } from '../prng.mjs';
import { ensureBusyboxImage } from './busybox-image.js';
import { ensureMariadbImage } from './mariadb-image.js';
import { ensurePostgresImage } from './postgres-image.js';

export interface BtcpayStackOptions {
  /** Compose project name. Default `generated`, BTCPay's own. */
  readonly project?: string;
  /**
   * Multiplies the bulk: blocks, chainstate and channel.db (all excluded from BTCPay's backup),
   * LND's wallet.db (archived) and nbxplorer's `txs` rows (400 × dataScale, in the dump).
   * Default 1: about 7 MiB of volumes; 140 makes about 1 GiB.
   */
  readonly dataScale?: number;
  /**
   * Adds service `mariadb` (MariaDB 10.11, volume `${project}_mariadb_datadir`, a random
   * MYSQL_ROOT_PASSWORD) after postgres, with a seeded `wordpress` database. Default false.
   */
  readonly mariadb?: boolean;
}

export interface MariadbTableState {
  readonly rows: number;
  /** CHECKSUM TABLE: equal iff the rows are (same server version and table definition). */
  readonly checksum: string;
  /** The next AUTO_INCREMENT value, or null for a table without one. */
  readonly autoIncrement: number | null;
  /** md5 of SHOW CREATE TABLE: columns, keys, constraints, engine, charset. */
  readonly definition: string;
}

export interface MariadbDatabaseState {
  /** `<type> <name>` of every table and view; `TRIGGER`/`VIEW-DEFINITION <name> <md5 of its body>`. */
  readonly objects: readonly string[];
  readonly tables: Readonly<Record<string, MariadbTableState>>;
}

export interface MariadbState {
  /** `user@host` of every account. */
  readonly accounts: readonly string[];
  /** Every database but the system ones (mysql, information_schema, performance_schema, sys). */
  readonly databases: Readonly<Record<string, MariadbDatabaseState>>;
}

export interface TableState {
  readonly rows: number;
  /** md5 of every row as text, in text order: equal iff the rows are. */
  readonly md5: string;
}

export interface DatabaseState {
  /** `<relkind> <schema>.<name> owner=<role>` of every table, index, view and sequence. */
  readonly objects: readonly string[];
  readonly tables: Readonly<Record<string, TableState>>;
  /** `<last_value> <is_called>` per sequence. */
  readonly sequences: Readonly<Record<string, string>>;
}

export interface PathState {
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits in octal, e.g. `0600`. */
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly size?: number;
  readonly sha256?: string;
  readonly target?: string;
}

export interface StackState {
  readonly roles: readonly string[];
  readonly databases: Readonly<Record<string, DatabaseState>>;
  /**
   * Per volume, per path under `_data` (`.` is `_data` itself). The Postgres data folder is
   * left out: the server rewrites it all the time, and `databases` describes its contents.
   */
  readonly volumes: Readonly<Record<string, Readonly<Record<string, PathState>>>>;
  /** Only on a stack made with `mariadb: true`; its data folder is left out of `volumes`. */
  readonly mariadb?: MariadbState;
}

export interface StackMariadb {
  readonly container: string;
  /** MYSQL_ROOT_PASSWORD of the container: random per stack. */
  readonly rootPassword: string;
  /** Runs SQL as root (`mariadb -N -B`, SQL on stdin, password as MYSQL_PWD); returns stdout. */
  sql(query: string | Buffer, db?: string): Promise<string>;
}

export interface BtcpayStack {
  readonly project: string;
  /**
   * Container names in start order (dependencies first): `${project}_<service>_1`, and for the
   * services BTCPay gives a container_name those names (`btcpayserver_bitcoind`,
   * `btcpayserver_lnd_bitcoin`, `tor`), prefixed `${project}_` unless the project is
   * `generated`, so that two stacks can share an engine.
   */
  readonly containers: readonly string[];
  /** Every `${project}_*` volume. */
  readonly volumes: readonly string[];
  /** The engine's data root: volumes live in `${dockerRoot}/volumes/<name>/_data`. */
  readonly dockerRoot: string;
  readonly postgresContainer: string;
  /** Present when the stack was made with `mariadb: true`. */
  readonly mariadb?: StackMariadb;
  /** What a user would compare after a restore (see StackState). */
  state(): Promise<StackState>;
  /** Names of the stack's containers running now, in start order. */
  running(): Promise<string[]>;
  /** The same damage every time: a dropped table, changed and deleted rows, deleted, changed, chmod'ed and chown'ed files. */
  wreck(): Promise<void>;
  /** Runs SQL in `db` as postgres (`psql -X -q -At -v ON_ERROR_STOP=1`, SQL on stdin); returns stdout. */
  sql(db: string, query: string): Promise<string>;
  /** Removes the containers, the `${project}_*` volumes and the network. */
  remove(): Promise<void>;
}

/** Engine calls dockerode has but Lifeboat's hand-written typings leave out. */
interface EngineExtras {
  info(): Promise<{ DockerRootDir: string }>;
  createNetwork(options: Record<string, unknown>): Promise<unknown>;
  listNetworks(options?: { filters?: Dockerode.Filters }): Promise<Array<{ Id: string; Name: string }>>;
  getNetwork(id: string): { remove(): Promise<unknown> };
}
const extras = (docker: Dockerode): EngineExtras => docker as unknown as EngineExtras;

interface ServiceDef {
  readonly service: string;
  /** BTCPay's compose files give these a fixed container_name. */
  readonly containerName?: string;
  readonly mounts: ReadonlyArray<readonly [volume: string, target: string]>;
  readonly dependsOn: readonly string[];
  readonly env?: readonly string[];
}

/** In start order. Mounts as in BTCPay's docker-compose fragments (some volumes are shared). */
const SERVICES: readonly ServiceDef[] = [
  { service: 'postgres', mounts: [['postgres_datadir', '/var/lib/postgresql/data']], dependsOn: [] },
  {
    service: 'bitcoind',
    containerName: 'btcpayserver_bitcoind',
    mounts: [['bitcoin_datadir', '/data'], ['bitcoin_wallet_datadir', '/walletdata']],
    dependsOn: [],
    env: ['BITCOIN_NETWORK=mainnet', 'BITCOIN_WALLETDIR=/walletdata'],
  },
  { service: 'tor', containerName: 'tor', mounts: [['tor_torrcdir', '/usr/local/etc/tor'], ['tor_servicesdir', '/var/lib/tor/hidden_services']], dependsOn: [] },
  {
    service: 'nbxplorer',
    mounts: [['nbxplorer_datadir', '/datadir'], ['bitcoin_datadir', '/root/.bitcoin']],
    dependsOn: ['postgres', 'bitcoind'],
    env: ['NBXPLORER_NETWORK=mainnet', 'NBXPLORER_POSTGRES=User ID=postgres;Host=postgres;Port=5432;Application Name=nbxplorer;MaxPoolSize=20;Database=nbxplorermainnet'],
  },
  {
    service: 'lnd_bitcoin',
    containerName: 'btcpayserver_lnd_bitcoin',
    mounts: [['lnd_bitcoin_datadir', '/data'], ['bitcoin_datadir', '/deps/.bitcoin']],
    dependsOn: ['bitcoind'],
    env: ['LND_CHAIN=btc', 'LND_ENVIRONMENT=mainnet'],
  },
  {
    service: 'btcpayserver',
    mounts: [['btcpay_datadir', '/datadir'], ['nbxplorer_datadir', '/root/.nbxplorer'], ['lnd_bitcoin_datadir', '/etc/lnd_bitcoin'], ['tor_servicesdir', '/var/lib/tor/hidden_services']],
    dependsOn: ['postgres', 'nbxplorer', 'lnd_bitcoin'],
    env: ['BTCPAY_NETWORK=mainnet', 'BTCPAY_POSTGRES=User ID=postgres;Host=postgres;Port=5432;Application Name=btcpayserver;Database=btcpayservermainnet'],
  },
];

/** BTCPay's opt-add-woocommerce fragment: a MariaDB the WordPress container uses. */
const MARIADB_SERVICE: ServiceDef = { service: 'mariadb', mounts: [['mariadb_datadir', '/var/lib/mysql']], dependsOn: [] };
/** Database data folders: the servers own them, so neither filled nor compared as files. */
const DATABASE_VOLUMES = new Set(['postgres_datadir', 'mariadb_datadir']);

const servicesOf = (mariadb: boolean): readonly ServiceDef[] => (mariadb ? [SERVICES[0]!, MARIADB_SERVICE, ...SERVICES.slice(1)] : SERVICES);
const volumesOf = (services: readonly ServiceDef[]): string[] => [...new Set(services.flatMap((s) => s.mounts.map(([v]) => v)))];
const COMPOSE_VERSION = '1.29.2';
const WORKING_DIR = '/root/btcpayserver-docker/Generated';

const containerNameOf = (project: string, s: ServiceDef): string =>
  // Two stacks on one engine (`generated` and a test's own) must not fight over `tor`.
  s.containerName === undefined ? `${project}_${s.service}_1` : project === 'generated' ? s.containerName : `${project}_${s.containerName}`;

export async function createBtcpayStack(docker: Dockerode, options: BtcpayStackOptions = {}): Promise<BtcpayStack> {
  const project = options.project ?? 'generated';
  const scale = options.dataScale ?? 1;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`Compose project names are lowercase letters, digits, _ and -; got "${project}".`);
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`dataScale must be a positive number; got ${scale}.`);
  const services = servicesOf(options.mariadb === true);
  const shortVolumes = volumesOf(services);
  const [busybox, postgres, mariadbImage] = await Promise.all([ensureBusyboxImage(docker), ensurePostgresImage(docker), options.mariadb ? ensureMariadbImage(docker) : undefined]);
  const dockerRoot = (await extras(docker).info()).DockerRootDir;
  const names = services.map((s) => containerNameOf(project, s));
  const volumes = shortVolumes.map((v) => `${project}_${v}`);
  const network = `${project}_default`;
  const postgresContainer = containerNameOf(project, SERVICES[0]!);
  const remove = (): Promise<void> => removeStack(docker, project, names);

  await remove(); // a leftover of an interrupted run
  const projectLabel = { ...TEST_LABELS, 'com.docker.compose.project': project, 'com.docker.compose.version': COMPOSE_VERSION };
  await extras(docker).createNetwork({ Name: network, Driver: 'bridge', CheckDuplicate: true, Labels: { ...projectLabel, 'com.docker.compose.network': 'default' } });
  for (const v of shortVolumes) await docker.createVolume({ Name: `${project}_${v}`, Labels: { ...projectLabel, 'com.docker.compose.volume': v } });
  await fillVolumes(docker, busybox, project, scale, shortVolumes);
  const mariadbPassword = randomBytes(12).toString('hex');
  const imageOf = (service: string): string => (service === 'postgres' ? postgres : service === 'mariadb' && mariadbImage ? mariadbImage : busybox);

  for (const [i, s] of services.entries()) {
    const server = s.service === 'postgres' || s.service === 'mariadb';
    const container = await docker.createContainer({
      name: names[i],
      Image: imageOf(s.service),
      // busybox has no daemons to play: a sleeper that init stops at once on SIGTERM.
      Cmd: server ? undefined : ['sleep', '1000000000'],
      Env: [...(s.env ?? []), ...(s.service === 'mariadb' ? [`MYSQL_ROOT_PASSWORD=${mariadbPassword}`] : [])],
      // The official postgres image's STOPSIGNAL: a fast shutdown (SIGTERM waits for clients).
      StopSignal: s.service === 'postgres' ? 'SIGINT' : undefined,
      Labels: {
        ...projectLabel,
        'com.docker.compose.service': s.service,
        'com.docker.compose.container-number': '1',
        'com.docker.compose.oneoff': 'False',
        'com.docker.compose.project.working_dir': WORKING_DIR,
        'com.docker.compose.project.config_files': `${WORKING_DIR}/docker-compose.generated.yml`,
        'com.docker.compose.depends_on': s.dependsOn.map((d) => `${d}:service_started:false`).join(','),
      },
      HostConfig: {
        Init: true,
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: network,
        Mounts: s.mounts.map(([v, target]) => ({ Type: 'volume', Source: `${project}_${v}`, Target: target })),
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [s.service] } } },
    });
    await container.start();
  }
  await waitForPostgres(docker, postgresContainer, { timeoutMs: 60_000 });

  const sql = async (db: string, query: string): Promise<string> =>
    (await dockerExec(docker.getContainer(postgresContainer), ['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', 'postgres', '-d', db], { input: query })).stdout;
  await seedDatabases(sql, scale);

  const mariadbContainer = containerNameOf(project, MARIADB_SERVICE);
  const my: StackMariadb | undefined = options.mariadb
    ? {
        container: mariadbContainer,
        rootPassword: mariadbPassword,
        sql: async (query, db) =>
          (await dockerExec(docker.getContainer(mariadbContainer), ['mariadb', '-u', 'root', '-N', '-B', ...(db ? [db] : [])], { input: query, env: { MYSQL_PWD: mariadbPassword } })).stdout,
      }
    : undefined;
  if (my) {
    await waitForMariadb(docker, my.container, my.rootPassword, { timeoutMs: 60_000 });
    await seedMariadb(my.sql);
  }

  return {
    project,
    containers: names,
    volumes,
    dockerRoot,
    postgresContainer,
    ...(my ? { mariadb: my } : {}),
    sql,
    remove,
    running: async () => {
      const list = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`], status: ['running'] } });
      const up = new Set(list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))));
      return names.filter((n) => up.has(n));
    },
    state: async () => ({
      ...(await databaseState(sql)),
      volumes: Object.fromEntries(
        await Promise.all(
          shortVolumes.filter((v) => !DATABASE_VOLUMES.has(v)).map(async (v) => [`${project}_${v}`, await pathStates(join(dockerRoot, 'volumes', `${project}_${v}`, '_data'))] as const),
        ),
      ),
      ...(my ? { mariadb: await mariadbState(my.sql) } : {}),
    }),
    wreck: async () => {
      await wreck(sql, (v) => join(dockerRoot, 'volumes', `${project}_${v}`, '_data'));
      if (my) await wreckMariadb(my.sql);
    },
  };
}

/**
 * Polls a query over TCP until the real server answers: the entrypoint's temporary server
 * (set-up of a fresh data folder) listens on the unix socket only.
 */
export async function waitForMariadb(docker: Dockerode, container: string, password: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const c = docker.getContainer(container);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (!(await c.inspect()).State.Running) throw new Error(`MariaDB container ${container} is not running (it exited or was never started): docker logs ${container}.`);
    const last = await dockerExec(c, ['mariadb', '-u', 'root', '-h', '127.0.0.1', '-N', '-e', 'SELECT 1'], { allowFailure: true, env: { MYSQL_PWD: password } });
    if (last.code === 0) return;
    if (Date.now() > deadline) throw new Error(`MariaDB in ${container} did not accept connections in time; last try: ${last.code} ${last.stdout}${last.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `pg_isready -h 127.0.0.1` in the container until the server takes TCP connections. */
export async function waitForPostgres(docker: Dockerode, container: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const c = docker.getContainer(container);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: DockerExecResult | undefined;
  for (;;) {
    if (!(await c.inspect()).State.Running) throw new Error(`Postgres container ${container} is not running (it exited or was never started).`);
    last = await dockerExec(c, ['pg_isready', '-h', '127.0.0.1', '-U', 'postgres', '-t', '1'], { allowFailure: true });
    if (last.code === 0) return;
    if (Date.now() > deadline) throw new Error(`Postgres in ${container} did not accept connections in time; last pg_isready: ${last.code} ${last.stdout}${last.stderr}`);
    // pg_isready answers at once while nothing listens; pace the polls.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function removeStack(docker: Dockerode, project: string, names: readonly string[]): Promise<void> {
  const labelled = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  const named = await docker.listContainers({ all: true, filters: { name: names.map((n) => `^/${n}$`) } });
  for (const id of new Set([...labelled, ...named].map((c) => c.Id))) await docker.getContainer(id).remove({ force: true, v: false });
  // By name too: a rollback copy a plugin made next to the real volumes goes with them.
  for (const v of (await docker.listVolumes()).Volumes ?? []) {
    if (!v.Name.startsWith(`${project}_`) && v.Labels?.['com.docker.compose.project'] !== project) continue;
    // A helper container a plugin left holding the volume would keep it from being removed.
    for (const c of await docker.listContainers({ all: true, filters: { volume: [v.Name] } })) await docker.getContainer(c.Id).remove({ force: true, v: false });
    await docker.getVolume(v.Name).remove({ force: true });
  }
  for (const n of await extras(docker).listNetworks({ filters: { name: [`${project}_default`] } })) {
    if (n.Name === `${project}_default`) await extras(docker).getNetwork(n.Id).remove();
  }
}

// ---- volume contents ----

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
async function fillVolumes(docker: Dockerode, busybox: string, project: string, scale: number, volumes: readonly string[]): Promise<void> {
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

/** Type, mode, owner, size, sha256 or link target of everything below `root`. */
async function pathStates(root: string): Promise<Record<string, PathState>> {
  const out: Record<string, PathState> = {};
  const visit = async (rel: string): Promise<void> => {
    const abs = rel === '.' ? root : join(root, rel);
    const st = await lstat(abs);
    const base = { mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      out[rel] = { type: 'directory', ...base };
      for (const name of (await readdir(abs)).sort()) await visit(rel === '.' ? name : `${rel}/${name}`);
    } else if (st.isSymbolicLink()) {
      out[rel] = { type: 'symlink', ...base, target: await readlink(abs) };
    } else if (st.isFile()) {
      const hash = createHash('sha256');
      await pipeline(createReadStream(abs), hash);
      out[rel] = { type: 'file', ...base, size: st.size, sha256: hash.digest('hex') };
    } else {
      out[rel] = { type: 'other', ...base };
    }
  };
  await visit('.');
  return out;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

async function databaseState(sql: (db: string, q: string) => Promise<string>): Promise<Pick<StackState, 'roles' | 'databases'>> {
  const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');
  const roles = lines(await sql('postgres', "select rolname from pg_roles where rolname !~ '^pg_' order by 1"));
  const databases: Record<string, DatabaseState> = {};
  for (const db of lines(await sql('postgres', 'select datname from pg_database where not datistemplate order by 1'))) {
    const relations = lines(
      await sql(
        db,
        `select c.relkind::text || E'\\t' || n.nspname || E'\\t' || c.relname || E'\\t' || pg_get_userbyid(c.relowner)
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
           and c.relkind in ('r', 'p', 'S', 'v', 'm', 'i')
         order by n.nspname, c.relname`,
      ),
    ).map((l) => l.split('\t') as [string, string, string, string]);
    const probes = relations.flatMap(([kind, ns, name]) => {
      const rel = `${ident(ns)}.${ident(name)}`;
      const key = `'${`${ns}.${name}`.replace(/'/g, "''")}'`;
      if (kind === 'r' || kind === 'p') return [`select 'T', ${key}, count(*) || ' ' || md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from ${rel} t`];
      if (kind === 'S') return [`select 'S', ${key}, last_value || ' ' || is_called from ${rel}`];
      return [];
    });
    const tables: Record<string, TableState> = {};
    const sequences: Record<string, string> = {};
    if (probes.length > 0) {
      for (const [kind, key, value] of lines(await sql(db, `${probes.join('\nunion all ')};`)).map((l) => l.split('|') as [string, string, string])) {
        if (kind === 'T') {
          const [rows, md5] = value.split(' ') as [string, string];
          tables[key] = { rows: Number(rows), md5 };
        } else sequences[key] = value;
      }
    }
    databases[db] = { objects: relations.map(([kind, ns, name, owner]) => `${kind} ${ns}.${name} owner=${owner}`), tables, sequences };
  }
  return { roles, databases };
}

// ---- database contents ----

/** A deterministic, btcpay-like cluster: EF Core-style quoted tables with FKs, indexes, views, an identity and a serial. */
async function seedDatabases(sql: (db: string, q: string) => Promise<string>, scale: number): Promise<void> {
  const r = prng(1234);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  const when = (): string => new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 31_536_000) * 1000).toISOString();
  const q = (v: string | number | boolean | null): string => (v === null ? 'null' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
  /** Statements of at most 2,000 rows, so a large dataScale makes no giant statement. */
  const insert = (table: string, cols: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string => {
    const out: string[] = [];
    for (let i = 0; i < rows.length; i += 2000) {
      out.push(`insert into ${table} (${cols.map(ident).join(', ')}) values\n${rows.slice(i, i + 2000).map((row) => `(${row.map(q).join(', ')})`).join(',\n')};`);
    }
    return out.join('\n');
  };

  await sql('postgres', 'create role btcpay_app login;\ncreate database btcpayservermainnet;\ncreate database nbxplorermainnet;');

  const users = Array.from({ length: 20 }, (_, i) => [hex(8) + '-' + hex(4), `user${i}@example.com`, `USER${i}@EXAMPLE.COM`, r() < 0.8, `AQAAAAEAACcQ${hex(40)}`, when()] as const);
  const stores = Array.from({ length: 12 }, (_, i) => [hex(12), `Store ${i}`, r() < 0.5 ? `https://shop${i}.example` : null, pick([0, 1, 2, 3]), `{"BTC": {"accountDerivation": "xpub${hex(32)}"}}`] as const);
  const userStores = users.flatMap((u, i) => [[u[0], stores[i % stores.length]![0], i < 12 ? 'Owner' : 'Guest'] as const]);
  const invoices = Array.from({ length: 300 }, (_, i) => [
    hex(22), pick(stores)[0], when(), pick(['New', 'Processing', 'Settled', 'Settled', 'Expired', 'Invalid']), r() < 0.1 ? 'PaidPartial' : null,
    pick(['USD', 'EUR', 'BTC']), (r() * 500).toFixed(8), `order-${i}`, `{"speedPolicy": ${pick([0, 1, 2])}, "notificationEmail": null}`,
  ] as const);
  const payments = invoices.filter((i) => i[3] === 'Settled' || i[3] === 'Processing').map((i) => [`${hex(64)}-${Math.floor(r() * 4)}`, 'BTC-CHAIN', i[0], when(), (r() * 0.01).toFixed(8), 'BTC', pick(['Settled', 'Processing']), `{"destination": "bc1q${hex(38)}"}`] as const);
  const events = invoices.flatMap((i) => Array.from({ length: 1 + Math.floor(r() * 3) }, () => [i[0], pick(['Invoice created', 'Invoice status is Settled', 'Payment detected']), when(), pick([0, 1, 2])] as const));
  await sql(
    'btcpayservermainnet',
    `create table "__EFMigrationsHistory" ("MigrationId" varchar(150) primary key, "ProductVersion" varchar(32) not null);
create table "ApplicationUsers" ("Id" text primary key, "Email" varchar(256), "NormalizedEmail" varchar(256), "EmailConfirmed" boolean not null, "PasswordHash" text, "Created" timestamptz);
create unique index "EmailIndex" on "ApplicationUsers" ("NormalizedEmail");
create table "Stores" ("Id" text primary key, "StoreName" text, "StoreWebsite" text, "SpeedPolicy" integer not null, "DerivationStrategies" jsonb, "Archived" boolean not null default false);
create table "UserStore" ("ApplicationUserId" text not null references "ApplicationUsers" ("Id") on delete cascade, "StoreDataId" text not null references "Stores" ("Id") on delete cascade, "Role" text not null, primary key ("ApplicationUserId", "StoreDataId"));
create table "Invoices" ("Id" text primary key, "StoreDataId" text references "Stores" ("Id") on delete cascade, "Created" timestamptz not null, "Status" text not null, "ExceptionStatus" text, "Currency" text not null, "Amount" numeric(20, 8), "OrderId" text, "Blob2" jsonb, "Archived" boolean not null default false);
create index "IX_Invoices_StoreDataId" on "Invoices" ("StoreDataId");
create index "IX_Invoices_Created" on "Invoices" ("Created");
create table "Payments" ("Id" text not null, "PaymentMethodId" text not null, "InvoiceDataId" text not null references "Invoices" ("Id") on delete cascade, "Created" timestamptz, "Amount" numeric(20, 8), "Currency" text, "Status" text, "Blob2" jsonb, primary key ("Id", "PaymentMethodId"));
create index "IX_Payments_InvoiceDataId" on "Payments" ("InvoiceDataId");
create table "InvoiceEvents" ("Id" bigint generated by default as identity primary key, "InvoiceDataId" text not null references "Invoices" ("Id") on delete cascade, "Message" text, "Timestamp" timestamptz not null, "Severity" integer not null default 0);
create table "Settings" ("Id" text primary key, "Value" jsonb);
alter table "Settings" owner to btcpay_app;
create view "InvoiceTotals" as select i."StoreDataId", count(*) as "Count", sum(p."Amount") as "Paid" from "Invoices" i left join "Payments" p on p."InvoiceDataId" = i."Id" group by i."StoreDataId";
grant select, insert, update, delete on all tables in schema public to btcpay_app;
${insert('"__EFMigrationsHistory"', ['MigrationId', 'ProductVersion'], [['20170913143004_Init', '2.0.0'], ['20240229000000_AddPaymentMethodId', '8.0.1'], ['20240508015052_fileid', '8.0.1']])}
${insert('"ApplicationUsers"', ['Id', 'Email', 'NormalizedEmail', 'EmailConfirmed', 'PasswordHash', 'Created'], users)}
${insert('"Stores"', ['Id', 'StoreName', 'StoreWebsite', 'SpeedPolicy', 'DerivationStrategies'], stores)}
${insert('"UserStore"', ['ApplicationUserId', 'StoreDataId', 'Role'], userStores)}
${insert('"Invoices"', ['Id', 'StoreDataId', 'Created', 'Status', 'ExceptionStatus', 'Currency', 'Amount', 'OrderId', 'Blob2'], invoices)}
${insert('"Payments"', ['Id', 'PaymentMethodId', 'InvoiceDataId', 'Created', 'Amount', 'Currency', 'Status', 'Blob2'], payments)}
${insert('"InvoiceEvents"', ['InvoiceDataId', 'Message', 'Timestamp', 'Severity'], events)}
${insert('"Settings"', ['Id', 'Value'], [['BTCPayServer.Services.PoliciesSettings', '{"LockSubscription": true}'], ['BTCPayServer.Services.ThemeSettings', '{"CustomTheme": false}']])}`,
  );

  let height = 843_000;
  const blks = Array.from({ length: 120 }, () => ['BTC', hex(64), height++, hex(64), r() < 0.95, when()] as const);
  const txs = Array.from({ length: Math.max(1, Math.round(400 * scale)) }, () => {
    const blk = r() < 0.85 ? pick(blks) : undefined;
    return ['BTC', hex(64), `\\x${hex(2 * (60 + Math.floor(r() * 200)))}`, blk?.[1] ?? null, blk ? Math.floor(r() * 3000) : null, blk?.[2] ?? null, blk === undefined, when()] as const;
  });
  const evts = Array.from({ length: 250 }, () => ['BTC', pick(['newblock', 'newtransaction']), `{"height": ${843_000 + Math.floor(r() * 120)}, "confirmations": ${Math.floor(r() * 6)}}`] as const);
  await sql(
    'nbxplorermainnet',
    `create table blks (code text not null, blk_id text not null, height bigint, prev_id text, confirmed boolean not null default false, indexed_at timestamptz, primary key (code, blk_id));
create index blks_height on blks (code, height) where confirmed;
create table txs (code text not null, tx_id text not null, raw bytea, blk_id text, blk_idx integer, blk_height bigint, mempool boolean not null default true, seen_at timestamptz not null, primary key (code, tx_id), foreign key (code, blk_id) references blks on delete set null (blk_id));
create index txs_by_blk on txs (code, blk_id);
create table nbxv1_evts (code text not null, id bigserial, type text not null, data jsonb not null, primary key (code, id));
create view nbxv1_tx_counts as select code, count(*) filter (where not mempool) as confirmed, count(*) filter (where mempool) as unconfirmed from txs group by code;
${insert('blks', ['code', 'blk_id', 'height', 'prev_id', 'confirmed', 'indexed_at'], blks)}
${insert('txs', ['code', 'tx_id', 'raw', 'blk_id', 'blk_idx', 'blk_height', 'mempool', 'seen_at'], txs)}
${insert('nbxv1_evts', ['code', 'type', 'data'], evts)}`,
  );
}

/** The same damage every time, in both the databases and the volumes (none in excluded paths). */
async function wreck(sql: (db: string, q: string) => Promise<string>, volume: (name: string) => string): Promise<void> {
  await sql(
    'btcpayservermainnet',
    `drop table "Payments" cascade;
     update "Invoices" set "Status" = 'Expired' where "Status" = 'Settled';
     delete from "InvoiceEvents" where "Id" % 3 = 0;
     insert into "InvoiceEvents" ("InvoiceDataId", "Message", "Timestamp") select "Id", 'wrecked', '2025-01-01T00:00:00Z' from "Invoices" limit 5;`,
  );
  await sql('nbxplorermainnet', 'delete from txs where mempool; truncate nbxv1_evts;');
  await rm(join(volume('btcpay_datadir'), 'Main/settings.config'));
  await rm(join(volume('btcpay_datadir'), 'Plugins/BTCPayServer.Plugins.Boltcard'), { recursive: true });
  await writeFile(join(volume('nbxplorer_datadir'), 'Main/settings.config'), 'mainnet=1\n');
  await rm(join(volume('bitcoin_wallet_datadir'), 'mainnet/wallet.dat'));
  await writeFile(join(volume('lnd_bitcoin_datadir'), 'data/chain/bitcoin/mainnet/channel.backup'), Buffer.alloc(4096, 0xee));
  await chmod(join(volume('lnd_bitcoin_datadir'), 'tls.key'), 0o644);
  await chown(join(volume('lnd_bitcoin_datadir'), 'lnd.conf'), 0, 0);
  await rm(join(volume('tor_servicesdir'), 'BTCPayServer/hs_ed25519_secret_key'));
}

// ---- MariaDB (optional) ----

type MariadbSql = (query: string | Buffer, db?: string) => Promise<string>;
const SYSTEM_SCHEMAS = "('mysql', 'information_schema', 'performance_schema', 'sys')";
const myIdent = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
const myString = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

async function mariadbState(sql: MariadbSql): Promise<MariadbState> {
  const rows = (s: string): string[][] => s.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  const accounts = rows(await sql("SELECT CONCAT(user, '@', host) FROM mysql.user ORDER BY 1")).map((r) => r[0]!);
  const databases: Record<string, MariadbDatabaseState> = {};
  for (const [db] of rows(await sql(`SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ${SYSTEM_SCHEMAS} ORDER BY 1`))) {
    const schema = myString(db!);
    const objects = rows(
      await sql(
        `SELECT CONCAT(table_type, ' ', table_name) FROM information_schema.tables WHERE table_schema = ${schema}
         UNION ALL SELECT CONCAT('TRIGGER ', trigger_name, ' ', MD5(action_statement)) FROM information_schema.triggers WHERE trigger_schema = ${schema}
         UNION ALL SELECT CONCAT('VIEW-DEFINITION ', table_name, ' ', MD5(view_definition)) FROM information_schema.views WHERE table_schema = ${schema}
         ORDER BY 1`,
      ),
    ).map((r) => r[0]!);
    const tables: Record<string, MariadbTableState> = {};
    const bases = rows(await sql(`SELECT table_name, COALESCE(auto_increment, 'null') FROM information_schema.tables WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY 1`));
    for (const [name, auto] of bases) {
      const table = `${myIdent(db!)}.${myIdent(name!)}`;
      const [count] = rows(await sql(`SELECT COUNT(*) FROM ${table}`))[0]!;
      const [, checksum] = rows(await sql(`CHECKSUM TABLE ${table} EXTENDED`))[0]!;
      const definition = createHash('md5').update(await sql(`SHOW CREATE TABLE ${table}`)).digest('hex');
      tables[name!] = { rows: Number(count), checksum: checksum!, autoIncrement: auto === 'null' ? null : Number(auto), definition };
    }
    databases[db!] = { objects, tables };
  }
  return { accounts, databases };
}

/** A deterministic WordPress/WooCommerce-like database: auto-increments with gaps, utf8mb4 text, NULLs, blobs, a view, a trigger and an account of its own. */
async function seedMariadb(sql: MariadbSql): Promise<void> {
  const r = prng(5151);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  const when = (): string => new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 31_536_000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const v = (x: string | number | null): string => (x === null ? 'NULL' : typeof x === 'number' ? String(x) : myString(x));
  const insert = (table: string, cols: readonly string[], values: ReadonlyArray<ReadonlyArray<string | number | null>>): string =>
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES\n${values.map((row) => `(${row.map(v).join(', ')})`).join(',\n')};`;

  const options = [
    ['siteurl', 'https://shop.example', 'yes'],
    ['blogname', 'Ünïcode Shop ⚡ 🛒', 'yes'],
    ['woocommerce_currency', 'BTC', 'yes'],
    ['btcpay_gf_api_key', hex(40), 'no'],
    ['active_plugins', 'a:2:{i:0;s:27:"woocommerce/woocommerce.php";i:1;s:37:"btcpay-greenfield-for-woocommerce.php";}', 'yes'],
    ...Array.from({ length: 40 }, (_, i) => [`_transient_wc_${i}`, hex(64), 'no'] as const),
  ];
  const posts = Array.from({ length: 150 }, (_, i) => [
    1 + Math.floor(r() * 3), when(), `Product ${i} — “quoted” ‘text’ \\ backslash`, r() < 0.1 ? null : `<p>${hex(200)}</p>\n<!-- wp:paragraph -->`, pick(['publish', 'draft', 'private']), pick(['product', 'post', 'page', 'shop_order']),
  ] as const);
  const meta = Array.from({ length: 400 }, () => [1 + Math.floor(r() * 150), pick(['_price', '_sku', '_stock', '_btcpay_invoice_id']), r() < 0.05 ? null : hex(16)] as const);
  const orders = Array.from({ length: 80 }, () => [pick(['wc-completed', 'wc-processing', 'wc-on-hold', 'wc-cancelled']), 'BTC', (r() * 2).toFixed(8), `bc1q${hex(38)}`, when()] as const);
  await sql(
    `CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE wordpress;
CREATE TABLE wp_options (option_id bigint unsigned NOT NULL AUTO_INCREMENT, option_name varchar(191) NOT NULL, option_value longtext NOT NULL, autoload varchar(20) NOT NULL DEFAULT 'yes', PRIMARY KEY (option_id), UNIQUE KEY option_name (option_name)) ENGINE=InnoDB;
CREATE TABLE wp_posts (ID bigint unsigned NOT NULL AUTO_INCREMENT, post_author bigint unsigned NOT NULL DEFAULT 0, post_date datetime NOT NULL, post_title text NOT NULL, post_content longtext, post_status varchar(20) NOT NULL DEFAULT 'publish', post_type varchar(20) NOT NULL DEFAULT 'post', comment_count bigint NOT NULL DEFAULT 0, PRIMARY KEY (ID), KEY type_status_date (post_type, post_status, post_date)) ENGINE=InnoDB;
CREATE TABLE wp_postmeta (meta_id bigint unsigned NOT NULL AUTO_INCREMENT, post_id bigint unsigned NOT NULL DEFAULT 0, meta_key varchar(255), meta_value longtext, PRIMARY KEY (meta_id), KEY post_id (post_id)) ENGINE=InnoDB;
CREATE TABLE wp_comments (comment_ID bigint unsigned NOT NULL AUTO_INCREMENT, comment_post_ID bigint unsigned NOT NULL, comment_content text NOT NULL, PRIMARY KEY (comment_ID), CONSTRAINT fk_post FOREIGN KEY (comment_post_ID) REFERENCES wp_posts (ID) ON DELETE CASCADE) ENGINE=InnoDB;
CREATE TABLE wp_wc_orders (id bigint unsigned NOT NULL AUTO_INCREMENT, status varchar(20), currency varchar(10), total_amount decimal(26,8), btc_address varchar(100), date_created_gmt datetime, PRIMARY KEY (id)) ENGINE=InnoDB;
CREATE TABLE wp_blobs (name varchar(64) NOT NULL PRIMARY KEY, data mediumblob) ENGINE=InnoDB;
CREATE VIEW wp_order_totals AS SELECT status, COUNT(*) AS orders, SUM(total_amount) AS total FROM wp_wc_orders GROUP BY status;
CREATE TRIGGER wp_comment_count AFTER INSERT ON wp_comments FOR EACH ROW UPDATE wp_posts SET comment_count = comment_count + 1 WHERE ID = NEW.comment_post_ID;
${insert('wp_options', ['option_name', 'option_value', 'autoload'], options)}
${insert('wp_posts', ['post_author', 'post_date', 'post_title', 'post_content', 'post_status', 'post_type'], posts)}
${insert('wp_postmeta', ['post_id', 'meta_key', 'meta_value'], meta)}
${insert('wp_comments', ['comment_post_ID', 'comment_content'], Array.from({ length: 60 }, () => [1 + Math.floor(r() * 150), `Nice! ${hex(30)} 👍`] as const))}
${insert('wp_wc_orders', ['status', 'currency', 'total_amount', 'btc_address', 'date_created_gmt'], orders)}
INSERT INTO wp_blobs (name, data) VALUES ('logo.png', UNHEX('${hex(2048)}')), ('empty', ''), ('null', NULL);
-- Gaps: the next AUTO_INCREMENT is above the largest id, as on a live site.
DELETE FROM wp_posts WHERE ID > 140;
DELETE FROM wp_wc_orders WHERE id % 7 = 0;
CREATE USER 'wp_app'@'%' IDENTIFIED BY 'wp-app-password';
GRANT SELECT, INSERT, UPDATE, DELETE ON wordpress.* TO 'wp_app'@'%';`,
  );
}

/** The same damage every time: a dropped table and account, changed, deleted and added rows. */
async function wreckMariadb(sql: MariadbSql): Promise<void> {
  await sql(
    `DROP TABLE wp_comments;
UPDATE wp_posts SET post_status = 'trash' WHERE post_type = 'product';
DELETE FROM wp_options WHERE option_id % 2 = 0;
INSERT INTO wp_wc_orders (status, currency, total_amount) VALUES ('wc-wrecked', 'BTC', 0), ('wc-wrecked', 'BTC', 1);
UPDATE wp_blobs SET data = 'x' WHERE name = 'logo.png';
DROP USER 'wp_app'@'%';`,
    'wordpress',
  );
}
