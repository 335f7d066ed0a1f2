/**
 * Create and start a container from a plain spec, and read a container back into such a
 * spec (without secrets), so a restore can recreate a container as it was.
 */
import type Dockerode from 'dockerode';
import { AppError, errorMessage, throwIfAborted } from '../../shared/app-error.js';

export interface MountSpec {
  readonly type: 'volume' | 'bind';
  /** Volume name or host path. */
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface PortSpec {
  readonly containerPort: number;
  readonly protocol?: 'tcp' | 'udp';
  /** Omitted: Docker picks a free port. */
  readonly hostPort?: number;
  /** Default 127.0.0.1: nothing is published beyond this machine unless asked for. */
  readonly hostIp?: string;
}

export type RestartPolicy = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface ContainerSpec {
  readonly image: string;
  readonly name?: string;
  /** Replaces the image's entrypoint (e.g. a database image's, to run a one-off command). */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly mounts?: readonly MountSpec[];
  readonly ports?: readonly PortSpec[];
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly restartPolicy?: RestartPolicy;
  /** Run an init as PID 1 so SIGTERM stops the container at once. Default true. */
  readonly init?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly workdir?: string;
}

/** A container's spec as read back: secrets left out, and the image's ID as well as its name. */
export interface ContainerConfig extends ContainerSpec {
  readonly imageId: string;
  /** Names of environment variables left out because they look like secrets. */
  readonly omittedEnv: readonly string[];
}

/** Creates and starts the container; one that was created but failed to start is removed. */
export async function runContainer(docker: Dockerode, spec: ContainerSpec, options: { signal?: AbortSignal } = {}): Promise<Dockerode.Container> {
  throwIfAborted(options.signal);
  const ports = spec.ports ?? [];
  const portKey = (p: PortSpec): string => `${p.containerPort}/${p.protocol ?? 'tcp'}`;
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Entrypoint: spec.entrypoint ? [...spec.entrypoint] : undefined,
      Cmd: spec.cmd ? [...spec.cmd] : undefined,
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: { ...spec.labels },
      User: spec.user,
      WorkingDir: spec.workdir,
      ExposedPorts: Object.fromEntries(ports.map((p) => [portKey(p), {}])),
      HostConfig: {
        Mounts: (spec.mounts ?? []).map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly ?? false })),
        PortBindings: Object.fromEntries(
          ports.map((p) => [portKey(p), [{ HostIp: p.hostIp ?? '127.0.0.1', HostPort: p.hostPort !== undefined ? String(p.hostPort) : '' }]]),
        ),
        CapAdd: spec.capAdd ? [...spec.capAdd] : undefined,
        CapDrop: spec.capDrop ? [...spec.capDrop] : undefined,
        RestartPolicy: { Name: spec.restartPolicy ?? 'no' },
        Init: spec.init ?? true,
      },
    });
  } catch (e) {
    throw new AppError('plugin', `Could not create the container${spec.name ? ` ${spec.name}` : ''} from ${spec.image}: ${errorMessage(e)}`, { cause: e });
  }
  try {
    await container.start();
  } catch (e) {
    await container.remove({ force: true, v: false }).catch(() => undefined);
    throw new AppError('plugin', `Could not start the container${spec.name ? ` ${spec.name}` : ''} from ${spec.image}: ${errorMessage(e)}`, { cause: e });
  }
  return container;
}

const SECRET_NAME = /PASS|SECRET|KEY|TOKEN/i;

/** What it takes to recreate the container; environment variables that look secret are left out. */
export async function inspectConfig(container: Dockerode.Container): Promise<ContainerConfig> {
  const info = await container.inspect();
  const env: Record<string, string> = {};
  const omittedEnv: string[] = [];
  for (const entry of info.Config.Env ?? []) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    if (SECRET_NAME.test(name)) omittedEnv.push(name);
    else env[name] = eq === -1 ? '' : entry.slice(eq + 1);
  }
  const ports: PortSpec[] = [];
  for (const [key, bindings] of Object.entries(info.HostConfig.PortBindings ?? {})) {
    const [port = '', protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) {
      ports.push({
        containerPort: Number(port),
        protocol: protocol === 'udp' ? 'udp' : 'tcp',
        hostIp: b.HostIp || '0.0.0.0',
        ...(b.HostPort ? { hostPort: Number(b.HostPort) } : {}),
      });
    }
  }
  const mounts: MountSpec[] = info.Mounts.filter((m) => m.Type === 'volume' || m.Type === 'bind').map((m) => ({
    type: m.Type === 'volume' ? 'volume' : 'bind',
    source: m.Type === 'volume' ? (m.Name ?? m.Source) : m.Source,
    target: m.Destination,
    readOnly: !m.RW,
  }));
  const restart = info.HostConfig.RestartPolicy?.Name;
  return {
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageId: info.Image,
    entrypoint: entrypointOf(info.Config.Entrypoint),
    cmd: info.Config.Cmd ?? undefined,
    env,
    omittedEnv,
    mounts,
    ports,
    capAdd: info.HostConfig.CapAdd ?? [],
    capDrop: info.HostConfig.CapDrop ?? [],
    restartPolicy: restart === 'always' || restart === 'unless-stopped' || restart === 'on-failure' ? restart : 'no',
    init: info.HostConfig.Init ?? false,
    labels: info.Config.Labels ?? {},
    user: info.Config.User || undefined,
    workdir: info.Config.WorkingDir || undefined,
  };
}

/** Docker reports an entrypoint as a list, a string (older engines, shell form) or null. */
function entrypointOf(value: string[] | string | null | undefined): string[] | undefined {
  if (typeof value === 'string') return value ? [value] : undefined;
  return value && value.length > 0 ? value : undefined;
}
