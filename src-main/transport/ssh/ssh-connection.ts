/**
 * The SSH connection plugins get: opened by {@link connectSsh} through any jump hosts, with
 * host keys checked, then used for commands, file transfer, folder tar streams and
 * forwarding to a remote Unix socket (the Docker engine). One TCP connection carries it all.
 */
import { Duplex, type Readable } from 'node:stream';
import type { Logger } from '../../plugin-host/index.js';
import type { ProgressSink } from '../../shared/models/progress.js';
import type { QuestionHostKey } from '../../shared/models/question.js';
import type { SshLink } from './ssh-link.js';
import { execOverSsh, execStreamOverSsh } from './ssh-exec.js';
import { downloadOverSftp, uploadOverSftp } from './sftp.js';
import { remoteTarCreate, remoteTarExtract } from './remote-tar.js';
import { openSshLink } from './ssh-connect.js';
import type { SshTarget } from './ssh-target.js';
import { AppError } from '../../shared/app-error.js';

export interface SshExecOptions {
  /** Run through sudo (`sudo -S` with the target's sudo password on stdin, else `sudo -n`). */
  readonly sudo?: boolean;
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string | Buffer;
  readonly signal?: AbortSignal;
  /** Resolve instead of rejecting on a non-zero exit. */
  readonly allowFailure?: boolean;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
}

export interface SshExecResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running command whose stdout is consumed as a stream (tar, dumps). */
export interface SshExecStream {
  readonly stdout: Readable;
  /** Settles when the command ends: rejects on a non-zero exit (with the stderr tail), cancel or a lost connection. */
  readonly done: Promise<{ readonly code: number | null; readonly signal: string | null; readonly stderr: string }>;
}

export interface TransferOptions {
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
}

/**
 * A live SSH connection.
 *
 * @example
 * ```ts
 * const ssh = await connectSsh({ host: 'juju-ctl', sudo: true }, { confirm: ctx.confirm });
 * try {
 *   const { stdout } = await ssh.exec('juju version');
 *   await ctx.archive.addTarStream(ssh.tarCreate('/var/lib/juju', { exclude: ['./tmp'] }), { prefix: 'juju' });
 * } finally {
 *   await ssh.close();
 * }
 * ```
 */
export interface SshConnection {
  /** The target's name as configured, for messages. */
  readonly host: string;
  /** Runs a shell command and collects its output; rejects with AppError('plugin') carrying the exit code and last stderr lines. Killed on cancel. */
  exec(command: string, options?: SshExecOptions): Promise<SshExecResult>;
  /** Runs a shell command whose stdout is read as a stream; stderr is kept for the error. */
  execStream(command: string, options?: Omit<SshExecOptions, 'onStdout' | 'allowFailure'>): SshExecStream;
  /** A remote file's bytes over SFTP, read with many requests in flight. */
  download(remotePath: string, options?: TransferOptions): Readable;
  /** Writes `source` to a remote file over SFTP (via a temporary name, renamed at the end). */
  upload(remotePath: string, source: Readable, options?: TransferOptions & { readonly mode?: number }): Promise<void>;
  /** `tar -C dir -cf - .` on the remote host, as a stream; errors (exit code, stderr) surface on the stream. */
  tarCreate(dir: string, options?: TransferOptions & { readonly exclude?: readonly string[]; readonly sudo?: boolean }): Readable;
  /** Streams a tar into `tar -C dir -xf -` on the remote host (the folder must exist). */
  tarExtract(dir: string, tar: Readable, options?: TransferOptions & { readonly sudo?: boolean }): Promise<void>;
  /** A stream to a Unix socket on the remote host (e.g. `/var/run/docker.sock`), over this connection. */
  forwardOutStreamLocal(socketPath: string): Promise<Duplex>;
  /** Closes the connection (and its jump hosts); pending work fails with AppError('canceled'). */
  close(): Promise<void>;
}

export interface ConnectSshDeps {
  /** Asks the operator whether to trust an unknown host key; `hostKey` says which, as data. */
  confirm(question: string, hostKey: QuestionHostKey): Promise<boolean>;
  readonly log?: Logger;
  /** OpenSSH known_hosts files to trust. Default `~/.ssh/known_hosts` and `known_hosts2`. */
  readonly knownHostsFiles?: readonly string[];
  /** Lifeboat's own known_hosts, read and appended to. Default `$XDG_CONFIG_HOME/lifeboat/known_hosts`. */
  readonly lifeboatKnownHosts?: string;
  /** The ssh_config file. Default `~/.ssh/config`. */
  readonly sshConfigFile?: string;
  /** Where SSH_AUTH_SOCK is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** Opens a connection to `target` (through its ProxyJump hosts), checking host keys and logging in. */
export async function connectSsh(target: SshTarget, deps: ConnectSshDeps): Promise<SshConnection> {
  const { link, close } = await openSshLink(target, deps);
  return {
    host: link.alias,
    exec: (command, options) => execOverSsh(link, command, options ?? {}),
    execStream: (command, options) => execStreamOverSsh(link, command, options ?? {}),
    download: (remotePath, options) => downloadOverSftp(link, remotePath, options ?? {}),
    upload: (remotePath, source, options) => uploadOverSftp(link, remotePath, source, options ?? {}),
    tarCreate: (dir, options) => remoteTarCreate(link, dir, options ?? {}),
    tarExtract: (dir, tar, options) => remoteTarExtract(link, dir, tar, options ?? {}),
    forwardOutStreamLocal: (socketPath) => forwardToSocket(link, socketPath),
    close,
  };
}

function forwardToSocket(link: SshLink, socketPath: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    if (link.lost.aborted) {
      reject(link.lostError());
      return;
    }
    link.client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => {
      if (err) {
        reject(new AppError('unreachable', `${link.alias} could not open ${socketPath} over SSH: ${err.message}. Check that the socket exists and that the SSH user may use it, and that sshd allows forwarding (AllowStreamLocalForwarding, and AllowTcpForwarding yes or local: OpenSSH needs both).`, { cause: err }));
        return;
      }
      // http.Agent users (dockerode) call these socket methods; a channel has none of them.
      const socketLike = channel as unknown as Record<string, unknown>;
      for (const name of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
        if (typeof socketLike[name] !== 'function') socketLike[name] = () => channel;
      }
      // When the connection goes, ssh2 ends a channel but emits 'close' only once its end has
      // been read: an idle channel in a keep-alive pool would stay and swallow the next
      // request's writes (a hang). Destroying it emits 'close', so the pool drops it.
      const onLost = (): void => void Duplex.prototype.destroy.call(channel);
      link.lost.addEventListener('abort', onLost, { once: true });
      channel.once('close', () => link.lost.removeEventListener('abort', onLost));
      resolve(channel);
    });
  });
}
