/**
 * The volume swap of a restore, as two sh scripts run by the helper on the host: `swap`
 * moves each volume's current `_data` into the rollback volume and the archive's copy into
 * its place (renames on one disk: instant, no space needed), then moves back into the new
 * tree what the backup left out on purpose (chain data, the host's SSH keys, logs, current
 * channel state), so those stay the host's own. Database folders are moved aside and left
 * empty: the database starts fresh and loads the dump. `undo` reverses whatever part of
 * `swap` happened: every step checks what exists, so it is right after a partial swap and
 * harmless when run twice. The supervisor runs `undo` if Lifeboat is gone mid-restore.
 */
import { q } from './shell-quote.js';

export interface SwapPlan {
  /** `/volumes/<rollback>/_data/volumes`: where current data is kept. */
  readonly keep: string;
  /** `/volumes/<restore>/_data/volumes`: the archive's volumes, uploaded. */
  readonly incoming: string;
  /** `/volumes/<restore>/_data/discarded`: what undo takes out of the way. */
  readonly discard: string;
  /** Volumes replaced by the archive's, with paths (relative to `_data`) carried over from the current data. */
  readonly replace: ReadonlyArray<{ readonly volume: string; readonly carry: readonly string[] }>;
  /** Database volumes emptied for a fresh database that loads the dump. */
  readonly empty: readonly string[];
  /** `/volumes`. */
  readonly root: string;
}

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));

export function swapScript(plan: SwapPlan): string {
  const lines = ['set -e'];
  for (const { volume, carry } of plan.replace) {
    const live = `${plan.root}/${volume}/_data`;
    const kept = `${plan.keep}/${volume}/_data`;
    lines.push(`mkdir -p ${q(dirOf(kept))}`, `mv ${q(live)} ${q(kept)}`, `mv ${q(`${plan.incoming}/${volume}/_data`)} ${q(live)}`);
    for (const p of carry) {
      // An empty folder the archive has at that path gives way (rmdir fails, and so the
      // swap, if it is not empty: the archive's content is never overwritten).
      lines.push(
        `if [ -e ${q(`${kept}/${p}`)} ] || [ -L ${q(`${kept}/${p}`)} ]; then mkdir -p ${q(dirOf(`${live}/${p}`))}; if [ -d ${q(`${live}/${p}`)} ] && [ ! -L ${q(`${live}/${p}`)} ]; then rmdir ${q(`${live}/${p}`)}; fi; mv ${q(`${kept}/${p}`)} ${q(`${live}/${p}`)}; fi`,
      );
    }
  }
  for (const volume of plan.empty) {
    const live = `${plan.root}/${volume}/_data`;
    const kept = `${plan.keep}/${volume}/_data`;
    lines.push(
      `mkdir -p ${q(dirOf(kept))}`,
      `set -- $(stat -c '%u %g %a' ${q(live)})`,
      `mv ${q(live)} ${q(kept)}`,
      `mkdir ${q(live)}`,
      `chown "$1:$2" ${q(live)}`,
      `chmod "$3" ${q(live)}`,
    );
  }
  return lines.join('\n');
}

export function undoScript(plan: SwapPlan): string {
  const lines = ['set -e'];
  const putBack = (volume: string): void => {
    const live = `${plan.root}/${volume}/_data`;
    const kept = `${plan.keep}/${volume}/_data`;
    const away = `${plan.discard}/${volume}`;
    lines.push(
      `if [ -e ${q(kept)} ]; then`,
      `  if [ -e ${q(live)} ]; then mkdir -p ${q(away)}; mv ${q(live)} ${q(away)}/_data.$$; fi`,
      `  mv ${q(kept)} ${q(live)}`,
      `  echo ${q(`put back ${volume}`)}`,
      'fi',
    );
  };
  for (const volume of [...plan.empty].reverse()) putBack(volume);
  for (const { volume, carry } of [...plan.replace].reverse()) {
    const live = `${plan.root}/${volume}/_data`;
    const kept = `${plan.keep}/${volume}/_data`;
    for (const p of [...carry].reverse()) {
      lines.push(
        `if [ -d ${q(kept)} ] && { [ -e ${q(`${live}/${p}`)} ] || [ -L ${q(`${live}/${p}`)} ]; } && [ ! -e ${q(`${kept}/${p}`)} ]; then mkdir -p ${q(dirOf(`${kept}/${p}`))}; mv ${q(`${live}/${p}`)} ${q(`${kept}/${p}`)}; fi`,
      );
    }
    putBack(volume);
  }
  lines.push('exit 0');
  return lines.join('\n');
}
