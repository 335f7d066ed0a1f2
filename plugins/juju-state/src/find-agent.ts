/**
 * The controller agent on a machine: the `/var/lib/juju/agents/machine-*` folder whose
 * agent.conf holds a `statepassword` (only controller machines have one), or the one the
 * operator named, and what its agent.conf says.
 */
import { AppError } from '../../../src-main/shared/app-error.js';
import { parseAgentConf, type AgentConf } from './agent-conf.js';
import { q, type HostShell } from './host-shell.js';

export const AGENTS_DIR = '/var/lib/juju/agents';

export interface FoundAgent {
  readonly confPath: string;
  readonly conf: AgentConf;
  readonly text: string;
}

export const agentConfPath = (tag: string): string => `${AGENTS_DIR}/${tag}/agent.conf`;

export async function findAgent(shell: HostShell, configured: string | undefined): Promise<FoundAgent> {
  let tag = configured;
  if (!tag) {
    const r = await shell.test(`for d in ${AGENTS_DIR}/machine-*; do [ -f "$d/agent.conf" ] && grep -q '^statepassword:' "$d/agent.conf" && basename "$d"; done; true`);
    const found = r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^machine-/.test(l));
    if (found.length === 0) {
      throw new AppError('not-found', `No controller agent on ${shell.host.host}: no ${AGENTS_DIR}/machine-*/agent.conf holds a statepassword. Is this a Juju controller (machine 0 of the controller model)? If it is, name the agent with the target's "agent" option (e.g. machine-0) and check that the SSH user may use sudo.`);
    }
    tag = found.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))[0]!;
  }
  const confPath = agentConfPath(tag);
  const exists = await shell.test(`test -f ${q(confPath)}`);
  if (exists.code !== 0) throw new AppError('not-found', `${confPath} does not exist on ${shell.host.host}. Check the target's "agent" option (ls ${AGENTS_DIR}).`);
  const text = (await shell.readFile(confPath, `Reading ${confPath}`)).toString('utf8');
  return { confPath, conf: parseAgentConf(text, `${confPath} on ${shell.host.host}`), text };
}
