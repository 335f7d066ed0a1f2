/**
 * Lifeboat's helper container on the BTCPay host: made from an image the host already has
 * (the stack's Postgres image: sh, tar, du, df), with the engine's volumes folder bind-mounted
 * at /volumes, so copies and moves between volumes happen on the host's disk, at disk speed,
 * and a move within the folder is a rename. No network. Removed when the job ends.
 */
import type { Readable } from 'node:stream';
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import type { DockerExecResult } from '../../../src-main/transport/docker/docker-exec.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';

export const HELPER_LABEL = 'lifeboat.btcpay.helper';
/** On Lifeboat's helper containers and volumes: the stack they work for. */
export const PROJECT_LABEL = 'lifeboat.btcpay.project';
/** Where the host's `<docker root>/volumes` appears in the helper. */
export const VOLUMES = '/volumes';

export interface ShOptions {
  /** What the script does, for the error message: "copying the volumes". */
  readonly purpose: string;
  readonly signal?: AbortSignal;
  readonly input?: string | Buffer | Readable;
}

export interface Workbench {
  readonly id: string;
  readonly image: string;
  /**
   * Runs an sh script in the helper as root; rejects with its stderr tail on a non-zero exit.
   * Only a given `signal` cancels it.
   */
  sh(script: string, options: ShOptions): Promise<DockerExecResult>;
  /** A tar of a path in the helper. */
  read(path: string): Promise<Readable>;
  /** Unpacks a tar into a folder of the helper, keeping the entries' uid/gid and modes. */
  write(path: string, tar: Readable): Promise<void>;
  /** Removes the helper; never throws. */
  remove(): Promise<void>;
}

export async function startWorkbench(
  engine: DockerEngine,
  options: { readonly image: string; readonly volumesRoot: string; readonly jobId: string; readonly labels?: Readonly<Record<string, string>> },
): Promise<Workbench> {
  let container;
  try {
    container = await engine.client.createContainer({
      name: `lifeboat-btcpay-helper-${options.jobId}`,
      Image: options.image,
      Entrypoint: ['sh', '-c', 'while :; do sleep 3600; done'],
      Cmd: [],
      // No User here: Docker resolves it by name for archive uploads (copyUIDGID), and a
      // numeric one need not be in the image's passwd. Each exec runs as uid 0 instead.
      Labels: { ...options.labels, [HELPER_LABEL]: options.jobId },
      HostConfig: { Binds: [`${options.volumesRoot}:${VOLUMES}`], NetworkMode: 'none', Init: true },
    });
    await container.start();
  } catch (e) {
    await container?.remove({ force: true }).catch(() => undefined);
    throw new AppError('plugin', `Could not start Lifeboat's helper container from the image ${options.image}: ${errorMessage(e)}. Set the target's "helperImage" option to an image on that host with sh and tar.`, { cause: e });
  }
  const id = container.id;
  return {
    id,
    image: options.image,
    sh: async (script, o) => {
      try {
        return await engine.exec(id, ['sh', '-c', script], {
          // Explicitly undefined unless given: the engine would apply the job's cancel signal,
          // and restarts and rollbacks must run to the end after a cancel.
          signal: o.signal,
          user: '0',
          ...(o.input !== undefined ? { input: o.input } : {}),
        });
      } catch (e) {
        if ((e as { code?: string }).code === 'canceled') throw e;
        // The engine's message repeats the whole script; the operator needs its error.
        const stderr = /exited with code (\d+) in the container: ([\s\S]*)$/.exec(errorMessage(e));
        throw new AppError('plugin', `Lifeboat's helper on the host failed while ${o.purpose}: ${stderr ? `${stderr[2]!.trim()} (exit code ${stderr[1]})` : errorMessage(e)}`, { cause: e });
      }
    },
    read: (path) => engine.readPath(id, path),
    write: async (path, tar) => {
      try {
        // copyUIDGID: keep the entries' owners; without it Docker makes every file root's.
        await engine.client.getContainer(id).putArchive(tar, { path, copyUIDGID: '1' } as { path: string });
      } catch (e) {
        throw new AppError('plugin', `Could not write into ${path} on the host: ${errorMessage(e)}`, { cause: e });
      }
    },
    remove: async () => {
      await engine.client
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    },
  };
}
