/**
 * Finding a target's containers (by name or compose project) and stopping them for a
 * consistent backup: dependents first, then what they depend on; started again in the
 * opposite order, only those that were running.
 */
import type Dockerode from 'dockerode';
import { AppError, errorMessage } from '../../shared/app-error.js';

const PROJECT_LABEL = 'com.docker.compose.project';
const SERVICE_LABEL = 'com.docker.compose.service';
const DEPENDS_ON_LABEL = 'com.docker.compose.depends_on';

export interface ContainerRef {
  readonly id: string;
  /** Name without the leading slash, e.g. `btcpay-postgres-1`. */
  readonly name: string;
  readonly running: boolean;
  readonly project?: string;
  readonly service?: string;
  /** Compose services this one depends on (compose v2's depends_on label). */
  readonly dependsOn: readonly string[];
}

/** Compose v1 names `project_service_1`, v2 `project-service-1`: the same container to us. */
function otherComposeStyle(name: string): string | undefined {
  const m = /^(.+?)([_-])(.+)\2(\d+)$/.exec(name);
  if (!m) return undefined;
  const sep = m[2] === '_' ? '-' : '_';
  return `${m[1]}${sep}${m[3]}${sep}${m[4]}`;
}

function toRef(info: Dockerode.ContainerInfo): ContainerRef {
  const labels = info.Labels ?? {};
  const dependsOn = (labels[DEPENDS_ON_LABEL] ?? '')
    .split(',')
    .map((d) => d.split(':')[0]?.trim() ?? '')
    .filter((d) => d !== '');
  return {
    id: info.Id,
    name: (info.Names[0] ?? info.Id).replace(/^\//, ''),
    running: info.State === 'running',
    project: labels[PROJECT_LABEL],
    service: labels[SERVICE_LABEL],
    dependsOn,
  };
}

/** The container with this name (either compose style), or undefined. */
export async function findContainer(docker: Dockerode, name: string): Promise<ContainerRef | undefined> {
  const all = (await docker.listContainers({ all: true })).map(toRef);
  const other = otherComposeStyle(name);
  return all.find((c) => c.name === name) ?? (other !== undefined ? all.find((c) => c.name === other) : undefined);
}

/**
 * Every container of a compose project, running or not, dependencies first. Compose v1
 * (`project_service_1`) records no dependencies: its containers come sorted by name, so a
 * plugin that knows its services' order passes them to `stopInOrder` in that order.
 */
export async function findComposeProject(docker: Dockerode, project: string): Promise<ContainerRef[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  return startOrder(list.map(toRef).sort((a, b) => a.name.localeCompare(b.name)));
}

/**
 * Dependencies before dependents (compose depends_on labels); without labels, the given
 * order. A cycle cannot be ordered, so its members keep their given order.
 */
export function startOrder(containers: readonly ContainerRef[]): ContainerRef[] {
  const byService = new Map(containers.filter((c) => c.service !== undefined).map((c) => [c.service, c]));
  const done = new Set<ContainerRef>();
  const visiting = new Set<ContainerRef>();
  const out: ContainerRef[] = [];
  const visit = (c: ContainerRef): void => {
    if (done.has(c) || visiting.has(c)) return;
    visiting.add(c);
    for (const dep of c.dependsOn) {
      const d = byService.get(dep);
      if (d !== undefined) visit(d);
    }
    visiting.delete(c);
    done.add(c);
    out.push(c);
  };
  containers.forEach(visit);
  return out;
}

/** What `stopInOrder` stopped; `restore()` starts exactly those again, once. */
export interface StoppedContainers {
  /** In the order they were stopped. */
  readonly stopped: readonly ContainerRef[];
  /** Start them again in dependency order. Ignores cancellation: it must always run. */
  restore(): Promise<void>;
}

export interface StopOptions {
  readonly signal?: AbortSignal;
  /** Seconds each container gets to stop before it is killed. Default 30. */
  readonly timeoutSeconds?: number;
}

/**
 * Stops the running ones among `containers`, dependents first. On cancel or failure it
 * starts again what it had stopped before throwing, so a throw leaves nothing stopped.
 */
export async function stopInOrder(
  docker: Dockerode,
  containers: readonly ContainerRef[],
  options: StopOptions = {},
): Promise<StoppedContainers> {
  const stopped: ContainerRef[] = [];
  try {
    for (const c of startOrder(containers).reverse()) {
      if (options.signal?.aborted) throw new AppError('canceled', 'Canceled while stopping containers; the stopped ones were started again.');
      const container = docker.getContainer(c.id);
      // The listing may be stale: what counts is whether it runs now.
      if (!(await isRunning(container, c.name))) continue;
      try {
        await container.stop({ t: options.timeoutSeconds ?? 30 });
      } catch (e) {
        throw new AppError('plugin', `Could not stop the container ${c.name}: ${errorMessage(e)}`, { cause: e });
      }
      stopped.push(c);
    }
  } catch (e) {
    await startAgain(docker, stopped);
    throw e;
  }
  let restored: Promise<void> | undefined;
  return { stopped, restore: () => (restored ??= startAgain(docker, stopped)) };
}

/**
 * Starts `stopped` (as returned in `StoppedContainers.stopped`) in reverse, i.e.
 * dependencies first. Tries every one; throws naming those that did not start.
 */
export async function startAgain(docker: Dockerode, stopped: readonly ContainerRef[]): Promise<void> {
  const failed: string[] = [];
  for (const c of [...stopped].reverse()) {
    try {
      const container = docker.getContainer(c.id);
      if (!(await container.inspect()).State.Running) await container.start();
    } catch (e) {
      failed.push(`${c.name} (${errorMessage(e)})`);
    }
  }
  if (failed.length > 0) {
    throw new AppError('plugin', `These containers were stopped for the backup and could not be started again: ${failed.join('; ')}. Start them by hand (docker start).`);
  }
}

async function isRunning(container: Dockerode.Container, name: string): Promise<boolean> {
  try {
    return (await container.inspect()).State.Running;
  } catch (e) {
    throw new AppError('not-found', `The container ${name} is gone (${errorMessage(e)}). Check the target's container names.`, { cause: e });
  }
}
