// A stand-in BTCPay Server deployment on the private test engine, shaped as docker-compose
// v1 leaves it (no compose binary here): the `${project}_default` network, containers and
// `${project}_*` volumes carrying compose's labels, a real Postgres 15 holding btcpay- and
// nbxplorer-like databases, and busybox containers in the other roles over volumes with
// BTCPay's real layout; with `mariadb`, also BTCPay's optional MariaDB (as its WooCommerce
// fragment adds it) holding a WordPress-like database. Plugin tests back it up, wreck it,
// restore it and compare `state()`.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { dockerExec, type DockerExecResult } from '../../../src-main/transport/docker/index.js';
import { TEST_LABELS } from '../dockerd.js';
import { mariadbState, seedMariadb, type StackMariadb, stackMariadb, waitForMariadb, wreckMariadb } from './btcpay-mariadb.js';
import { seedDatabases } from './btcpay-seed.js';
import { databaseState, pathStates, type StackState, wreck } from './btcpay-state.js';
import { DATABASE_VOLUMES, fillVolumes } from './btcpay-volumes.js';
import { ensureBusyboxImage } from './busybox-image.js';
import { ensureMariadbImage } from './mariadb-image.js';
import { ensurePostgresImage } from './postgres-image.js';

export { type MariadbDatabaseState, type MariadbState, type MariadbTableState, type StackMariadb, waitForMariadb } from './btcpay-mariadb.js';
export type { DatabaseState, PathState, StackState, TableState } from './btcpay-state.js';

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
  const my = options.mariadb ? stackMariadb(docker, mariadbContainer, mariadbPassword) : undefined;
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
