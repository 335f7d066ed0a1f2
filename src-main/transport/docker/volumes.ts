/**
 * A container path's or a named volume's contents as tar streams, out and in. A volume is
 * reached through a helper container that mounts it and is never started (Docker's
 * archive API works on created containers), removed afterwards whatever happens.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { AppError, errorMessage, throwIfAborted } from '../../shared/app-error.js';

export interface VolumeOptions {
  /** An image present on the engine to create the helper from; its content is not used. */
  readonly helperImage: string;
  /** Labels for the helper container (e.g. to find leftovers). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** Where the helper mounts the volume. */
const MOUNT = '/lifeboat-volume';

/** A tar of `path` in the container (running or not); entries start with the path's base name. */
export async function readContainerPath(container: Dockerode.Container, path: string): Promise<Readable> {
  try {
    return await container.getArchive({ path });
  } catch (e) {
    const missing = (e as { statusCode?: number }).statusCode === 404;
    throw new AppError(missing ? 'not-found' : 'plugin', `Could not read ${path} in the container: ${errorMessage(e)}`, { cause: e });
  }
}

/** Unpack a tar stream into the folder `path` in the container (which must exist). */
export async function writeContainerPath(container: Dockerode.Container, path: string, tar: Readable): Promise<void> {
  try {
    await container.putArchive(tar, { path });
  } catch (e) {
    throw new AppError('plugin', `Could not write into ${path} in the container: ${errorMessage(e)}`, { cause: e });
  }
}

/**
 * Hands `consume` a tar of the volume's contents (entry names relative to the volume's
 * root, like `./data/file`); the helper container goes when `consume` settles.
 */
export async function readVolume<T>(
  docker: Dockerode,
  volume: string,
  consume: (tar: Readable) => Promise<T>,
  options: VolumeOptions,
): Promise<T> {
  return withHelper(docker, volume, true, options, async (helper) => {
    const tar = await readContainerPath(helper, `${MOUNT}/.`);
    try {
      return await consume(tar);
    } finally {
      tar.destroy();
    }
  });
}

/** Unpacks a tar stream into the volume's root (existing files of the same names are replaced). */
export async function writeVolume(docker: Dockerode, volume: string, tar: Readable, options: VolumeOptions): Promise<void> {
  await withHelper(docker, volume, false, options, (helper) => writeContainerPath(helper, MOUNT, tar));
}

async function withHelper<T>(
  docker: Dockerode,
  volume: string,
  readOnly: boolean,
  options: VolumeOptions,
  use: (helper: Dockerode.Container) => Promise<T>,
): Promise<T> {
  throwIfAborted(options.signal);
  await assertVolumeExists(docker, volume);
  const helper = await docker.createContainer({
    name: `lifeboat-helper-${randomUUID().slice(0, 8)}`,
    Image: options.helperImage,
    Cmd: ['true'],
    Labels: { 'lifeboat.helper': '1', ...options.labels },
    NetworkDisabled: true,
    HostConfig: { Binds: [`${volume}:${MOUNT}${readOnly ? ':ro' : ''}`] },
  });
  try {
    return await use(helper);
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

async function assertVolumeExists(docker: Dockerode, volume: string): Promise<void> {
  try {
    await docker.getVolume(volume).inspect();
  } catch (e) {
    // A bind mount of a missing name would silently create an empty volume.
    throw new AppError('not-found', `The Docker volume "${volume}" does not exist on this engine (docker volume ls lists them).`, { cause: e });
  }
}
