/** `lifeboat restore --dry-run`: what a restore of this archive would stop, replace and start. Changes nothing. */
import type { RestoreContext, RestorePlan } from '../../../src-main/plugin-host/plugin-api.js';
import { formatBytes } from '../../../src-main/shared/format-bytes.js';
import { archiveContents } from './archive-contents.js';
import { readOptions } from './btcpay-options.js';
import { findStack } from './find-stack.js';
import { LIGHTNING_WARNING } from './lightning.js';
import { restoreLayout } from './restore-layout.js';

export async function planRestore(ctx: RestoreContext): Promise<RestorePlan> {
  const opts = readOptions(ctx.target.options, ctx.local.env);
  const contents = archiveContents(ctx.archive.manifest);
  const engine = await ctx.docker();
  const stack = await findStack(engine, opts.project);
  const layout = await restoreLayout(engine, stack, contents, { exclude: opts.exclude, jobId: 'plan' });
  const names = (list: ReadonlyArray<{ name: string }>): string => (list.length > 0 ? list.map((c) => c.name).join(', ') : 'none');
  const steps = [
    `Verify the whole archive (${ctx.archive.manifest.totals.entries} entries) before anything on the host is touched.`,
    `While BTCPay Server keeps running: upload the archive's ${layout.replace.length} volumes (${formatBytes(contents.bytes)}) into a new Docker volume on the host${contents.postgresDump ? ', and postgres.sql.gz into the Postgres container' : ''}, after checking there is room.`,
    `Stop: ${names(layout.running)}.`,
    `Replace these volumes with the archive's, keeping the current contents in the Docker volume ${layout.rollbackVolume}: ${layout.replace.map((r) => `${r.volume}${r.exists ? '' : ' (new on this host)'}`).join(', ') || 'none'}. Chain data, the host's SSH keys (host_*), logs and current Lightning channel state stay as they are on the host${contents.channelState ? ', except channel state the archive brings' : ''}.`,
    ...layout.empty.map((e) => `Move ${e.volume} into ${layout.rollbackVolume} too, start ${e.container.name} on an empty data folder, wait until it accepts connections, and load ${e.kind === 'postgres' ? 'postgres.sql.gz (ON_ERROR_STOP)' : 'mariadb.sql.gz'}.`),
    ...(layout.holdLightning.length > 0 ? [`Ask before starting ${names(layout.holdLightning)} (the archive holds channel state).`] : []),
    `Start: ${names(layout.running)}.`,
    `If any step after the stop fails: put the kept volumes back, start the stack as it was, and report. A supervisor on the host does the same if Lifeboat loses its connection for ${opts.supervisorGraceSeconds} s.`,
  ];
  const warnings = [
    ...(contents.channelState ? [`${LIGHTNING_WARNING} This archive HOLDS channel state.`] : stack.lightning.length > 0 ? [LIGHTNING_WARNING] : []),
    ...(layout.renamedFrom ? [`The archive's volumes are named for the compose project ${layout.renamedFrom}; they are restored as ${stack.project}_*.`] : []),
    ...(!contents.postgresDump ? ['The archive has no postgres.sql.gz: the database is left as it is.'] : []),
  ];
  return { steps, ...(warnings.length > 0 ? { warnings } : {}) };
}
