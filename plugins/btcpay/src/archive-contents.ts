/**
 * What a BTCPay archive holds, from its manifest alone (ours, or one btcpay-backup.sh made
 * and `lifeboat import` took in): its volumes and their sizes, its dumps, the compose project
 * it came from, whether it carries Lightning channel state.
 */
import type { Manifest } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import type { BtcpayMetadata } from './backup-stack.js';
import { MARIADB_DUMP, POSTGRES_DUMP } from './dump-databases.js';

export interface ArchiveContents {
  /** The project the volumes were named after (`generated` for BTCPay's own). */
  readonly project: string;
  /** Volume name in the archive → bytes of its files. */
  readonly volumes: ReadonlyMap<string, number>;
  readonly postgresDump: boolean;
  readonly mariadbDump: boolean;
  /** LND's channel database is in the archive. */
  readonly channelState: boolean;
  readonly metadata?: BtcpayMetadata;
  readonly bytes: number;
}

const VOLUME_PATH = /^volumes\/([^/]+)\/_data(?:\/|$)/;

export function archiveContents(manifest: Manifest): ArchiveContents {
  const metadata = manifest.metadata.btcpay as BtcpayMetadata | undefined;
  const volumes = new Map<string, number>();
  let bytes = 0;
  let channelState = false;
  for (const e of manifest.entries) {
    const m = VOLUME_PATH.exec(e.path);
    if (!m) continue;
    volumes.set(m[1]!, (volumes.get(m[1]!) ?? 0) + (e.type === 'file' ? e.size : 0));
    if (e.type === 'file') bytes += e.size;
    if (/^volumes\/[^/]+_lnd_[^/]+\/_data\/data\/graph\//.test(e.path)) channelState = true;
  }
  const has = (path: string): boolean => manifest.entries.some((e) => e.path === path && e.type === 'file');
  const postgresDump = has(POSTGRES_DUMP);
  if (!postgresDump && volumes.size === 0) {
    throw new AppError('usage', 'This archive holds neither postgres.sql.gz nor volumes/<volume>/_data: it is not a BTCPay Server backup.');
  }
  const project = metadata?.project ?? guessProject([...volumes.keys()]);
  return { project, volumes, postgresDump, mariadbDump: has(MARIADB_DUMP), channelState, ...(metadata ? { metadata } : {}), bytes };
}

/** BTCPay names its volumes `<project>_<name>`; `<project>_btcpay_datadir` gives it away. */
function guessProject(volumes: readonly string[]): string {
  const datadir = volumes.find((v) => v.endsWith('_btcpay_datadir'));
  if (datadir) return datadir.slice(0, -'_btcpay_datadir'.length);
  const first = volumes[0];
  return first?.includes('_') ? first.slice(0, first.indexOf('_')) : 'generated';
}

/** The archive's volume name on a target whose project may be named differently. */
export function renameVolume(volume: string, from: string, to: string): string {
  return from !== to && volume.startsWith(`${from}_`) ? `${to}_${volume.slice(from.length + 1)}` : volume;
}
