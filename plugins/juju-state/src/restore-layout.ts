/**
 * What a controller restore will do, worked out before anything changes: the old
 * controller's address (checked to be down), the new one, the machines to re-point and how
 * to reach them, and whether the archive's tools hold the backup's Juju version. The
 * restore and its dry-run plan both come from here.
 */
import { AppError } from '../../../src-main/shared/app-error.js';
import { remoteHosts } from './agent-conf.js';
import type { JujuFacts } from './juju-facts.js';
import type { JujuOptions } from './juju-options.js';

/** A machine to re-point and how it is reached. */
export interface MachineTarget {
  readonly id: string;
  /** Where SSH goes; undefined when neither the option nor the dump gives an address. */
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  /** Where the address came from, for the plan. */
  readonly from: 'machines option' | 'database dump';
}

export interface RestoreLayout {
  readonly facts: JujuFacts;
  readonly oldHost: string;
  readonly oldHostFrom: string;
  /** Said to the operator when the controller was HA. */
  readonly haNote?: string;
  readonly newAddress: string;
  readonly machines: readonly MachineTarget[];
  /** The tools folder holding the backup's version, or a refusal. */
  readonly tools: { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly problem: string };
}

/** The ports a live controller answers on: API, MongoDB, SSH. */
export const OLD_CONTROLLER_PORTS = [17070, 37017, 22] as const;

export function restoreLayout(opts: JujuOptions, facts: JujuFacts): RestoreLayout {
  const own = facts.machines.find((m) => m.id === facts.machineId);
  const fromConf = remoteHosts([...facts.stateAddresses, ...facts.apiAddresses]);
  let oldHost: string | undefined;
  let oldHostFrom: string;
  if (opts.oldAddress) {
    oldHost = opts.oldAddress;
    oldHostFrom = 'the oldAddress option';
  } else if (fromConf[0]) {
    oldHost = fromConf[0];
    oldHostFrom = `${facts.tag}'s agent.conf in the backup`;
  } else {
    oldHost = own?.addresses[0];
    oldHostFrom = `machine ${facts.machineId}'s addresses in the database dump`;
  }
  if (!oldHost) {
    throw new AppError('config', `The backup does not say where the old controller was (its agent.conf lists only loopback addresses and the dump has no address for machine ${facts.machineId}). Set the target's "oldAddress" option to the old controller's address, so Lifeboat can check it is down. Nothing was changed.`);
  }
  const haNote =
    facts.haMembers.length > 1
      ? `The controller was HA (${facts.haMembers.join(', ')}). Only the initial controller, ${oldHost}, is checked to be down, as Juju does: make sure NO other controller of this set still runs, or the restore can cripple the environment. The restored controller has one member; run juju enable-ha afterwards.`
      : undefined;
  const newAddress = opts.newAddress ?? opts.ssh.host;
  const machines: MachineTarget[] = [];
  const configured = new Map((opts.machines ?? []).map((m) => [m.id, m]));
  const ids = opts.machines ? opts.machines.map((m) => m.id) : facts.machines.map((m) => m.id);
  for (const id of ids) {
    if (id === facts.machineId) continue;
    const set = configured.get(id);
    if (set?.skip) continue;
    const dumped = facts.machines.find((m) => m.id === id);
    const host = set?.host ?? dumped?.addresses[0];
    machines.push({
      id,
      ...(host ? { host } : {}),
      ...(set?.port !== undefined ? { port: set.port } : {}),
      ...(set?.user ? { user: set.user } : {}),
      ...(set?.identityFile ? { identityFile: set.identityFile } : {}),
      from: set?.host ? 'machines option' : 'database dump',
    });
  }
  const dir = facts.tools.find((t) => t.startsWith(`${facts.version}-`));
  const tools: RestoreLayout['tools'] = dir
    ? { ok: true, dir }
    : {
        ok: false,
        problem: `The backup is of Juju ${facts.version || '(unknown version)'}, but its tools are ${facts.tools.length ? facts.tools.join(', ') : 'missing'}: the restored agent would have no binary of its own version. Restore a backup whose root.tar holds /var/lib/juju/tools/${facts.version}-*. Nothing was changed.`,
      };
  return { facts, oldHost, oldHostFrom, ...(haNote ? { haNote } : {}), newAddress, machines, tools };
}

/** A machine's agent tag: `0/lxd/3` → `machine-0-lxd-3`. */
export function machineTag(id: string): string {
  return `machine-${id.replaceAll('/', '-')}`;
}
