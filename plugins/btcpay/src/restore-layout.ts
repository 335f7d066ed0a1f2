/**
 * What a restore of this archive does on this stack, worked out before anything changes; the
 * restore and its dry-run plan both come from it.
 */
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import type { ContainerRef } from '../../../src-main/transport/docker/containers.js';
import type { ArchiveContents } from './archive-contents.js';
import { renameVolume } from './archive-contents.js';
import { excludeSet, type ExcludeSet } from './excludes.js';
import type { BtcpayStack } from './find-stack.js';

export interface RestoreLayout {
  readonly stamp: string;
  /** Docker volume that keeps the current data until the operator removes it. */
  readonly rollbackVolume: string;
  /** Docker volume the archive's volumes are uploaded into first. */
  readonly incomingVolume: string;
  /** Archive volume → target volume, and whether the target has it already. */
  readonly replace: ReadonlyArray<{ readonly from: string; readonly volume: string; readonly exists: boolean; readonly bytes: number }>;
  /** Database volumes moved aside for a fresh database that loads the dump. */
  readonly empty: ReadonlyArray<{ readonly volume: string; readonly container: ContainerRef; readonly kind: 'postgres' | 'mariadb' }>;
  /** Running now, so stopped and started again (dependencies first). */
  readonly running: readonly ContainerRef[];
  /** Lightning containers that wait for the operator's word when the archive has channel state. */
  readonly holdLightning: readonly ContainerRef[];
  /** What stays the host's own (carried over from its current data). */
  readonly keepOwn: ExcludeSet;
  readonly renamedFrom?: string;
}

function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function dataVolume(engine: DockerEngine, container: ContainerRef, under: string): Promise<string | undefined> {
  const info = await engine.client.getContainer(container.id).inspect();
  return info.Mounts.find((m) => m.Type === 'volume' && m.Destination.startsWith(under))?.Name;
}

export async function restoreLayout(engine: DockerEngine, stack: BtcpayStack, contents: ArchiveContents, options: { readonly exclude: readonly string[]; readonly jobId: string; readonly now?: Date }): Promise<RestoreLayout> {
  const stamp = stampOf(options.now ?? new Date());
  const empty: Array<RestoreLayout['empty'][number]> = [];
  if (contents.postgresDump) {
    const volume = await dataVolume(engine, stack.postgres, '/var/lib/postgresql');
    if (volume) empty.push({ volume, container: stack.postgres, kind: 'postgres' });
  }
  if (contents.mariadbDump && stack.mariadb) {
    const volume = await dataVolume(engine, stack.mariadb, '/var/lib/mysql');
    if (volume) empty.push({ volume, container: stack.mariadb, kind: 'mariadb' });
  }
  const replace = [...contents.volumes.entries()]
    .map(([from, bytes]) => ({ from, volume: renameVolume(from, contents.project, stack.project), bytes }))
    .filter((r) => !empty.some((e) => e.volume === r.volume))
    .map((r) => ({ ...r, exists: stack.volumes.includes(r.volume) }));
  const running = stack.containers.filter((c) => c.running);
  return {
    stamp,
    rollbackVolume: `lifeboat-rollback-${stack.project}-${stamp}`,
    incomingVolume: `lifeboat-restore-${options.jobId}`,
    replace,
    empty,
    running,
    holdLightning: contents.channelState ? running.filter((c) => stack.lightning.some((l) => l.id === c.id)) : [],
    // The host's own chain data, SSH keys, logs, and its current channel state unless the archive brings some.
    keepOwn: excludeSet(stack.project, { extra: options.exclude, includeLightningState: false }),
    ...(contents.project !== stack.project ? { renamedFrom: contents.project } : {}),
  };
}
