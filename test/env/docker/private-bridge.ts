// The private engine's own bridge, in a private range no other interface or route uses, so
// the rig never touches the host's networks; plus the FORWARD rule another engine's
// iptables setup can make necessary (FACTS.md).
import { execFileSync, spawnSync } from 'node:child_process';

export const BRIDGE_NAME = 'lbtest0';
const CANDIDATES = ['10.213.47.1/24', '172.29.213.1/24', '10.247.13.1/24'];

export interface Bridge {
  readonly name: string;
  /** The bridge's address with prefix, e.g. 10.213.47.1/24. */
  readonly address: string;
  /** The subnet, e.g. 10.213.47.0/24. */
  readonly subnet: string;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The bridge if it exists with an address. */
export function existingBridge(): Bridge | undefined {
  const shown = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', BRIDGE_NAME], { encoding: 'utf8' });
  const address = shown.status === 0 ? /inet (\S+)/.exec(shown.stdout)?.[1] : undefined;
  return address !== undefined ? { name: BRIDGE_NAME, address, subnet: subnetOf(address) } : undefined;
}

export function ensureBridge(): Bridge {
  const existing = existingBridge();
  if (existing !== undefined) {
    ip(['link', 'set', BRIDGE_NAME, 'up']);
    return existing;
  }
  // A bridge of that name without an address is a leftover: start it afresh.
  spawnSync('ip', ['link', 'del', BRIDGE_NAME], { stdio: 'ignore' });
  const routes = ip(['-4', 'route', 'show', 'table', 'all'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((dest) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(dest));
  const address = CANDIDATES.find((c) => !routes.some((r) => overlaps(r, subnetOf(c))));
  if (address === undefined) {
    throw new Error(`No free private subnet for the test Docker bridge: ${CANDIDATES.join(', ')} all overlap routes of this machine.`);
  }
  ip(['link', 'add', BRIDGE_NAME, 'type', 'bridge']);
  ip(['addr', 'add', address, 'dev', BRIDGE_NAME]);
  ip(['link', 'set', BRIDGE_NAME, 'up']);
  return { name: BRIDGE_NAME, address, subnet: subnetOf(address) };
}

export function removeBridge(): void {
  spawnSync('ip', ['link', 'del', BRIDGE_NAME], { stdio: 'ignore' });
}

/**
 * Another Docker with iptables sets the FORWARD policy to DROP, which cuts our containers
 * off from each other; an ACCEPT rule for our subnet, only then, fixes it.
 */
export function allowForwarding(subnet: string): void {
  const policy = spawnSync('iptables', ['-S', 'FORWARD'], { encoding: 'utf8' });
  if (policy.status !== 0 || !policy.stdout.includes('-P FORWARD DROP')) return;
  const rule = ['FORWARD', '-s', subnet, '-d', subnet, '-j', 'ACCEPT'];
  if (spawnSync('iptables', ['-C', ...rule], { stdio: 'ignore' }).status !== 0) {
    execFileSync('iptables', ['-I', ...rule], { stdio: 'ignore' });
  }
}

export function removeForwarding(subnet: string): void {
  const rule = ['FORWARD', '-s', subnet, '-d', subnet, '-j', 'ACCEPT'];
  while (spawnSync('iptables', ['-C', ...rule], { stdio: 'ignore' }).status === 0) {
    if (spawnSync('iptables', ['-D', ...rule], { stdio: 'ignore' }).status !== 0) break;
  }
}

function toInt(addr: string): number {
  return addr.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function parse(cidr: string): [number, number] {
  const [addr = '', bits = '32'] = cidr.split('/');
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  return [Math.floor(toInt(addr) / size) * size, size];
}

function subnetOf(cidr: string): string {
  const [start] = parse(cidr);
  const octets = [24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256);
  return `${octets.join('.')}/${cidr.split('/')[1] ?? '32'}`;
}

function overlaps(a: string, b: string): boolean {
  if (a === 'default' || a.startsWith('0.0.0.0')) return false;
  const [aStart, aSize] = parse(a);
  const [bStart, bSize] = parse(b);
  return aStart < bStart + bSize && bStart < aStart + aSize;
}
