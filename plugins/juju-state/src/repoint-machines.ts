/**
 * After a controller restore, the other machines' agents still look for the old controller.
 * For each one: SSH to it (the target's user and key unless the machines option says
 * otherwise), keep its agent.conf as `agent.conf.lifeboat-<time>`, point apiaddresses and
 * stateaddresses at the new controller, restart its agent. Every machine is tried; the
 * outcome of each is reported.
 */
import type { Logger, RestoreContext } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage, isAppError } from '../../../src-main/shared/app-error.js';
import { connectSsh, type SshConnection } from '../../../src-main/transport/ssh/ssh-connection.js';
import { rewriteAgentConf } from './agent-conf.js';
import { agentConfPath } from './find-agent.js';
import { hostShell, q } from './host-shell.js';
import type { JujuOptions } from './juju-options.js';
import { machineTag, type MachineTarget } from './restore-layout.js';

export type MachineOutcome = 'ok' | 'unreachable' | 'failed';

export interface MachineReport {
  readonly id: string;
  readonly host?: string;
  readonly outcome: MachineOutcome;
  readonly detail: string;
}

export async function repointMachines(ctx: RestoreContext, opts: JujuOptions, machines: readonly MachineTarget[], newAddress: string, stamp: string): Promise<MachineReport[]> {
  const reports: MachineReport[] = [];
  for (const m of machines) {
    ctx.progress.report({ kind: 'phase', phase: `re-pointing machine ${m.id}` });
    const report = await repointOne(ctx, opts, m, newAddress, stamp);
    (report.outcome === 'ok' ? ctx.log.info : ctx.log.error)(`Machine ${m.id}${m.host ? ` (${m.host})` : ''}: ${report.outcome}: ${report.detail}`);
    reports.push(report);
  }
  return reports;
}

async function repointOne(ctx: RestoreContext, opts: JujuOptions, m: MachineTarget, newAddress: string, stamp: string): Promise<MachineReport> {
  const base = { id: m.id, ...(m.host ? { host: m.host } : {}) };
  if (!m.host) return { ...base, outcome: 'unreachable', detail: 'no address is known for it: give it one in the target\'s "machines" option.' };
  let conn: SshConnection;
  try {
    conn = await connectSsh(
      {
        ...opts.ssh,
        host: m.host,
        ...(m.port !== undefined ? { port: m.port } : { port: opts.ssh.port ?? 22 }),
        ...(m.user ? { user: m.user } : {}),
        ...(m.identityFile ? { identityFile: m.identityFile } : {}),
        proxyJump: opts.ssh.proxyJump,
      } as typeof opts.ssh,
      // A machine's host key is trusted only from known_hosts: --yes must not accept a new key.
      { confirm: () => Promise.resolve(false), log: quiet(ctx.log), signal: ctx.signal },
    );
  } catch (e) {
    return { ...base, outcome: 'unreachable', detail: errorMessage(e) };
  }
  try {
    const shell = hostShell(conn, opts.sudo);
    const tag = machineTag(m.id);
    const conf = agentConfPath(tag);
    const kept = `${conf}.lifeboat-${stamp}`;
    await shell.run(`cp -p ${q(conf)} ${q(kept)}`, `Keeping ${conf} as ${kept}`);
    const text = (await shell.readFile(conf, `Reading ${conf}`)).toString('utf8');
    const next = rewriteAgentConf(text, newAddress, `${conf} on machine ${m.id}`);
    // Truncating in place keeps the file's owner and mode; the content goes on stdin (it holds the agent's password).
    await shell.run(`cat > ${q(conf)}`, `Writing ${conf}`, { input: next });
    await shell.run(`systemctl restart ${q(`jujud-${tag}`)}`, `Restarting jujud-${tag}`);
    return { ...base, outcome: 'ok', detail: `agent.conf points at ${newAddress} (the previous one is ${kept}); jujud-${tag} restarted.` };
  } catch (e) {
    return { ...base, outcome: isAppError(e) && e.code === 'unreachable' ? 'unreachable' : 'failed', detail: errorMessage(e) };
  } finally {
    await conn.close().catch(() => undefined);
  }
}

function quiet(log: Logger): Logger {
  return { debug: () => {}, info: (m) => log.debug(m), warn: (m) => log.warn(m), error: (m) => log.error(m) };
}

/** The error a restore ends with when machines could not be re-pointed, after all were tried. */
export function machinesError(reports: readonly MachineReport[], newAddress: string): AppError | undefined {
  const bad = reports.filter((r) => r.outcome !== 'ok');
  if (bad.length === 0) return undefined;
  const lines = bad.map((r) => `  machine ${r.id}${r.host ? ` (${r.host})` : ''}: ${r.outcome}: ${r.detail}`);
  return new AppError(
    'plugin',
    `The controller was restored, but ${bad.length} of ${reports.length} machines were not re-pointed to ${newAddress}:\n${lines.join('\n')}\nOn each, set apiaddresses (and stateaddresses) in /var/lib/juju/agents/machine-<id>/agent.conf to ${newAddress} and restart jujud-machine-<id> (the controller itself needs nothing more).`,
  );
}
