/**
 * A dockerode client for a Docker engine on this machine (its unix socket) or on a remote
 * host over an existing SSH connection: one SSH channel to the remote socket per HTTP
 * connection, nothing but sshd needed on the server.
 */
import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { AppError, errorMessage, isAppError } from '../../shared/app-error.js';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export interface LocalDockerOptions {
  /** The engine's unix socket; default `DOCKER_HOST` (unix://) or /var/run/docker.sock. */
  readonly socketPath?: string;
}

export interface RemoteDockerOptions {
  /** Opens a stream to a unix socket on the remote host (ssh2's `openssh_forwardOutStreamLocal`). */
  readonly forwardOutStreamLocal: (socketPath: string) => Promise<Duplex>;
  /** The remote engine's socket. Default /var/run/docker.sock. */
  readonly remoteSocketPath?: string;
}

export type DockerClientOptions = LocalDockerOptions | RemoteDockerOptions;

let dockerodeModule: Promise<typeof Dockerode> | undefined;

/** dockerode (with its gRPC and protobuf code) is loaded at the first client: `lifeboat serve` and most commands never need it. */
function loadDockerode(): Promise<typeof Dockerode> {
  return (dockerodeModule ??= import('dockerode').then((m) => m.default));
}

export async function createDockerClient(options: DockerClientOptions = {}): Promise<Dockerode> {
  // Explicit host/protocol so a DOCKER_HOST=tcp:// or ssh:// in the environment, which
  // docker-modem reads on its own, cannot redirect the client.
  const common = { host: undefined, port: undefined, protocol: 'http' } as const;
  if ('forwardOutStreamLocal' in options) {
    const socketPath = options.remoteSocketPath ?? DEFAULT_DOCKER_SOCKET;
    const Dockerode = await loadDockerode();
    return new Dockerode({ ...common, socketPath, agent: new ForwardingAgent(options.forwardOutStreamLocal, socketPath) });
  }
  const socketPath = options.socketPath ?? socketFromEnv(process.env.DOCKER_HOST);
  const Dockerode = await loadDockerode();
  return new Dockerode({ ...common, socketPath });
}

function socketFromEnv(dockerHost: string | undefined): string {
  if (dockerHost === undefined || dockerHost === '') return DEFAULT_DOCKER_SOCKET;
  if (dockerHost.startsWith('unix://')) return dockerHost.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET;
  throw new AppError(
    'config',
    `DOCKER_HOST is ${dockerHost}, but Lifeboat reaches Docker only through a unix socket, or over SSH with the target's SSH settings. Unset DOCKER_HOST or set it to unix:///path/to/docker.sock.`,
  );
}

/**
 * Checks the engine answers; returns its version. Fails with an AppError('unreachable')
 * saying why (no socket, no permission, no answer) and what to do.
 */
export async function pingDocker(docker: Dockerode, where: string): Promise<string> {
  try {
    await docker.ping();
    return (await docker.version()).Version;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' || code === 'ECONNREFUSED'
        ? 'no Docker engine listens there. Is Docker installed and running?'
        : code === 'EACCES'
          ? 'permission denied on its socket. Run as root or as a user in the docker group.'
          : `${e instanceof Error ? e.message : String(e)}.`;
    throw new AppError('unreachable', `Could not reach the Docker engine at ${where}: ${why}`, { cause: e });
  }
}

type Callback = (err: Error | null, socket?: Duplex) => void;

/**
 * An http.Agent whose connections are streams opened by the caller (SSH channels) instead
 * of sockets. Node's http client treats them as sockets and calls socket-only methods on
 * them, which an SSH channel lacks; they are harmless to skip on a channel.
 */
class ForwardingAgent extends Agent {
  constructor(
    private readonly open: (socketPath: string) => Promise<Duplex>,
    private readonly socketPath: string,
  ) {
    super({ keepAlive: true });
  }

  override createConnection(_options: ClientRequestArgs, callback: Callback): undefined {
    this.open(this.socketPath).then(
      (stream) => callback(null, asSocket(stream)),
      (e: unknown) =>
        callback(
          // The SSH side says what failed and what to check (a lost connection, a socket it
          // could not open); the Docker hint would repeat or mislead.
          isAppError(e) && e.code === 'unreachable'
            ? e
            : new AppError('unreachable', `Could not reach the Docker engine at ${this.socketPath} over SSH: ${errorMessage(e).replace(/\.$/, '')}. Is Docker running there, and may the SSH user use its socket?`, {
                cause: e,
              }),
        ),
    );
    return undefined;
  }
}

const SOCKET_ONLY_METHODS = ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'] as const;

function asSocket(stream: Duplex): Duplex {
  const target = stream as unknown as Record<string, unknown>;
  for (const name of SOCKET_ONLY_METHODS) {
    if (typeof target[name] !== 'function') target[name] = () => stream;
  }
  return stream;
}
