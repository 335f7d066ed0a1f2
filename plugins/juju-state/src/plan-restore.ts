/** `lifeboat restore --dry-run` for a Juju controller: every step and machine, changing nothing. */
import type { RestoreContext, RestorePlan } from '../../../src-main/plugin-host/plugin-api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { joinHostPort } from './agent-conf.js';
import { archiveFacts } from './archive-facts.js';
import { hostShell } from './host-shell.js';
import { readOptions } from './juju-options.js';
import { answeringPorts } from './port-check.js';
import { otherAgent } from './restore-controller.js';
import { OLD_CONTROLLER_PORTS, restoreLayout } from './restore-layout.js';

export async function planRestore(ctx: RestoreContext): Promise<RestorePlan> {
  const opts = readOptions(ctx.target.options);
  const facts = await archiveFacts(ctx.archive);
  const l = restoreLayout(opts, facts);
  const agent = `jujud-${facts.tag}`;
  const open = await answeringPorts(l.oldHost, OLD_CONTROLLER_PORTS);
  const steps = [
    `Verify the whole archive before anything is touched.`,
    `Check that the old controller ${l.oldHost} (from ${l.oldHostFrom}) does not answer on ports ${OLD_CONTROLLER_PORTS.join(', ')}; refuse if it does.`,
    `Check that the archive's tools hold Juju ${facts.version}${l.tools.ok ? ` (${l.tools.dir})` : ''}, and that ${opts.ssh.host} is reachable over SSH with sudo.`,
    `Copy juju-backup/ (root.tar, the database dump) to a staging folder on ${opts.ssh.host} (removed at the end).`,
    `Stop ${agent} and juju-db on ${opts.ssh.host}.`,
    `Extract root.tar at / (owners and modes kept): /var/lib/juju/agents/${facts.tag}, tools, server.pem, system-identity, shared-secret, init, nonce.txt, authorized_keys.`,
    `Start juju-db and make the replica set one member, ${joinHostPort(l.newAddress, facts.statePort)} (rs.initiate, or a forced rs.reconfig).`,
    `Load the dump with mongorestore --drop --oplogReplay as ${facts.tag} (password in a 0600 file), leaving out logs.*.`,
    `Point ${facts.tag}'s apiaddresses and stateaddresses at ${l.newAddress} (the previous agent.conf kept as agent.conf.lifeboat-<time>).`,
    `Restart juju-db and start ${agent}.`,
    ...l.machines.map(
      (m) =>
        `Machine ${m.id}: ${m.host ? `SSH to ${m.user ? `${m.user}@` : ''}${m.host} (from the ${m.from})` : 'NO ADDRESS KNOWN (will be reported unreachable; give it one in the "machines" option)'}, keep agent.conf as agent.conf.lifeboat-<time>, point apiaddresses/stateaddresses at ${l.newAddress}, restart jujud-machine-${m.id.replaceAll('/', '-')}.`,
    ),
    'Report each machine as ok, unreachable or failed; exit non-zero if any was not re-pointed.',
  ];
  const warnings: string[] = [];
  if (open.length > 0) warnings.push(`The old controller ${l.oldHost} answers now on port ${open.join(', ')}: the restore would refuse.`);
  if (!l.tools.ok) warnings.push(l.tools.problem);
  if (l.haNote) warnings.push(l.haNote);
  try {
    const shell = hostShell(await ctx.ssh(), opts.sudo);
    const other = await otherAgent(shell, facts);
    if (other) warnings.push(`${opts.ssh.host} is not a fresh host: it holds ${other}. The restore would refuse.`);
  } catch (e) {
    warnings.push(`${opts.ssh.host} cannot be reached now (${errorMessage(e)}): the restore would refuse.`);
  }
  if (l.machines.length === 0) warnings.push('No other machine is known from the backup: none would be re-pointed.');
  return { steps, ...(warnings.length > 0 ? { warnings } : {}) };
}
