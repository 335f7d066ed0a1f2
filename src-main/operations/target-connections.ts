import { AppError } from '../shared/app-error.js';
import type { DockerEngine, RemoteHost, SshOptions } from '../plugin-host/plugin-api.js';
import {
  connectSsh,
  createDockerClient,
  dockerExec,
  findComposeProject,
  findContainer,
  inspectConfig,
  pingDocker,
  readContainerPath,
  readVolume,
  runContainer,
  stopInOrder,
  writeContainerPath,
  writeVolume,
  type SshConnection,
} from '../transport/index.js';
import type { Confirm, OperationContext } from './operation-context.js';

/** A job's connections to its target, opened on first use and closed together at the end. */
export interface TargetConnections {
  ssh(): Promise<RemoteHost>;
  docker(): Promise<DockerEngine>;
  close(): Promise<void>;
}

function sshOptionsOf(options: Readonly<Record<string, unknown>>): SshOptions | undefined {
  const ssh = options.ssh;
  if (ssh === undefined || ssh === null) return undefined;
  if (typeof ssh !== 'object' || typeof (ssh as { host?: unknown }).host !== 'string') {
    throw new AppError('config', 'The target\'s "ssh" option must name a host, e.g. { host: "ctl.example.org", user: "ubuntu" }.');
  }
  return ssh as SshOptions;
}

/** How a job reaches its target: `target` connects to it; `verify` never does. */
export type ConnectionScope = 'target' | 'verify';

/**
 * The options verify connects with: without `ssh`, so Docker is the local engine, and without
 * `dockerSocket` when that named a socket on the remote host.
 */
export function verifyConnectionOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { ssh, dockerSocket, ...rest } = options;
  const remote = ssh !== undefined && ssh !== null;
  return remote || dockerSocket === undefined ? rest : { ...rest, dockerSocket };
}

export function createTargetConnections(
  targetOptions: Readonly<Record<string, unknown>>,
  op: OperationContext,
  confirm: Confirm,
  scope: ConnectionScope = 'target',
): TargetConnections {
  const options = scope === 'verify' ? verifyConnectionOptions(targetOptions) : targetOptions;
  let ssh: Promise<SshConnection> | undefined;
  let docker: Promise<DockerEngine> | undefined;

  const openSsh = (): Promise<SshConnection> => {
    if (scope === 'verify') {
      throw new AppError(
        'usage',
        'Verify does not connect to the target: it checks the archive on this machine. Use ctx.docker() (this machine\'s engine) for a test restore, and leave the target to `lifeboat restore`.',
      );
    }
    const target = sshOptionsOf(options);
    if (!target) throw new AppError('config', 'This target has no "ssh" option, so there is no remote host to connect to. Add one (host, user...).');
    return (ssh ??= connectSsh(target, { confirm: (question, hostKey) => confirm(question, { trust: true, hostKey }), log: op.log, signal: op.signal }));
  };

  const openDocker = async (): Promise<DockerEngine> => {
    const socket = typeof options.dockerSocket === 'string' ? options.dockerSocket : undefined;
    let client;
    let where: string;
    if (sshOptionsOf(options)) {
      const connection = await openSsh();
      const remoteSocketPath = socket ?? '/var/run/docker.sock';
      client = await createDockerClient({ forwardOutStreamLocal: (path) => connection.forwardOutStreamLocal(path), remoteSocketPath });
      where = `${remoteSocketPath} on ${connection.host}`;
    } else {
      client = await createDockerClient(socket ? { socketPath: socket } : {});
      where = socket ?? process.env.DOCKER_HOST ?? '/var/run/docker.sock';
    }
    const version = await pingDocker(client, where);
    const signal = op.signal;
    return {
      client,
      version,
      findContainer: (name) => findContainer(client, name),
      findComposeProject: (project) => findComposeProject(client, project),
      stopInOrder: (containers, o) => stopInOrder(client, containers, { signal, ...o }),
      exec: (container, command, o) => dockerExec(client.getContainer(container), command, { signal, ...o }),
      readPath: (container, path) => readContainerPath(client.getContainer(container), path),
      writePath: (container, path, tar) => writeContainerPath(client.getContainer(container), path, tar),
      readVolume: (volume, consume, o) => readVolume(client, volume, consume, { signal, ...o }),
      writeVolume: (volume, tar, o) => writeVolume(client, volume, tar, { signal, ...o }),
      runContainer: async (spec) => (await runContainer(client, spec, { signal })).id,
      inspectConfig: (container) => inspectConfig(client.getContainer(container)),
    };
  };

  return {
    ssh: async () => {
      const { close: _close, ...host } = await openSsh();
      return host;
    },
    docker: () => (docker ??= openDocker()),
    async close() {
      const connection = await ssh?.catch(() => undefined);
      await connection?.close();
    },
  };
}
