/**
 * The operator's `~/.ssh/config`, read the way OpenSSH reads it for the options Lifeboat
 * honours (HostName, User, Port, IdentityFile, ProxyJump), so a Host alias that works with
 * `ssh` works in Lifeboat too. `Match` blocks and `Include` are not supported (their lines
 * are ignored).
 */
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AppError, errorMessage } from '../../shared/app-error.js';
import { matchPatternList } from './host-pattern.js';

/** One `Host` block: its patterns and its options in file order (keywords lower-cased). */
export interface SshConfigBlock {
  readonly patterns: readonly string[];
  readonly options: ReadonlyArray<readonly [keyword: string, value: string]>;
}

/** What the config says about one host, before `%` tokens and `~` are expanded. */
export interface SshHostConfig {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  /** Jump hosts in order, or undefined when none (`ProxyJump none` also gives undefined). */
  readonly proxyJump?: readonly JumpSpec[];
}

/** One `[user@]host[:port]` of a ProxyJump list. */
export interface JumpSpec {
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

/** Splits a config line's arguments: spaces separate, double quotes group. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

/** Parses config text into blocks. Options before the first `Host` form a block for `*`. */
export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: { patterns: string[]; options: [string, string][] }[] = [];
  let current: { patterns: string[]; options: [string, string][] } = { patterns: ['*'], options: [] };
  blocks.push(current);
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    if (keyword === 'host') {
      current = { patterns: splitArgs(value), options: [] };
      blocks.push(current);
    } else if (keyword === 'match') {
      // Unsupported: its options must not leak into every host, so they go to a block that never matches.
      current = { patterns: [], options: [] };
      blocks.push(current);
    } else {
      current.options.push([keyword, value]);
    }
  }
  return blocks;
}

/** Parses `a@b:22,c` into jump specs; `none` gives an empty list. */
export function parseJumpList(value: string): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseJumpSpec);
}

/** Parses one `[ssh://][user@]host[:port]` (IPv6 literals in brackets). */
export function parseJumpSpec(spec: string): JumpSpec {
  let rest = spec.replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    host = bracket[1] ?? '';
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon !== -1 && rest.indexOf(':') === colon) {
      host = rest.slice(0, colon);
      port = Number(rest.slice(colon + 1));
    }
  }
  return { host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}

/**
 * The options for `host` (an alias or a name): for each keyword the first value met in a
 * matching block wins, as in OpenSSH; IdentityFile values accumulate.
 */
export function lookupSshConfig(blocks: readonly SshConfigBlock[], host: string): SshHostConfig {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const block of blocks) {
    if (!matchPatternList(block.patterns, host)) continue;
    for (const [keyword, value] of block.options) {
      if (keyword === 'identityfile') {
        const [file] = splitArgs(value);
        if (file !== undefined) identityFiles.push(file);
      } else if (!first.has(keyword)) {
        first.set(keyword, value);
      }
    }
  }
  const portText = first.get('port');
  const port = portText !== undefined ? Number(portText) : undefined;
  const jump = first.get('proxyjump');
  const proxyJump = jump !== undefined ? parseJumpList(jump) : undefined;
  const hostName = first.get('hostname');
  const user = first.get('user');
  return {
    ...(hostName !== undefined ? { hostName: splitArgs(hostName)[0] ?? hostName } : {}),
    ...(user !== undefined ? { user: splitArgs(user)[0] ?? user } : {}),
    ...(port !== undefined && Number.isInteger(port) && port > 0 ? { port } : {}),
    identityFiles,
    ...(proxyJump !== undefined && proxyJump.length > 0 ? { proxyJump } : {}),
  };
}

/** Values the `%` tokens of a path stand for. */
export interface SshPathTokens {
  /** `%h`: the host name after HostName. */
  readonly host: string;
  /** `%n`: the name as given (the alias). */
  readonly alias?: string;
  /** `%r`: the remote user. */
  readonly remoteUser: string;
  /** `%p`: the port. */
  readonly port: number;
  /** `%u`: the local user. Defaults to the current user. */
  readonly localUser?: string;
  /** `~` and `%d`. Defaults to the home folder. */
  readonly home?: string;
}

/** Expands a leading `~` and the `%h %n %r %p %u %d %%` tokens of an IdentityFile path. */
export function expandSshPath(path: string, tokens: SshPathTokens): string {
  const home = tokens.home ?? homedir();
  const expanded = path.replace(/%([%hnrpud])/g, (_, t: string) => {
    switch (t) {
      case '%': return '%';
      case 'h': return tokens.host;
      case 'n': return tokens.alias ?? tokens.host;
      case 'r': return tokens.remoteUser;
      case 'p': return String(tokens.port);
      case 'u': return tokens.localUser ?? userInfo().username;
      default: return home;
    }
  });
  if (expanded === '~') return home;
  if (expanded.startsWith('~/')) return join(home, expanded.slice(2));
  return expanded;
}

/** Reads and parses `file` (default `~/.ssh/config`); a missing file is an empty config. */
export async function readSshConfig(file = join(homedir(), '.ssh', 'config')): Promise<SshConfigBlock[]> {
  try {
    return parseSshConfig(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AppError('config', `The SSH config ${file} could not be read: ${errorMessage(e)}. Check its permissions.`, { cause: e });
  }
}
