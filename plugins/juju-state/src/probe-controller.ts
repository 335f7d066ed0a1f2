/** Is the controller reachable over SSH, is its agent running, which Juju version? Changes nothing. */
import type { ProbeContext, ProbeResult } from '../../../src-main/plugin-host/plugin-api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { findAgent } from './find-agent.js';
import { hostShell } from './host-shell.js';
import { readOptions } from './juju-options.js';

export async function probeController(ctx: ProbeContext): Promise<ProbeResult> {
  const opts = readOptions(ctx.target.options);
  let shell;
  try {
    shell = hostShell(await ctx.ssh(), opts.sudo);
  } catch (e) {
    return { reachable: false, running: false, detail: errorMessage(e) };
  }
  try {
    const agent = await findAgent(shell, opts.agent);
    const unit = `jujud-${agent.conf.tag}`;
    const active = await shell.test(`systemctl is-active ${unit}`);
    const running = active.code === 0;
    return {
      reachable: true,
      running,
      ...(agent.conf.version ? { version: agent.conf.version } : {}),
      detail: running ? `${unit} is active on ${shell.host.host}.` : `${unit} is not active on ${shell.host.host} (${active.stdout.trim() || 'no answer'}).`,
    };
  } catch (e) {
    return { reachable: true, running: false, detail: errorMessage(e) };
  }
}
