/**
 * The short part of a backup's downtime: while the stack is stopped, the helper copies the
 * volumes raw (tar | tar, owners and modes kept, chain data left out) into a staging volume
 * on the same disk; compression, encryption and the transfer to this machine happen after
 * the stack is running again (root extracts keep owners and modes, in GNU and busybox tar alike). Before anything is stopped, the space for that copy is checked.
 */
import { VOLUMES, type Workbench } from './workbench.js';
import { literalExcludesOf } from './excludes.js';
import { q } from './shell-quote.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import { formatBytes } from '../../../src-main/shared/format-bytes.js';

export interface SpaceCheck {
  /** KiB the copy needs, per volume. */
  readonly sizes: ReadonlyMap<string, number>;
  readonly neededKiB: number;
  readonly availableKiB: number;
}

/** What remains of each volume once its literal excludes are left out, and the free space beside it. */
export async function checkStagingSpace(bench: Workbench, volumes: readonly string[], patterns: readonly string[], signal: AbortSignal): Promise<SpaceCheck> {
  const lines = ['set -e', `cd ${VOLUMES}`];
  for (const v of volumes) {
    lines.push(`t=$(du -sk ${q(`${v}/_data`)} | cut -f1)`);
    for (const x of literalExcludesOf(v, patterns)) lines.push(`if [ -e ${q(`${v}/${x}`)} ]; then t=$((t - $(du -sk ${q(`${v}/${x}`)} | cut -f1))); fi`);
    lines.push(`echo "size $t ${v}"`);
  }
  lines.push(`echo "df $(df -Pk ${VOLUMES} | tail -n 1)"`);
  const { stdout } = await bench.sh(lines.join('\n'), { signal, purpose: 'measuring the volumes and the free space' });
  const sizes = new Map<string, number>();
  let availableKiB = Number.NaN;
  for (const line of stdout.split('\n')) {
    const size = /^size (-?\d+) (.+)$/.exec(line);
    if (size) sizes.set(size[2]!, Math.max(0, Number(size[1])));
    const df = /^df \S+\s+\d+\s+\d+\s+(\d+)/.exec(line);
    if (df) availableKiB = Number(df[1]);
  }
  if (Number.isNaN(availableKiB)) throw new AppError('plugin', `Could not read the free space of the Docker volumes folder on the host (df said: ${stdout.trim().split('\n').pop() ?? ''}).`);
  const neededKiB = [...sizes.values()].reduce((a, b) => a + b, 0);
  return { sizes, neededKiB, availableKiB };
}

/** Fails, before anything is stopped, when the copy would not fit with a margin (5 % and 256 MiB). */
export function requireSpace(check: SpaceCheck, what: string): void {
  const margin = Math.ceil(check.neededKiB * 0.05) + 256 * 1024;
  if (check.neededKiB + margin > check.availableKiB) {
    throw new AppError(
      'io',
      `Not enough free space for ${what} on the host: it needs ${formatBytes((check.neededKiB + margin) * 1024)} beside the Docker volumes, and ${formatBytes(check.availableKiB * 1024)} is free. Nothing was stopped or changed. Free some space there (old images: docker image prune), or exclude more with the target's "exclude" option.`,
    );
  }
}

/**
 * Copies each volume's `_data` into `<staging>/volumes/<volume>/_data`, leaving out its
 * literal excludes. Only tar options GNU and busybox tar share are used (busybox builds
 * often lack --exclude): a folder on the way to an excluded path is copied alone
 * (--no-recursion) and its other children one by one. A failed read fails the copy (tar's
 * exit code is checked on both sides).
 */
export async function copyToStaging(bench: Workbench, stagingVolume: string, volumes: readonly string[], patterns: readonly string[], signal: AbortSignal): Promise<void> {
  const dst = `${VOLUMES}/${stagingVolume}/_data/volumes`;
  const lines = [
    'set -e',
    `mkdir -p ${q(dst)}`,
    'rc=$(mktemp)',
    // copy VOLUME TAR-ARGS...: tar the args in the volume's folder into its staging folder.
    `copy() {
  v=$1; shift
  { (cd ${VOLUMES}/"$v" && tar -cf - "$@"); echo $? > "$rc"; } | tar -xf - -C ${q(dst)}/"$v"
  [ "$(cat "$rc")" = 0 ] || { echo "reading the volume $v failed" >&2; exit 1; }
}`,
  ];
  for (const v of volumes) {
    lines.push(`mkdir -p ${q(`${dst}/${v}`)}`, ...copyVolume(v, literalExcludesOf(v, patterns)));
    // busybox tar does not give symlinks their owners back (chown -h does), and sets a
    // folder's time before writing into it (touch -r, once everything is in).
    lines.push(
      `(cd ${q(`${VOLUMES}/${v}`)} && find _data -type l -exec sh -c 'for l; do if [ -L "$0/$l" ]; then chown -h "$(stat -c %u:%g "$l")" "$0/$l"; fi; done' ${q(`${dst}/${v}`)} {} +)`,
      `(cd ${q(`${VOLUMES}/${v}`)} && find _data -type d -exec sh -c 'for d; do if [ -d "$0/$d" ]; then touch -r "$d" "$0/$d"; fi; done' ${q(`${dst}/${v}`)} {} +)`,
    );
  }
  lines.push('rm -f "$rc"');
  await bench.sh(lines.join('\n'), { signal, purpose: 'copying the volumes' });
}

/** The script lines that copy one volume without `excludes` (paths relative to its folder, under `_data`). */
export function copyVolume(volume: string, excludes: readonly string[]): string[] {
  const v = q(volume);
  if (excludes.length === 0) return [`copy ${v} _data`];
  // Folders that hold an excluded path: copied without their children, which are copied
  // one by one except those on the way to (or at) an excluded path.
  const onTheWay = new Set<string>();
  for (const x of excludes) {
    const parts = x.split('/');
    for (let i = 1; i < parts.length; i++) onTheWay.add(parts.slice(0, i).join('/'));
  }
  const skip = [...new Set([...onTheWay, ...excludes])].map(q).join('|');
  const dirs = [...onTheWay].sort((a, b) => a.split('/').length - b.split('/').length);
  // The globs below are relative to the volume's folder.
  const lines: string[] = [`cd ${q(`${VOLUMES}/${volume}`)}`];
  for (const d of dirs) lines.push(`if [ -d ${q(d)} ]; then copy ${v} --no-recursion ${q(d)}; fi`);
  for (const d of dirs) {
    lines.push(
      `for c in ${q(d)}/* ${q(d)}/.[!.]* ${q(d)}/..?*; do`,
      '  [ -e "$c" ] || [ -L "$c" ] || continue',
      `  case "$c" in ${skip}) ;; *) copy ${v} "$c" ;; esac`,
      'done',
    );
  }
  // Again, deepest first: adding children changed the folders' times.
  for (const d of [...dirs].reverse()) lines.push(`if [ -d ${q(d)} ]; then copy ${v} --no-recursion ${q(d)}; fi`);
  return lines;
}
