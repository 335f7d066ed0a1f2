/**
 * Opening the connection: TCP with Nagle off (SFTP is ~50x slower with it on), each jump
 * host in turn through the previous one's `direct-tcpip` channel, host key checks, login
 * with key file, agent or password, and timeouts that do not count the time the operator
 * spends answering the host key question.
 */
import { readFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import { AppError, errorMessage, throwIfAborted } from '../../shared/app-error.js';
import { createHostKeyVerifier, type HostKeyPolicy } from './host-key-verifier.js';
import { defaultLifeboatKnownHosts, defaultOpenSshKnownHosts, knownKeyTypes, readKnownHosts } from './known-hosts.js';
import type { ConnectSshDeps } from './ssh-connection.js';
import { readSshConfig } from './ssh-config.js';
import { createSshLink, type SshLink } from './ssh-link.js';
import { resolveSshTarget, type ResolvedSshTarget, type SshTarget } from './ssh-target.js';

type Ssh2 = typeof import('ssh2').default;

let ssh2Module: Promise<Ssh2> | undefined;

/** ssh2 is loaded at the first connection: `lifeboat serve` and most commands never need it. */
function loadSsh2(): Promise<Ssh2> {
  return (ssh2Module ??= import('ssh2').then((m) => m.default));
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_KEEPALIVE_MS = 5_000;
/** ssh2's host key algorithms, in its default order. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

interface Credentials {
  readonly privateKey?: Buffer;
  readonly passphrase?: string;
  readonly keyFile?: string;
  readonly password?: string;
  readonly agent?: string;
}

export async function openSshLink(target: SshTarget, deps: ConnectSshDeps): Promise<{ link: SshLink; close(): Promise<void> }> {
  throwIfAborted(deps.signal);
  const ssh2 = await loadSsh2();
  const resolved = resolveSshTarget(target, await readSshConfig(deps.sshConfigFile), deps.env);
  const lifeboatKnownHosts = deps.lifeboatKnownHosts ?? defaultLifeboatKnownHosts();
  const entries = await readKnownHosts([...(deps.knownHostsFiles ?? defaultOpenSshKnownHosts()), lifeboatKnownHosts]);
  const env = deps.env ?? process.env;
  const agentSocket = env.SSH_AUTH_SOCK;
  const agent = (target.useAgent ?? agentSocket !== undefined) && agentSocket ? agentSocket : undefined;
  const timeoutMs = target.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hops = [...resolved.jumps, resolved];
  const clients: Client[] = [];
  try {
    for (const [i, hop] of hops.entries()) {
      const isTarget = i === hops.length - 1;
      const previous = clients[i - 1];
      const sock = previous === undefined
        ? await openTcp(hop, timeoutMs, deps.signal)
        : await forwardThrough(previous, hops[i - 1] as ResolvedSshTarget, hop);
      const credentials = await credentialsFor(ssh2, hop, isTarget ? target : {}, agent);
      const client = await handshake(ssh2, hop, sock, credentials, {
        entries,
        lifeboatKnownHosts,
        confirm: (q, hostKey) => deps.confirm(q, hostKey),
      }, { timeoutMs, keepaliveMs: target.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS, signal: deps.signal });
      deps.log?.debug(`SSH: logged in to ${hop.user}@${hop.alias}${isTarget ? '' : ' (jump host)'}`);
      clients.push(client);
    }
  } catch (e) {
    for (const c of clients.reverse()) c.destroy();
    throw e;
  }
  const client = clients[clients.length - 1] as Client;
  const link = createSshLink(resolved.alias, client, {
    enabled: target.sudo ?? false,
    ...(target.sudoPassword !== undefined ? { password: target.sudoPassword } : {}),
    isRoot: resolved.user === 'root',
  });
  // The target's connection runs inside the jump hosts': when it goes, they go too.
  client.on('close', () => {
    for (const c of clients.slice(0, -1).reverse()) c.end();
  });
  const close = async (): Promise<void> => {
    if (link.lost.aborted) return;
    link.markClosedByUs();
    const closed = new Promise<void>((resolve) => link.lost.addEventListener('abort', () => resolve(), { once: true }));
    client.end();
    // A server that does not answer the disconnect must not hold close() up.
    const timer = setTimeout(() => client.destroy(), 2_000);
    await closed;
    clearTimeout(timer);
  };
  return { link, close };
}

function openTcp(hop: ResolvedSshTarget, timeoutMs: number, signal: AbortSignal | undefined): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: hop.hostName, port: hop.port });
    socket.setNoDelay(true);
    const fail = (error: AppError): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(new AppError('canceled', `Canceled while connecting to ${hop.alias}.`));
    const timer = setTimeout(
      () => fail(new AppError('unreachable', `${hop.alias} (${hop.hostName}:${hop.port}) did not answer within ${Math.round(timeoutMs / 1000)} s. Check the address, the port and any firewall.`)),
      timeoutMs,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => fail(tcpError(hop, e)));
  });
}

function tcpError(hop: ResolvedSshTarget, e: NodeJS.ErrnoException): AppError {
  const where = `${hop.alias} (${hop.hostName}:${hop.port})`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new AppError('unreachable', `${where} refused the connection: nothing listens on port ${hop.port}. Check the port and that sshd runs.`, { cause: e });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError('unreachable', `The host name ${hop.hostName} could not be resolved. Check its spelling, DNS, or the HostName in ~/.ssh/config.`, { cause: e });
    default:
      return new AppError('unreachable', `${where} could not be reached: ${e.message}. Check the network and the address.`, { cause: e });
  }
}

function forwardThrough(jump: Client, jumpHop: ResolvedSshTarget, hop: ResolvedSshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, hop.hostName, hop.port, (err, channel) => {
      if (err) {
        reject(new AppError('unreachable', `The jump host ${jumpHop.alias} could not reach ${hop.hostName}:${hop.port}: ${err.message}. Check the target's address and that the jump host allows TCP forwarding (AllowTcpForwarding).`, { cause: err }));
      } else {
        resolve(channel);
      }
    });
  });
}

/** Key file (explicit, from the config, or OpenSSH's default names), password and agent for one hop. */
async function credentialsFor(ssh2: Ssh2, hop: ResolvedSshTarget, target: Partial<SshTarget>, agent: string | undefined): Promise<Credentials> {
  const explicit = hop.identityFiles.length > 0;
  const candidates = explicit ? hop.identityFiles : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(homedir(), '.ssh', n));
  let key: { privateKey: Buffer; keyFile: string } | undefined;
  for (const file of candidates) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (e) {
      if (target.identityFile !== undefined) {
        throw new AppError('config', `The SSH key ${file} could not be read: ${errorMessage(e)}. Check the identity file option.`, { cause: e });
      }
      continue;
    }
    const parsed = ssh2.utils.parseKey(data, target.identityPassphrase);
    if (parsed instanceof Error) {
      if (target.identityFile === undefined && agent !== undefined) continue; // the agent may hold it
      const hint = /passphrase/i.test(parsed.message)
        ? target.identityPassphrase === undefined ? 'It is encrypted: set its passphrase.' : 'Is the passphrase right?'
        : 'Is it a private key in OpenSSH or PEM format?';
      throw new AppError('config', `The SSH key ${file} could not be used: ${parsed.message}. ${hint}`);
    }
    key = { privateKey: data, keyFile: file };
    break;
  }
  const credentials: Credentials = {
    ...(key ?? {}),
    ...(key && target.identityPassphrase !== undefined ? { passphrase: target.identityPassphrase } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(agent !== undefined ? { agent } : {}),
  };
  if (credentials.privateKey === undefined && credentials.password === undefined && credentials.agent === undefined) {
    throw new AppError('config', `No way to log in to ${hop.user}@${hop.alias}: no key file, no SSH agent (SSH_AUTH_SOCK) and no password. Set an identity file or a password, or start ssh-agent and add a key.`);
  }
  return credentials;
}

function handshake(
  ssh2: Ssh2,
  hop: ResolvedSshTarget,
  sock: Duplex,
  credentials: Credentials,
  policy: Omit<HostKeyPolicy, 'onWaiting'>,
  limits: { timeoutMs: number; keepaliveMs: number; signal: AbortSignal | undefined },
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const startTimer = (): void => {
      timer = setTimeout(
        () => fail(new AppError('unreachable', `${hop.alias} did not complete the SSH handshake and login within ${Math.round(limits.timeoutMs / 1000)} s. Check that it is an SSH server and that it is not overloaded.`)),
        limits.timeoutMs,
      );
    };
    const verifier = createHostKeyVerifier(hop.alias, hop.hostName, hop.port, {
      ...policy,
      // The operator may take their time reading the fingerprint.
      onWaiting: (waiting) => {
        clearTimeout(timer);
        if (!waiting && !settled) startTimer();
      },
    });
    const onAbort = (): void => fail(new AppError('canceled', `Canceled while logging in to ${hop.alias}.`));
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
    };
    function fail(error: AppError): void {
      if (settled) return;
      cleanup();
      client.destroy();
      sock.destroy();
      reject(error);
    }
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      if (settled) return;
      cleanup();
      client.on('error', () => {}); // later errors surface as a lost connection (see ssh-link)
      resolve(client);
    });
    client.on('error', (e: Error & { level?: string }) => fail(verifier.failure() ?? loginError(hop, credentials, e)));
    client.on('close', () => fail(verifier.failure() ?? new AppError('unreachable', `${hop.alias} closed the connection during login. Check its sshd logs (MaxStartups, AllowUsers, DenyUsers).`)));
    if (credentials.password !== undefined) {
      client.on('keyboard-interactive', (_n: string, _i: string, _l: string, prompts: unknown[], finish: (answers: string[]) => void) =>
        finish(prompts.map(() => credentials.password as string)));
    }
    const known = knownKeyTypes(policy.entries, hop.hostName, hop.port);
    const config: ConnectConfig = {
      sock,
      username: hop.user,
      readyTimeout: 0,
      keepaliveInterval: limits.keepaliveMs,
      keepaliveCountMax: 3,
      hostVerifier: (key, verify) => verifier.verify(key, verify),
      ...(credentials.privateKey !== undefined ? { privateKey: credentials.privateKey } : {}),
      ...(credentials.passphrase !== undefined ? { passphrase: credentials.passphrase } : {}),
      ...(credentials.password !== undefined ? { password: credentials.password, tryKeyboard: true } : {}),
      ...(credentials.agent !== undefined ? { agent: credentials.agent } : {}),
      ...(known.length > 0 ? { algorithms: { serverHostKey: preferKnownAlgorithms(known) } } : {}),
    };
    startTimer();
    try {
      client.connect(config);
    } catch (e) {
      fail(new AppError('config', `The SSH settings for ${hop.alias} are not usable: ${errorMessage(e)}`, { cause: e }));
    }
  });
}

/** Host key algorithms with those of the keys already known for the host first, as OpenSSH orders them. */
function preferKnownAlgorithms(knownTypes: readonly string[]): string[] {
  const wanted = new Set(knownTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t])));
  return [...HOST_KEY_ALGORITHMS.filter((a) => wanted.has(a)), ...HOST_KEY_ALGORITHMS.filter((a) => !wanted.has(a))];
}

function loginError(hop: ResolvedSshTarget, credentials: Credentials, e: Error & { level?: string }): AppError {
  if (e.level === 'client-authentication') {
    const tried = [
      credentials.keyFile !== undefined ? `key ${credentials.keyFile}` : undefined,
      credentials.agent !== undefined ? 'the SSH agent' : undefined,
      credentials.password !== undefined ? 'password' : undefined,
    ].filter((x) => x !== undefined);
    return new AppError('config', `${hop.user}@${hop.alias} refused the login (tried ${tried.join(', ')}). Check the user name, the key or password, and the server's authorized_keys.`, { cause: e });
  }
  if (e.level === 'agent') {
    return new AppError('config', `The SSH agent at SSH_AUTH_SOCK could not be used for ${hop.alias}: ${e.message}. Check that ssh-agent runs, or turn the agent off for this target.`, { cause: e });
  }
  return new AppError('unreachable', `The SSH connection to ${hop.alias} failed: ${e.message}. Check the address, the port and that sshd runs there.`, { cause: e });
}
