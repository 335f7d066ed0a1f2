/**
 * What a BTCPay backup leaves out, as data: BTCPay's own `btcpay-backup.sh` list, with the
 * compose project in place of `generated`. Paths are relative to the Docker root, as the
 * archive's members are (`volumes/<volume>/_data/...`), with `*` (one segment) and `**`
 * (any depth) globs. Shown to operators (plugin manifest, archive metadata) and extended per
 * target with the `exclude` option.
 */
import { compileExcludes, matchesOrIsInside } from '../../../src-main/archive/glob.js';

/** `{project}` stands for the compose project's name. */
export const BTCPAY_EXCLUDES: readonly string[] = [
  // BTCPay's own backups live here.
  'volumes/backup_datadir',
  // Chain data: the nodes sync it again; far too big to back up.
  'volumes/{project}_bitcoin_datadir/_data',
  'volumes/{project}_litecoin_datadir/_data',
  'volumes/{project}_elements_datadir/_data',
  'volumes/{project}_xmr_data/_data',
  'volumes/{project}_bdx_data/_data',
  'volumes/{project}_zcash_datadir/_data',
  'volumes/{project}_dogecoin_datadir/_data/blocks',
  'volumes/{project}_dogecoin_datadir/_data/chainstate',
  'volumes/{project}_dogecoin_datadir/_data/indexes',
  'volumes/{project}_dogecoin_datadir/_data/evodb',
  'volumes/{project}_dash_datadir/_data/blocks',
  'volumes/{project}_dash_datadir/_data/chainstate',
  'volumes/{project}_dash_datadir/_data/indexes',
  'volumes/{project}_dash_datadir/_data/evodb',
  'volumes/{project}_dash_datadir/_data/debug.log',
  'volumes/{project}_lwd_cache',
  'volumes/{project}_zebrad_cache',
  // Databases: dumped instead (postgres.sql.gz, mariadb.sql.gz).
  'volumes/{project}_postgres_datadir',
  'volumes/{project}_mariadb_datadir',
  'volumes/{project}_electrumx_datadir',
  // The host's own SSH keys, which BTCPay uses to reach its host: they belong to the machine.
  'volumes/{project}_btcpay_datadir/_data/host_*',
  // A socket, not data.
  'volumes/{project}_clightning_bitcoin_datadir/_data/lightning-rpc',
  '**/logs/*',
];

/** Lightning channel state: toxic when old, left out unless `includeLightningState`. */
export const LIGHTNING_STATE: readonly string[] = ['volumes/{project}_lnd_bitcoin_datadir/_data/data/graph'];

export interface ExcludeSet {
  /** Every pattern, project filled in. */
  readonly patterns: readonly string[];
  /** True when `path` (Docker-root relative) or a folder above it is excluded. */
  excludes(path: string): boolean;
  /** True when `path` itself matches a pattern (not only a folder above it). */
  matches(path: string): boolean;
}

export function excludeSet(project: string, options: { readonly extra?: readonly string[]; readonly includeLightningState?: boolean }): ExcludeSet {
  const base = [...BTCPAY_EXCLUDES, ...(options.includeLightningState ? [] : LIGHTNING_STATE)].map((p) => p.replaceAll('{project}', project));
  const patterns = [...base, ...(options.extra ?? [])];
  const filter = compileExcludes(patterns);
  return { patterns, excludes: (path) => matchesOrIsInside(filter, path), matches: filter };
}

/**
 * Patterns without globs that lie inside `volumes/<volume>/`, as paths relative to that
 * volume's folder (`_data/blocks`): the helper's `tar` leaves these out already while the
 * stack is stopped, so the big ones (chain data) are never copied. The globbed ones are
 * applied when the copy is read into the archive.
 */
export function literalExcludesOf(volume: string, patterns: readonly string[]): string[] {
  const prefix = `volumes/${volume}/`;
  return patterns
    .map((p) => p.replace(/^\.?\//, '').replace(/\/+$/, ''))
    .filter((p) => p.startsWith(prefix) && !/[*?[]/.test(p))
    .map((p) => p.slice(prefix.length))
    .filter((p) => p !== '');
}

/** True when the whole volume (its folder, or its `_data`) is excluded: it is neither staged nor archived. */
export function volumeExcluded(volume: string, set: ExcludeSet): boolean {
  return set.excludes(`volumes/${volume}`) || set.excludes(`volumes/${volume}/_data`);
}
