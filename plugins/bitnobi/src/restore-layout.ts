/**
 * What a Bitnobi restore will do, worked out before anything changes: the container to make
 * (recorded configuration, or the target's overrides), the image and whether it differs from
 * the backup's, the old container and the name it is kept under. The restore and its dry-run
 * plan both come from here.
 */
import type { DockerEngine, Manifest } from '../../../src-main/plugin-host/plugin-api.js';
import type { ContainerRef } from '../../../src-main/transport/docker/containers.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import type { BitnobiMetadata } from './backup-bitnobi.js';
import type { BitnobiOptions } from './bitnobi-options.js';
import { parsePort, readContainer, type BitnobiContainer } from './container-config.js';

export interface RestoreLayout {
  readonly folder: string;
  readonly recorded: BitnobiContainer;
  /** What will be created. */
  readonly next: BitnobiContainer;
  readonly image: string;
  readonly imageId: string;
  /** The backup's image differs from the one that will run. */
  readonly versionChange?: string;
  readonly old?: ContainerRef;
  readonly keptAs: string;
  readonly secrets: Readonly<Record<string, string>>;
}

const stampOf = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export async function restoreLayout(engine: DockerEngine, manifest: Manifest, opts: BitnobiOptions, now = new Date()): Promise<RestoreLayout> {
  const meta = manifest.metadata.bitnobi as BitnobiMetadata | undefined;
  if (!meta?.container || !meta.folder) {
    throw new AppError('usage', 'This archive has no Bitnobi container configuration in its manifest, so it was not made by the bitnobi plugin and Lifeboat cannot recreate the container from it.');
  }
  const old = await engine.findContainer(opts.container);
  const current = old ? await readContainer(engine, old.id) : undefined;
  const image = opts.image ?? meta.container.image;
  let imageId: string;
  try {
    imageId = (await engine.client.getImage(image).inspect()).Id;
  } catch {
    throw new AppError('not-found', `The image ${image} is not on this Docker engine, so the Bitnobi container cannot be made. Load it there (docker load < bitnobi.tar, or docker pull) and restore again. Nothing was changed.`);
  }
  const next: BitnobiContainer = {
    ...meta.container,
    name: opts.container,
    image,
    imageId,
    ...(opts.ports ? { ports: opts.ports.map(parsePort) } : {}),
    ...(opts.hostBackupDir
      ? { mounts: meta.container.mounts.map((m) => (m.target === (meta.backupDir ?? opts.backupDir) ? { ...m, type: 'bind' as const, source: opts.hostBackupDir! } : m)) }
      : {}),
  };
  const versionChange =
    imageId !== meta.container.imageId
      ? `The backup was made with the image ${meta.container.image} (${short(meta.container.imageId)}${meta.version ? `, Bitnobi ${meta.version}` : ''}); the restore would run ${image} (${short(imageId)}). Bitnobi may not restore properly across very different versions.`
      : undefined;
  return {
    folder: meta.folder,
    recorded: meta.container,
    next,
    image,
    imageId,
    ...(versionChange ? { versionChange } : {}),
    ...(old ? { old } : {}),
    keptAs: `${opts.container}-before-restore-${stampOf(now)}`,
    // Secret environment variables were not archived: the old container still has them.
    secrets: current?.secrets ?? {},
  };
}

function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function describePorts(c: BitnobiContainer): string {
  return c.ports.map((p) => `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort || '(any)'}->${p.containerPort}`).join(', ') || 'none';
}

export function describeMounts(c: BitnobiContainer): string {
  return c.mounts.map((m) => `${m.source} at ${m.target}${m.readOnly ? ' (read-only)' : ''}`).join(', ') || 'none';
}
