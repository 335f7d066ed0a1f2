/** `lifeboat restore --dry-run` for Bitnobi: what would be stopped, created and run. Changes nothing. */
import type { RestoreContext, RestorePlan } from '../../../src-main/plugin-host/plugin-api.js';
import { readOptions } from './bitnobi-options.js';
import { describeMounts, describePorts, restoreLayout } from './restore-layout.js';

export async function planRestore(ctx: RestoreContext): Promise<RestorePlan> {
  const opts = readOptions(ctx.target.options);
  const layout = await restoreLayout(await ctx.docker(), ctx.archive.manifest, opts);
  const c = layout.next;
  const steps = [
    `Verify the whole archive (${ctx.archive.manifest.totals.entries} entries) before anything is touched.`,
    layout.old
      ? `Stop the container ${opts.container} and rename it ${layout.keptAs} (kept, stopped: the way back).`
      : `There is no container ${opts.container} on this engine: make it from the backup's configuration.`,
    `Create and start ${opts.container} from ${layout.image}: command ${JSON.stringify(c.cmd ?? [])}${c.tty ? ' with a terminal (-it)' : ''}, ports ${describePorts(c)}, mounts ${describeMounts(c)}, capabilities ${c.capAdd.join(', ') || 'none added'}, restart ${c.restartPolicy}.`,
    `Put the backup folder ${layout.folder} into ${opts.backupDir}, run ${opts.restoreCommand} ${opts.backupDir.startsWith(`${opts.home}/`) ? opts.backupDir.slice(opts.home.length + 1) : opts.backupDir}/${layout.folder}, then ${opts.startCommand}, and wait until Bitnobi answers on port ${opts.probePort}.`,
    `If any step fails: remove the new container${layout.old ? `, rename ${layout.keptAs} back to ${opts.container} and start it` : ''}.`,
  ];
  const warnings = layout.versionChange
    ? [`${layout.versionChange} ${opts.acrossVersions ? 'acrossVersions is set, so the restore would go ahead.' : 'The restore will refuse unless acrossVersions is set.'}`]
    : [];
  return { steps, ...(warnings.length > 0 ? { warnings } : {}) };
}
