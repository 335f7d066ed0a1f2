/**
 * Finds a BTCPay deployment on a Docker engine: its compose project, containers (which is
 * Postgres, MariaDB, Lightning), its `<project>_*` volumes and the host folder they live in.
 */
import type { ContainerRef } from '../../../src-main/transport/docker/containers.js';
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError } from '../../../src-main/shared/app-error.js';

export interface BtcpayStack {
  readonly project: string;
  /** Every container of the project, dependencies first. */
  readonly containers: readonly ContainerRef[];
  readonly postgres: ContainerRef;
  readonly mariadb?: ContainerRef;
  /** Lightning nodes (LND, Core Lightning, Eclair) and their companions. */
  readonly lightning: readonly ContainerRef[];
  /** The project's volumes (`<project>_*`), sorted. */
  readonly volumes: readonly string[];
  /** Where the engine keeps volumes on the host (`<docker root>/volumes`). */
  readonly volumesRoot: string;
  /** The Postgres container's image (name, ID): the default helper image, and recorded for deep verify. */
  readonly postgresImage: { readonly name: string; readonly id: string };
  /** The mariadb service's image, when the stack has one. */
  readonly mariadbImage?: { readonly name: string; readonly id: string };
}

const DATADIR_SUFFIX = '_btcpay_datadir';
const LIGHTNING = /(^|_)(lnd|clightning|eclair|lightning|rtl|thunderhub|lnbits|spark|charge)(_|-|$)/;

function serviceOf(c: ContainerRef): string {
  return c.service ?? c.name;
}

export function isLightning(c: ContainerRef): boolean {
  return LIGHTNING.test(serviceOf(c)) || LIGHTNING.test(c.name);
}

/** The project to use: the option, else `generated` when it has containers, else the one `*_btcpay_datadir` volume's. */
async function projectName(engine: DockerEngine, wanted: string | undefined): Promise<string> {
  if (wanted !== undefined) return wanted;
  if ((await engine.findComposeProject('generated')).length > 0) return 'generated';
  const { Volumes } = await engine.client.listVolumes();
  const candidates = (Volumes ?? []).map((v) => v.Name).filter((n) => n.endsWith(DATADIR_SUFFIX));
  if (candidates.length === 1) return candidates[0]!.slice(0, -DATADIR_SUFFIX.length);
  if (candidates.length === 0) {
    throw new AppError('not-found', `No BTCPay Server here: no compose project "generated" and no *${DATADIR_SUFFIX} volume on this Docker engine. Check the target's host and dockerSocket, or set its "project" option.`);
  }
  throw new AppError('config', `Several BTCPay deployments on this engine (${candidates.join(', ')}). Set the target's "project" option to one of ${candidates.map((c) => c.slice(0, -DATADIR_SUFFIX.length)).join(', ')}.`);
}

export async function findStack(engine: DockerEngine, wantedProject: string | undefined): Promise<BtcpayStack> {
  const project = await projectName(engine, wantedProject);
  const containers = await engine.findComposeProject(project);
  if (containers.length === 0) {
    throw new AppError('not-found', `The compose project "${project}" has no containers on this Docker engine. Is BTCPay Server installed here (btcpay-setup.sh)? Check the target's "project" option.`);
  }
  const byService = (service: string): ContainerRef | undefined =>
    containers.find((c) => c.service === service) ?? containers.find((c) => new RegExp(`[_-]${service}[_-]1$`).test(c.name));
  const postgres = byService('postgres');
  if (!postgres) {
    throw new AppError('not-found', `The compose project "${project}" has no postgres service, so it does not look like BTCPay Server. Check the target's "project" option.`);
  }
  const mariadb = byService('mariadb');
  const { Volumes } = await engine.client.listVolumes();
  const volumes = (Volumes ?? [])
    .map((v) => v.Name)
    .filter((n) => n.startsWith(`${project}_`))
    .sort();
  const volumesRoot = await volumesRootOf(engine, volumes, project);
  const pgInfo = await engine.client.getContainer(postgres.id).inspect();
  const mariaInfo = mariadb ? await engine.client.getContainer(mariadb.id).inspect() : undefined;
  return {
    project,
    containers,
    postgres,
    ...(mariadb ? { mariadb } : {}),
    lightning: containers.filter(isLightning),
    volumes,
    volumesRoot,
    postgresImage: { name: pgInfo.Config.Image, id: pgInfo.Image },
    ...(mariaInfo ? { mariadbImage: { name: mariaInfo.Config.Image, id: mariaInfo.Image } } : {}),
  };
}

/** `<root>/volumes`, from where the engine mounts the project's volumes; all must be local volumes there. */
async function volumesRootOf(engine: DockerEngine, volumes: readonly string[], project: string): Promise<string> {
  let root: string | undefined;
  for (const name of volumes) {
    const { Mountpoint } = await engine.client.getVolume(name).inspect();
    const suffix = `/${name}/_data`;
    if (!Mountpoint.endsWith(suffix)) {
      throw new AppError('plugin', `The volume ${name} is mounted from ${Mountpoint}, not from the engine's volumes folder: Lifeboat backs up local Docker volumes only.`);
    }
    const here = Mountpoint.slice(0, -suffix.length);
    if (root !== undefined && root !== here) throw new AppError('plugin', `The volumes of ${project} live in two places (${root}, ${here}); Lifeboat expects one Docker root.`);
    root = here;
  }
  if (root !== undefined) return root;
  // No volumes yet (a fresh install): ask the engine.
  const info = (await (engine.client as unknown as { info(): Promise<{ DockerRootDir: string }> }).info());
  return `${info.DockerRootDir}/volumes`;
}
