/**
 * What a BTCPay backup leaves out, as data: BTCPay's own `btcpay-backup.sh` list, with the
 * compose project in place of `generated`. Paths are relative to the Docker root, as the
 * archive's members are (`volumes/<volume>/_data/...`), with `*` (one segment) and `**`
 * (any depth) globs. Shown to operators (plugin manifest, archive metadata) and extended per
 * target with the `exclude` option.
 */
import { compileExcludes, matchesOrIsInside } from '../../../src-main/archive/glob.js';
import manifest from '../package.json' with { type: 'json' };

/**
 * BTCPay's list, kept in the plugin's manifest (the `exclude` option's `builtinItems`) so
 * the window and `lifeboat plugins` show it. `{project}` stands for the compose project:
 * chain data (synced again), the dumped databases' folders, the host's own SSH keys
 * (host_*), Core Lightning's socket, logs, BTCPay's own backups.
 */
export const BTCPAY_EXCLUDES: readonly string[] = manifest.lifeboat.options.properties.exclude.builtinItems;

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
