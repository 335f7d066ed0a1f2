/**
 * The Bitnobi container's configuration: read from Docker (recorded in the archive's
 * manifest, secrets left out), and turned back into a container, as `docker run -it -p ...
 * --cap-add IPC_LOCK --mount ...` made it — on this host or a new one.
 */
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';

export interface PortBinding {
  readonly containerPort: string;
  readonly hostIp: string;
  readonly hostPort: string;
}

export interface MountConfig {
  readonly type: 'bind' | 'volume';
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface BitnobiContainer {
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly cmd: readonly string[] | null;
  readonly entrypoint: readonly string[] | null;
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly workingDir: string;
  readonly user: string;
  readonly env: Readonly<Record<string, string>>;
  /** Variables left out because they look like secrets; a restore takes them from the old container when there is one. */
  readonly omittedEnv: readonly string[];
  readonly ports: readonly PortBinding[];
  readonly mounts: readonly MountConfig[];
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly restartPolicy: string;
  readonly labels: Readonly<Record<string, string>>;
}

const SECRET = /PASS|SECRET|KEY|TOKEN/i;

interface Inspected {
  Name: string;
  Image: string;
  Config: { Image: string; Cmd: string[] | null; Entrypoint: string[] | string | null; Tty?: boolean; OpenStdin?: boolean; WorkingDir: string; User: string; Env: string[] | null; Labels: Record<string, string> | null };
  HostConfig: { PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null; CapAdd?: string[] | null; CapDrop?: string[] | null; RestartPolicy?: { Name: string } };
  Mounts: Array<{ Type: string; Name?: string; Source: string; Destination: string; RW: boolean }>;
}

export async function readContainer(engine: DockerEngine, id: string): Promise<{ config: BitnobiContainer; secrets: Readonly<Record<string, string>> }> {
  const info = (await engine.client.getContainer(id).inspect()) as unknown as Inspected;
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const entry of info.Config.Env ?? []) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    (SECRET.test(name) ? secrets : env)[name] = eq === -1 ? '' : entry.slice(eq + 1);
  }
  const ports = Object.entries(info.HostConfig.PortBindings ?? {}).flatMap(([containerPort, list]) =>
    (list ?? []).map((b) => ({ containerPort, hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' })),
  );
  const entrypoint = info.Config.Entrypoint;
  return {
    config: {
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      imageId: info.Image,
      cmd: info.Config.Cmd,
      entrypoint: typeof entrypoint === 'string' ? [entrypoint] : entrypoint,
      tty: info.Config.Tty === true,
      openStdin: info.Config.OpenStdin === true,
      workingDir: info.Config.WorkingDir,
      user: info.Config.User,
      env,
      omittedEnv: Object.keys(secrets),
      ports,
      mounts: info.Mounts.filter((m) => m.Type === 'bind' || m.Type === 'volume').map((m) => ({
        type: m.Type === 'volume' ? 'volume' : 'bind',
        source: m.Type === 'volume' ? (m.Name ?? m.Source) : m.Source,
        target: m.Destination,
        readOnly: !m.RW,
      })),
      capAdd: info.HostConfig.CapAdd ?? [],
      capDrop: info.HostConfig.CapDrop ?? [],
      restartPolicy: info.HostConfig.RestartPolicy?.Name ?? 'no',
      labels: info.Config.Labels ?? {},
    },
    secrets,
  };
}

/** `ip:hostPort:containerPort` or `hostPort:containerPort` (tcp unless `/udp`). */
export function parsePort(text: string): PortBinding {
  const [spec = '', proto = 'tcp'] = text.split('/');
  const parts = spec.split(':');
  const containerPort = parts.pop()!;
  const hostPort = parts.pop() ?? '';
  return { containerPort: `${containerPort}/${proto}`, hostIp: parts.join(':'), hostPort };
}

/**
 * Creates and starts the container. Mounts go in as Binds, which creates a bind mount's
 * host folder when it is missing (a new host), as `docker run -v` does.
 */
export async function createContainer(engine: DockerEngine, c: BitnobiContainer, options: { readonly name: string; readonly image: string; readonly secrets: Readonly<Record<string, string>> }): Promise<string> {
  const env = { ...c.env, ...options.secrets };
  let id: string | undefined;
  try {
    const created = await engine.client.createContainer({
      name: options.name,
      Image: options.image,
      ...(c.cmd ? { Cmd: [...c.cmd] } : {}),
      ...(c.entrypoint ? { Entrypoint: [...c.entrypoint] } : {}),
      Tty: c.tty,
      OpenStdin: c.openStdin,
      StdinOnce: false,
      WorkingDir: c.workingDir,
      User: c.user,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...c.labels },
      ExposedPorts: Object.fromEntries(c.ports.map((p) => [p.containerPort, {}])),
      HostConfig: {
        Binds: c.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
        PortBindings: c.ports.reduce<Record<string, Array<{ HostIp: string; HostPort: string }>>>((acc, p) => {
          (acc[p.containerPort] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort });
          return acc;
        }, {}),
        CapAdd: [...c.capAdd],
        CapDrop: [...c.capDrop],
        RestartPolicy: { Name: c.restartPolicy || 'no' },
      },
    });
    id = created.id;
    await created.start();
    return id;
  } catch (e) {
    if (id) await engine.client.getContainer(id).remove({ force: true }).catch(() => undefined);
    throw new AppError('plugin', `Could not create and start the container ${options.name} from ${options.image}: ${errorMessage(e)}`, { cause: e });
  }
}

/** Renames a container (Docker's rename keeps everything else). */
export async function renameContainer(engine: DockerEngine, id: string, name: string): Promise<void> {
  await (engine.client.getContainer(id) as unknown as { rename(o: { name: string }): Promise<unknown> }).rename({ name });
}
