import type { Manifest } from '../shared/models/manifest.js';

/** What made a foreign archive, judged from its entries. */
export interface Origin {
  readonly plugin?: string;
  readonly target: string;
  readonly origin: string;
  /** The time the archive's own name records, if any. */
  readonly date?: Date;
}

/** `juju-backup-20140403-1408.tgz` (1.x) or `juju-backup-20240403-140812.tar.gz`. */
function jujuBackupDate(fileName: string): Date | undefined {
  const m = /juju-backup-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})?/.exec(fileName);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Recognises archives made by Lifeboat itself and by the targets' own tools: Juju's
 * `juju backup`, BTCPay's `btcpay-backup.sh`, and a tar of the Juju client directory.
 */
export function detectOrigin(manifest: Manifest, fileName: string): Origin | undefined {
  if (manifest.plugin.id !== 'unknown') {
    return { plugin: manifest.plugin.id, target: manifest.target.name, origin: 'lifeboat', date: new Date(manifest.startedAt) };
  }
  const paths = new Set(manifest.entries.map((e) => e.path));
  const any = (test: (p: string) => boolean) => manifest.entries.some((e) => test(e.path));
  if (paths.has('juju-backup/metadata.json') || paths.has('juju-backup/root.tar')) {
    const date = jujuBackupDate(fileName);
    return { plugin: 'juju-state', target: 'juju-state', origin: 'juju backup', ...(date ? { date } : {}) };
  }
  if (paths.has('postgres.sql.gz') || any((p) => /^volumes\/generated_[^/]+/.test(p))) {
    return { plugin: 'btcpay', target: 'btcpay', origin: 'btcpay-backup.sh' };
  }
  const clientMarkers = /^(\.juju|\.local\/share\/juju|juju)\/(environments\.yaml|controllers\.yaml|accounts\.yaml|credentials\.yaml|environments|ssh)(\/|$)/;
  if (any((p) => clientMarkers.test(p))) {
    return { plugin: 'juju-client', target: 'juju-client', origin: 'tar of the Juju client directory' };
  }
  return undefined;
}
