/** The staging folder on a Juju machine: made 0700 with mktemp -d, removed with its contents at the end. */
import type { Logger } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';
import { q, type HostShell } from './host-shell.js';

/** A new folder under `parent` (default /var/tmp); never the operator's folder itself, so removing it is safe. */
export async function makeStaging(shell: HostShell, parent: string | undefined, signal?: AbortSignal): Promise<string> {
  const base = (parent ?? '/var/tmp').replace(/\/+$/, '') || '/';
  const out = await shell.run(`mkdir -p ${q(base)} && d=$(mktemp -d ${q(`${base}/lifeboat-juju.XXXXXXXX`)}) && chmod 700 "$d" && echo "$d"`, `Making a staging folder in ${base}`, signal ? { signal } : {});
  const dir = out.trim().split('\n').pop() ?? '';
  if (!dir.startsWith(`${base === '/' ? '' : base}/lifeboat-juju.`)) throw new AppError('plugin', `mktemp on ${shell.host.host} printed "${dir}" instead of a folder name.`);
  return dir;
}

export async function removeStaging(shell: HostShell, dir: string, log: Logger): Promise<void> {
  try {
    await shell.run(`rm -rf ${q(dir)}`, `Removing ${dir}`);
  } catch (e) {
    log.error(`The staging folder ${dir} on ${shell.host.host} could not be removed (${errorMessage(e)}); it holds a database dump: remove it (sudo rm -rf ${dir}).`);
  }
}
