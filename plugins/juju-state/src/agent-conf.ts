/**
 * A Juju agent's `agent.conf` (YAML): the facts a backup and a restore need from it, and the
 * rewrite that points an agent at a new controller. The rewrite edits only `apiaddresses` and
 * `stateaddresses`, keeping every other line, comment and key order as Juju wrote them.
 */
import { parseDocument, isSeq, isScalar } from 'yaml';
import { AppError } from '../../../src-main/shared/app-error.js';

export interface AgentConf {
  readonly tag: string;
  /** Absent on machines that are not controllers. */
  readonly statePassword?: string;
  readonly statePort: number;
  readonly apiPort: number;
  readonly controllerUuid: string;
  readonly modelUuid: string;
  readonly version: string;
  readonly apiAddresses: readonly string[];
  readonly stateAddresses: readonly string[];
}

function scalar(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** Reads agent.conf; `where` names it in errors. */
export function parseAgentConf(text: string, where: string): AgentConf {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new AppError('plugin', `${where} is not valid YAML (${doc.errors[0]!.message}). Check the file on the machine.`);
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  const tag = scalar(data.tag);
  if (!tag) throw new AppError('plugin', `${where} has no "tag": it does not look like a Juju agent.conf. Name the agent with the target's "agent" option.`);
  const statePassword = scalar(data.statepassword);
  return {
    tag,
    ...(statePassword ? { statePassword } : {}),
    statePort: Number(data.stateport ?? 37017),
    apiPort: Number(data.apiport ?? 17070),
    controllerUuid: (scalar(data.controller) ?? '').replace(/^controller-/, ''),
    modelUuid: (scalar(data.model) ?? '').replace(/^model-/, ''),
    version: scalar(data.upgradedToVersion) ?? '',
    apiAddresses: list(data.apiaddresses),
    stateAddresses: list(data.stateaddresses),
  };
}

/** `10.0.0.1:17070`, `[fd00::1]:17070`, `host` → host and port (port undefined when absent). */
export function splitHostPort(address: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (v6) return { host: v6[1]!, ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const m = /^([^:]+):(\d+)$/.exec(address);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: address };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The hosts of the addresses that other machines can reach (no loopback), in order, once each. */
export function remoteHosts(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map((a) => splitHostPort(a).host).filter((h) => !isLoopback(h)))];
}

/**
 * Points `addresses` at `newHost`: every non-loopback address becomes newHost with its port
 * (once per port); loopback ones stay (a controller reaches itself through them). When
 * there was no other address, newHost:defaultPort is added.
 */
export function repointAddresses(addresses: readonly string[], newHost: string, defaultPort: number): string[] {
  const out: string[] = [];
  let replaced = false;
  for (const a of addresses) {
    const { host, port } = splitHostPort(a);
    const next = isLoopback(host) ? a : joinHostPort(newHost, port ?? defaultPort);
    if (!isLoopback(host)) replaced = true;
    if (!out.includes(next)) out.push(next);
  }
  if (!replaced) out.push(joinHostPort(newHost, defaultPort));
  return out;
}

/** agent.conf's text with apiaddresses and stateaddresses pointed at `newHost`; the rest untouched. */
export function rewriteAgentConf(text: string, newHost: string, where: string): string {
  const conf = parseAgentConf(text, where);
  const doc = parseDocument(text);
  const keys: Array<[string, readonly string[], number]> = [
    ['apiaddresses', conf.apiAddresses, conf.apiPort],
    ['stateaddresses', conf.stateAddresses, conf.statePort],
  ];
  for (const [key, addresses, port] of keys) {
    // A machine agent has no stateaddresses when it does not talk to Mongo: leave it so.
    if (!doc.has(key) && key === 'stateaddresses') continue;
    const node = doc.get(key, true);
    const next = repointAddresses(addresses, newHost, port);
    if (isSeq(node) && node.items.every((i) => isScalar(i))) {
      // Edit the existing sequence so its style (block or flow) stays Juju's.
      node.items = next.map((a) => doc.createNode(a));
    } else {
      doc.set(key, next);
    }
  }
  return doc.toString({ lineWidth: 0, indentSeq: false });
}
