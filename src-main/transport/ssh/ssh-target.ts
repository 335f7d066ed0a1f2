/**
 * What the operator configures to reach a host over SSH, and how it is completed from
 * `~/.ssh/config` the way `ssh` would: explicit options win, then the config's first values.
 */
import { userInfo } from 'node:os';
import { AppError } from '../../shared/app-error.js';
import { expandSshPath, lookupSshConfig, parseJumpList, type JumpSpec, type SshConfigBlock } from './ssh-config.js';

/** A host to connect to. `host` may be an alias from `~/.ssh/config`. */
export interface SshTarget {
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  /** Private key file; `~` is expanded. Default: the config's IdentityFile, if any. */
  readonly identityFile?: string;
  /** Passphrase of the private key (a secret option). */
  readonly identityPassphrase?: string;
  /** Login password (a secret option). */
  readonly password?: string;
  /** Use the SSH agent at SSH_AUTH_SOCK. Default: when SSH_AUTH_SOCK is set. */
  readonly useAgent?: boolean;
  /** `[user@]host[:port]`, or a comma list; default: the config's ProxyJump. */
  readonly proxyJump?: string;
  /** Run commands that ask for it through sudo. */
  readonly sudo?: boolean;
  /** Password for `sudo -S` (a secret option); without it `sudo -n` is used. */
  readonly sudoPassword?: string;
  /** TCP connect plus handshake and login. Default 20 s. */
  readonly connectTimeoutMs?: number;
  /** Keepalive interval; three unanswered keepalives drop the connection. Default 5 s. */
  readonly keepaliveIntervalMs?: number;
}

/** A target completed from the config: everything needed to open the TCP connection and log in. */
export interface ResolvedSshTarget {
  /** The name as given (alias), used in messages. */
  readonly alias: string;
  /** The name or address connected to (after HostName). */
  readonly hostName: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  /** Jump hosts, outermost first. */
  readonly jumps: readonly ResolvedSshTarget[];
}

/** The current local user, the default remote user as for `ssh`. */
function localUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'root';
  }
}

/** Completes `target` from the config blocks (see {@link readSshConfig}). */
export function resolveSshTarget(
  target: SshTarget,
  config: readonly SshConfigBlock[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedSshTarget {
  if (target.host.trim() === '') throw new AppError('config', 'The SSH target has no host. Set its host name or ~/.ssh/config alias.');
  const jumps = target.proxyJump !== undefined ? parseJumpList(target.proxyJump) : undefined;
  return resolveOne(
    { host: target.host, ...(target.user !== undefined ? { user: target.user } : {}), ...(target.port !== undefined ? { port: target.port } : {}) },
    target.identityFile !== undefined ? [target.identityFile] : undefined,
    jumps,
    config,
    env,
    new Set(),
  );
}

function resolveOne(
  spec: JumpSpec,
  explicitIdentity: readonly string[] | undefined,
  explicitJumps: readonly JumpSpec[] | undefined,
  config: readonly SshConfigBlock[],
  env: Readonly<Record<string, string | undefined>>,
  seen: Set<string>,
): ResolvedSshTarget {
  if (seen.has(spec.host)) {
    throw new AppError('config', `ProxyJump loops back to ${spec.host}. Check the ProxyJump lines of ~/.ssh/config.`);
  }
  const cfg = lookupSshConfig(config, spec.host);
  const hostName = cfg.hostName !== undefined ? cfg.hostName.replace(/%h/g, spec.host) : spec.host;
  const port = spec.port ?? cfg.port ?? 22;
  const user = spec.user ?? cfg.user ?? localUser(env);
  const tokens = { host: hostName, alias: spec.host, remoteUser: user, port };
  const identityFiles = (explicitIdentity ?? cfg.identityFiles).map((f) => expandSshPath(f, tokens));
  const jumpSpecs = explicitJumps ?? cfg.proxyJump ?? [];
  const nextSeen = new Set(seen).add(spec.host);
  // Jump hosts are themselves looked up in the config (their own User, Port, key), as ssh does.
  const jumps = jumpSpecs.map((j) => resolveOne(j, undefined, [], config, env, nextSeen));
  return { alias: spec.host, hostName, port, user, identityFiles, jumps };
}
