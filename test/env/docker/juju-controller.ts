// A stand-in Juju 2.9 deployment for the juju-state plugin's tests: a controller (machine-0)
// and machines 1 and 2, each a container of the juju-machine image reached over real SSH as
// ubuntu (key login, passwordless sudo), on a network of its own with fixed addresses (a
// stopped controller's address is never handed to another machine). machine-0 carries the
// layout Juju's backups collect (/var/lib/juju/agents, tools, init, server.pem, secrets...)
// with root's owners and modes, and the juju-db stand-in's data folder holding realistic
// collections; every machine runs its jujud stand-in. `newController()` makes a fresh host to
// restore onto. The files go in before each container first starts, so creation is quick.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { stringify } from 'yaml';
import { type BsonDocument, encodeBson, ObjectId } from '../bson.js';
import { dockerExec } from '../../../src-main/transport/docker/index.js';
import { ensureDebianPackages } from '../debian-packages.mjs';
import { alive, TEST_LABELS } from '../dockerd.js';
import { ensureJujuMachineImage, JUJU_MACHINE_UID, JUJUD_STANDIN_SCRIPT } from './juju-machine-image.js';

export interface JujuMachine {
  /** Container name, `<prefix>-machine-<N>` (new controllers: `<prefix>-new-<k>`). */
  readonly name: string;
  /** Container id. */
  readonly id: string;
  /** Its IPv4 address; SSH on port 22 there. Kept across stop/start. */
  readonly address: string;
  /** Juju machine number (new controllers: 0, the number they take over). */
  readonly machineId: number;
  /** Runs `cmd` as root in the machine (not over SSH); stdout. Throws on a non-zero exit. */
  exec(cmd: string[]): Promise<string>;
  readFile(path: string): Promise<Buffer>;
  /** Stops the container (the machine is down: no SSH, no API, no juju-db). */
  stop(): Promise<void>;
  /** Starts it again; its installed services start as at boot. Resolves once SSH answers. */
  start(): Promise<void>;
  remove(): Promise<void>;
}

export interface JujuEnv {
  /** machine-0. */
  readonly controller: JujuMachine;
  /** machine-1 and machine-2. */
  readonly machines: readonly JujuMachine[];
  /** Private key (OpenSSH format, 0600) for ubuntu@ on every machine. */
  readonly userKeyPath: string;
  /** Every machine's host keys (new controllers included), known_hosts lines `<ip> <type> <key>`. */
  knownHostsText(): string;
  /** machine-0's statepassword (also the juju-db password of user machine-0). */
  readonly statePassword: string;
  readonly controllerUuid: string;
  readonly modelUuid: string;
  /** Juju version, e.g. 2.9.42; the tools folder is `<version>-focal-amd64`. */
  readonly version: string;
  /** A fresh machine with no /var/lib/juju, juju-db (stand-in) installed and running, another address. */
  newController(): Promise<JujuMachine>;
  /** sha256 per file of m's juju-db data folder (`<db>/<collection>.bson`, `.metadata.json`; local/ left out). */
  dbState(m: JujuMachine): Promise<Record<string, string>>;
  /** Removes every machine, the network and the key folder. */
  remove(): Promise<void>;
}

export interface JujuEnvOptions {
  /** Names the containers and the network. Default `lbt-juju`. */
  readonly prefix?: string;
}

/** Engine calls dockerode has but Lifeboat's hand-written typings leave out. */
interface EngineExtras {
  createNetwork(options: Record<string, unknown>): Promise<unknown>;
  listNetworks(options?: { filters?: Dockerode.Filters }): Promise<Array<{ Id: string; Name: string; Labels?: Record<string, string> | null }>>;
  getNetwork(id: string): { remove(): Promise<unknown> };
}
const extras = (docker: Dockerode): EngineExtras => docker as unknown as EngineExtras;

const VERSION = '2.9.42';
const TOOLS = `${VERSION}-focal-amd64`;
const DATA_DIR = '/var/lib/juju/db-standin';
const ENV_LABEL = 'lifeboat-test.juju-env';
/** Set by TEST_LABELS: the test process that made an object. */
const OWNER_LABEL = 'lifeboat-test.pid';

interface Secrets {
  readonly statePassword: string;
  readonly controllerUuid: string;
  readonly modelUuid: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly systemIdentity: string;
  readonly systemPublicKey: string;
  readonly sharedSecret: string;
  readonly userPublicKey: string;
}

export async function createJujuEnv(docker: Dockerode, options: JujuEnvOptions = {}): Promise<JujuEnv> {
  const prefix = options.prefix ?? 'lbt-juju';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) throw new Error(`The Juju env prefix is lowercase letters, digits and -; got "${prefix}".`);
  ensureDebianPackages({ openssl: 'openssl', 'ssh-keygen': 'openssh-client', ip: 'iproute2' });
  const image = await ensureJujuMachineImage(docker);
  await reapDeadEnvs(docker);
  await removeEnv(docker, prefix);
  const keyDir = mkdtempSync(join(tmpdir(), 'lbt-juju-keys-'));
  const all: Machine[] = [];
  const network = `${prefix}-net`;
  try {
    const subnet = await createNetwork(docker, network, prefix);
    const ip = (host: number): string => subnet.replace(/\.0\/24$/, `.${host}`);
    const secrets = makeSecrets(keyDir);
    const specs = [0, 1, 2].map((n) => ({ n, address: ip(10 + n), files: machineFiles(n, [0, 1, 2].map((k) => ip(10 + k)), secrets) }));
    const made = await Promise.all(
      specs.map((s) => createMachine(docker, { image, network, prefix, name: `${prefix}-machine-${s.n}`, address: s.address, machineId: s.n, files: s.files })),
    );
    all.push(...made);
    let fresh = 0;
    const env: JujuEnv = {
      controller: made[0]!,
      machines: made.slice(1),
      userKeyPath: join(keyDir, 'ubuntu_ed25519'),
      statePassword: secrets.statePassword,
      controllerUuid: secrets.controllerUuid,
      modelUuid: secrets.modelUuid,
      version: VERSION,
      knownHostsText: () => all.map((m) => m.hostKeys.map((k) => `${m.address} ${k}\n`).join('')).join(''),
      newController: async () => {
        fresh += 1;
        if (fresh > 200) throw new Error('The Juju test network has no addresses left for new controllers.');
        const m = await createMachine(docker, {
          image,
          network,
          prefix,
          name: `${prefix}-new-${fresh}`,
          address: ip(30 + fresh),
          machineId: 0,
          files: freshHostFiles(secrets),
        });
        all.push(m);
        return m;
      },
      dbState: async (m) => {
        const out = await m.exec([
          'sh',
          '-c',
          `cd ${DATA_DIR} 2>/dev/null || exit 0; for f in */*; do case $f in local/*) continue ;; esac; [ -f "$f" ] && sha256sum "$f"; done; exit 0`,
        ]);
        const state: Record<string, string> = {};
        for (const line of out.split('\n')) {
          const m2 = /^([0-9a-f]{64})\s+(.+)$/.exec(line);
          if (m2 !== null) state[m2[2]!] = m2[1]!;
        }
        return state;
      },
      remove: async () => {
        await removeEnv(docker, prefix);
        rmSync(keyDir, { recursive: true, force: true });
      },
    };
    return env;
  } catch (e) {
    await removeEnv(docker, prefix).catch(() => undefined);
    rmSync(keyDir, { recursive: true, force: true });
    throw e;
  }
}

interface Machine extends JujuMachine {
  /** `<type> <base64>` of each host key, read once SSH first answers (kept across restarts). */
  hostKeys: string[];
}

interface MachineSpec {
  readonly image: string;
  readonly network: string;
  readonly prefix: string;
  readonly name: string;
  readonly address: string;
  readonly machineId: number;
  readonly files: readonly FileEntry[];
}

async function createMachine(docker: Dockerode, spec: MachineSpec): Promise<Machine> {
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Hostname: spec.name,
    Labels: { ...TEST_LABELS, [ENV_LABEL]: spec.prefix },
    HostConfig: { Init: true, NetworkMode: spec.network },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { IPAMConfig: { IPv4Address: spec.address } } } },
  });
  await container.putArchive(await tarOf(spec.files), { path: '/' });
  const exec = async (cmd: string[]): Promise<string> => (await dockerExec(container, cmd)).stdout;
  const start = async (): Promise<void> => {
    await container.start();
    await waitForSsh(spec.address, spec.name);
  };
  await start();
  const keys = await exec(['sh', '-c', 'cat /etc/ssh/ssh_host_*_key.pub']);
  return {
    name: spec.name,
    id: container.id,
    address: spec.address,
    machineId: spec.machineId,
    hostKeys: keys.split('\n').filter((l) => l.trim() !== '').map((l) => l.split(' ').slice(0, 2).join(' ')),
    exec,
    readFile: async (path) => {
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk);
          done();
        },
      });
      await dockerExec(container, ['cat', '--', path], { stdout: sink });
      return Buffer.concat(chunks);
    },
    stop: async () => {
      await container.stop({ t: 5 }).catch((e: unknown) => {
        // 304: already stopped.
        if ((e as { statusCode?: number }).statusCode !== 304) throw e;
      });
    },
    start,
    remove: async () => {
      await container.remove({ force: true, v: true }).catch(() => undefined);
    },
  };
}

/** Resolves once sshd at address:22 sends its banner (host keys made, services booted). */
async function waitForSsh(address: string, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: address, port: 22 });
      sock.setTimeout(1000, () => {
        sock.destroy();
        resolve(false);
      });
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      sock.once('error', () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Juju test machine ${name} (${address}) did not answer on SSH within 30 s.`);
    await sleep(100);
  }
}

/**
 * A /24 of its own for the env, from 10.214.0.0/16, clear of this machine's routes; the
 * engine refuses one another network (another run) holds, and then the next is tried.
 */
async function createNetwork(docker: Dockerode, name: string, prefix: string): Promise<string> {
  const routes = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
  const first = Math.floor(Math.random() * 200);
  let lastError: unknown;
  for (let i = 0; i < 40; i++) {
    const subnet = `10.214.${((first + i * 37) % 240) + 10}.0/24`;
    if (routes.includes(subnet.replace(/\/24$/, ''))) continue;
    try {
      await extras(docker).createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Config: [{ Subnet: subnet, Gateway: subnet.replace(/\.0\/24$/, '.1') }] },
        Labels: { ...TEST_LABELS, [ENV_LABEL]: prefix },
      });
      return subnet;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`Could not create the Juju test network ${name}: ${String(lastError)}`);
}

/**
 * Envs of test processes that are gone (an interrupted run): the rig's cleanup removes their
 * containers but not their networks, which would hold subnets for good.
 */
async function reapDeadEnvs(docker: Dockerode): Promise<void> {
  for (const n of await extras(docker).listNetworks({ filters: { label: [ENV_LABEL] } })) {
    const owner = Number(n.Labels?.[OWNER_LABEL]);
    const prefix = n.Labels?.[ENV_LABEL];
    if (prefix === undefined || (Number.isInteger(owner) && owner > 0 && alive(owner))) continue;
    await removeEnv(docker, prefix).catch(() => undefined);
  }
}

/** Removes the env's containers and its network (also a leftover of an interrupted run). */
async function removeEnv(docker: Dockerode, prefix: string): Promise<void> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${ENV_LABEL}=${prefix}`] } });
  await Promise.all(found.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  for (const n of await extras(docker).listNetworks({ filters: { label: [`${ENV_LABEL}=${prefix}`] } })) {
    await extras(docker).getNetwork(n.Id).remove();
  }
}

interface FileEntry {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly content?: string | Buffer;
  readonly target?: string;
}

async function tarOf(files: readonly FileEntry[]): Promise<Buffer> {
  const tar = pack();
  for (const f of files) {
    const header = { name: f.path.replace(/^\/+/, ''), uid: f.uid ?? 0, gid: f.gid ?? f.uid ?? 0, mtime: new Date() };
    if (f.type === 'directory') tar.entry({ ...header, type: 'directory', mode: f.mode ?? 0o755 });
    else if (f.type === 'symlink') tar.entry({ ...header, type: 'symlink', linkname: f.target ?? '' });
    else tar.entry({ ...header, mode: f.mode ?? 0o644 }, f.content ?? '');
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const dir = (path: string, mode = 0o755, uid = 0, gid = uid): FileEntry => ({ path, type: 'directory', mode, uid, gid });
const file = (path: string, content: string | Buffer, mode = 0o644, uid = 0, gid = uid): FileEntry => ({ path, type: 'file', content, mode, uid, gid });

function makeSecrets(keyDir: string): Secrets {
  const keygen = (name: string, comment: string): { priv: string; pub: string } => {
    const path = join(keyDir, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'pipe' });
    return { priv: readFileSync(path, 'utf8'), pub: readFileSync(`${path}.pub`, 'utf8').trim() };
  };
  const user = keygen('ubuntu_ed25519', 'juju-client-key');
  const system = keygen('system-identity', 'juju-system-key');
  const openssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: keyDir, stdio: 'pipe' });
  // Juju's CA and the controller's certificate signed by it (ECDSA: quick to make).
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/O=juju/CN=juju-generated CA for model "juju-ca"']);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/O=juju/CN=*']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '3650']);
  const read = (f: string): string => readFileSync(join(keyDir, f), 'utf8');
  return {
    statePassword: randomBytes(18).toString('base64url'),
    controllerUuid: randomUUID(),
    modelUuid: randomUUID(),
    caCert: read('ca.crt'),
    caKey: read('ca.key'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    systemIdentity: system.priv,
    systemPublicKey: system.pub,
    sharedSecret: randomBytes(768).toString('base64'),
    userPublicKey: user.pub,
  };
}

/** The provisioning nonce: one value in agent.conf, nonce.txt and the machine's document. */
function nonceOf(n: number, s: Secrets): string {
  return n === 0 ? 'user-admin:bootstrap' : `machine-0:${createHash('sha256').update(`${s.modelUuid}/${n}`).digest('hex').slice(0, 32)}`;
}

/** agent.conf as Juju 2.9 writes it (format 2.0, keys in its order; controllers carry serving info). */
function agentConf(n: number, address: string, controllerIp: string, s: Secrets): string {
  const controller = n === 0;
  const conf: Record<string, unknown> = {
    tag: `machine-${n}`,
    datadir: '/var/lib/juju',
    logdir: '/var/log/juju',
    metricsspooldir: '/var/lib/juju/metricspool',
    nonce: nonceOf(n, s),
    jobs: controller ? ['JobManageModel', 'JobHostUnits'] : ['JobHostUnits'],
    upgradedToVersion: VERSION,
    cacert: s.caCert,
    ...(controller ? { stateaddresses: [`${address}:37017`], statepassword: s.statePassword } : {}),
    controller: `controller-${s.controllerUuid}`,
    model: `model-${s.modelUuid}`,
    apiaddresses: [`${controllerIp}:17070`],
    apipassword: controller ? s.statePassword : randomBytes(18).toString('base64url'),
    oldpassword: randomBytes(18).toString('base64url'),
    loggingconfig: '<root>=WARNING',
    values: {
      AGENT_SERVICE_NAME: `jujud-machine-${n}`,
      CONTAINER_TYPE: '',
      PROVIDER_TYPE: 'manual',
      ...(controller ? { BOOTSTRAP_ADDRESS: address } : {}),
    },
    ...(controller
      ? {
          controllercert: s.serverCert,
          controllerkey: s.serverKey,
          caprivatekey: s.caKey,
          apiport: 17070,
          stateport: 37017,
          sharedsecret: s.sharedSecret,
          systemidentity: s.systemIdentity,
          mongoversion: '4.4.18/wiredTiger',
          mongomemoryprofile: 'default',
        }
      : {}),
  };
  // yaml.v2 writes lists flush with their key and long text as literal blocks.
  return `# format 2.0\n${stringify(conf, { indentSeq: false, lineWidth: 0 })}`;
}

function execStart(n: number): string {
  const log = `/var/log/juju/machine-${n}.log`;
  return [
    '#!/bin/sh',
    '',
    '# Set up logging. (Juju 2.9 writes this file for bash; the stand-in machines have only sh.)',
    `touch '${log}'`,
    `chown syslog:adm '${log}'`,
    `chmod 0640 '${log}'`,
    `exec >> '${log}'`,
    'exec 2>&1',
    '',
    '# Run the script.',
    `exec '/var/lib/juju/tools/machine-${n}/jujud' machine --data-dir '/var/lib/juju' --machine-id ${n} --debug`,
    '',
  ].join('\n');
}

function unitFile(n: number): string {
  return `[Unit]
Description=juju agent for machine-${n}
After=syslog.target
After=network.target
After=systemd-user-sessions.service

[Service]
LimitNOFILE=64000
ExecStart=/var/lib/juju/init/jujud-machine-${n}/exec-start.sh
Restart=on-failure
TimeoutSec=300

[Install]
WantedBy=multi-user.target
`;
}

const JUJU_DB_UNIT = `[Unit]
Description=Service for snap application juju-db.daemon (Lifeboat test stand-in)

[Service]
ExecStart=/usr/bin/snap run juju-db.daemon
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

function authorizedKeys(s: Secrets, uid = JUJU_MACHINE_UID): FileEntry[] {
  return [dir('/home/ubuntu/.ssh', 0o700, uid), file('/home/ubuntu/.ssh/authorized_keys', `${s.userPublicKey}\n${s.systemPublicKey}\n`, 0o600, uid)];
}

/** Every machine's agent layout; the controller's adds serving secrets and the database. */
function machineFiles(n: number, addresses: readonly string[], s: Secrets): FileEntry[] {
  const address = addresses[n]!;
  const controllerIp = addresses[0]!;
  const jujud = Buffer.from(JUJUD_STANDIN_SCRIPT);
  const files: FileEntry[] = [
    dir('/var/lib/juju'),
    dir('/var/lib/juju/agents'),
    dir(`/var/lib/juju/agents/machine-${n}`),
    file(`/var/lib/juju/agents/machine-${n}/agent.conf`, agentConf(n, address, controllerIp, s), 0o600),
    dir('/var/lib/juju/tools'),
    dir(`/var/lib/juju/tools/${TOOLS}`),
    file(`/var/lib/juju/tools/${TOOLS}/jujud`, jujud, 0o755),
    file(
      `/var/lib/juju/tools/${TOOLS}/downloaded-tools.txt`,
      JSON.stringify({ version: TOOLS, url: `https://streams.canonical.com/juju/tools/agent/${VERSION}/juju-${TOOLS}.tgz`, sha256: createHash('sha256').update(jujud).digest('hex'), size: jujud.length }),
    ),
    { path: `/var/lib/juju/tools/machine-${n}`, type: 'symlink', target: TOOLS },
    dir('/var/lib/juju/init'),
    dir(`/var/lib/juju/init/jujud-machine-${n}`),
    file(`/var/lib/juju/init/jujud-machine-${n}/exec-start.sh`, execStart(n), 0o755),
    file(`/var/lib/juju/init/jujud-machine-${n}/jujud-machine-${n}.service`, unitFile(n)),
    dir('/etc/systemd'),
    dir('/etc/systemd/system'),
    { path: `/etc/systemd/system/jujud-machine-${n}.service`, type: 'symlink', target: `/var/lib/juju/init/jujud-machine-${n}/jujud-machine-${n}.service` },
    file('/var/lib/juju/nonce.txt', `${nonceOf(n, s)}\n`),
    ...authorizedKeys(s),
  ];
  if (n !== 0) return files;
  files.push(
    file('/var/lib/juju/server.pem', `${s.serverCert}${s.serverKey}`, 0o600),
    file('/var/lib/juju/system-identity', s.systemIdentity, 0o600),
    file('/var/lib/juju/shared-secret', s.sharedSecret, 0o600),
    file('/etc/systemd/system/snap.juju-db.daemon.service', JUJU_DB_UNIT),
    dir(DATA_DIR, 0o700),
  );
  const collections = jujuCollections(s, addresses);
  for (const db of new Set(collections.map((c) => c.db))) files.push(dir(`${DATA_DIR}/${db}`, 0o700));
  for (const c of collections) {
    files.push(file(`${DATA_DIR}/${c.db}/${c.name}.bson`, c.bson, 0o600));
    if (c.metadata !== undefined) files.push(file(`${DATA_DIR}/${c.db}/${c.name}.metadata.json`, c.metadata, 0o600));
  }
  files.push(file(`${DATA_DIR}/replset.json`, `${JSON.stringify({ _id: 'juju', version: 1, members: [{ _id: 1, host: `${address}:37017`, tags: { 'juju-machine-id': '0' } }] })}\n`, 0o600));
  return files;
}

/** A host prepared for a restore: reachable as ubuntu, juju-db installed; no /var/lib/juju. */
function freshHostFiles(s: Secrets): FileEntry[] {
  return [dir('/etc/systemd'), dir('/etc/systemd/system'), file('/etc/systemd/system/snap.juju-db.daemon.service', JUJU_DB_UNIT), ...authorizedKeys(s)];
}

interface Collection {
  readonly db: string;
  readonly name: string;
  readonly bson: Buffer;
  readonly metadata?: string;
}

/**
 * The stand-in database: a few documents per collection shaped like Juju 2.9's (machines with
 * their addresses, controller settings, models, the agents' users), plus `logs` (backups
 * leave it out) and `local/oplog.rs` (what mongodump --oplog copies).
 */
function jujuCollections(s: Secrets, addresses: readonly string[]): Collection[] {
  const model = s.modelUuid;
  const when = new Date('2026-11-01T12:00:00Z');
  const oid = (k: number): ObjectId => new ObjectId(createHash('sha256').update(`${model}:${k}`).digest('hex').slice(0, 24));
  const machines: BsonDocument[] = addresses.map((ip, n) => ({
    _id: `${model}:${n}`,
    machineid: String(n),
    'model-uuid': model,
    nonce: nonceOf(n, s),
    series: 'focal',
    jobs: n === 0 ? [2, 1] : [1],
    addresses: [{ value: ip, addresstype: 'ipv4', networkscope: 'local-cloud', origin: 'provider' }],
    life: 0,
    'txn-revno': 4n,
  }));
  const controllers: BsonDocument[] = [
    { _id: 'controllerSettings', settings: { 'controller-uuid': s.controllerUuid, 'api-port': 17070, 'state-port': 37017, 'audit-log-max-backups': 10 }, 'txn-revno': 2n },
    { _id: 'apiHostPorts', apihostports: [addresses.slice(0, 1).map((ip) => ({ value: ip, addresstype: 'ipv4', networkscope: 'local-cloud', port: 17070 }))], 'txn-revno': 3n },
    { _id: 'controllerInfo', cloud: 'manual', 'model-uuid': model, 'controller-ids': ['0'], 'txn-revno': 1n },
  ];
  const models: BsonDocument[] = [
    { _id: model, name: 'controller', 'controller-uuid': s.controllerUuid, owner: 'admin', type: 'iaas', life: 0, 'cloud-region': 'default', 'txn-revno': 2n },
    { _id: randomUUID(), name: 'default', 'controller-uuid': s.controllerUuid, owner: 'admin', type: 'iaas', life: 0, 'cloud-region': 'default', 'txn-revno': 1n },
  ];
  const users: BsonDocument[] = addresses.map((_, n) => ({
    _id: `admin.machine-${n}`,
    userId: oid(n),
    user: `machine-${n}`,
    db: 'admin',
    credentials: { 'SCRAM-SHA-1': { iterationCount: 10000, salt: randomBytes(16).toString('base64'), storedKey: randomBytes(20).toString('base64'), serverKey: randomBytes(20).toString('base64') } },
    roles: [{ role: 'root', db: 'admin' }],
  }));
  const backups: BsonDocument[] = [{ _id: `20261101-120000.${s.controllerUuid}`, checksum: randomBytes(20).toString('base64'), checksumformat: 'SHA-1, base64 encoded', size: 1_234_567n, started: when, finished: when, model, machine: '0', hostname: 'juju-machine-0', version: VERSION }];
  const logs: BsonDocument[] = Array.from({ length: 20 }, (_, i) => ({ _id: oid(100 + i), t: BigInt(when.getTime()) * 1_000_000n + BigInt(i), n: `machine-${i % 3}`, m: 'juju.worker.dependency', l: 'INFO', v: 3, x: `engine running worker ${i}` }));
  const oplog: BsonDocument[] = [{ ts: 7_300_000_000_000_000_001n, t: 1n, h: 0n, v: 2, op: 'n', ns: '', wall: when, o: { msg: 'periodic noop' } }];
  const coll = (db: string, name: string, docs: readonly BsonDocument[], withMetadata = true): Collection => ({
    db,
    name,
    bson: Buffer.concat(docs.map((d) => encodeBson(d))),
    metadata: withMetadata
      ? JSON.stringify({ indexes: [{ v: { $numberInt: '2' }, key: { _id: { $numberInt: '1' } }, name: '_id_' }], uuid: createHash('md5').update(`${db}.${name}`).digest('hex'), collectionName: name, type: 'collection' })
      : undefined,
  });
  return [
    coll('juju', 'machines', machines),
    coll('juju', 'controllers', controllers),
    coll('juju', 'models', models),
    coll('admin', 'system.users', users),
    coll('admin', 'system.version', [{ _id: 'authSchema', currentVersion: 5 }]),
    coll('backups', 'metadata', backups),
    coll('logs', 'logs', logs),
    coll('local', 'oplog.rs', oplog, false),
  ];
}
