/**
 * Remote commands over an SSH connection: output streamed and collected, the exit code and
 * signal reported, failures turned into errors quoting the last stderr lines, cancel sending
 * TERM then KILL, and a lost connection failing the command at once. Sudo reads its password
 * from stdin, never from argv or the environment.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClientChannel } from 'ssh2';
import { AppError } from '../../shared/app-error.js';
import { stderrTail } from '../local/index.js';
import type { SshExecOptions, SshExecResult, SshExecStream } from './ssh-connection.js';
import type { SshLink } from './ssh-link.js';

/** Stderr kept for messages; a chatty command must not grow memory without bound. */
const STDERR_KEEP_BYTES = 64 * 1024;
/** Time a canceled command gets between TERM and KILL. */
const KILL_AFTER_MS = 3_000;

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

interface RunOptions {
  readonly sudo?: boolean;
  readonly input?: string | Buffer | Readable;
  readonly signal?: AbortSignal;
  readonly allowFailure?: boolean;
  onStderr?(chunk: Buffer): void;
}

interface Run {
  /** Ends only once the command exited successfully (or allowFailure); errors otherwise. */
  readonly stdout: Readable;
  readonly done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** Runs `command` with `sh -c` semantics (sshd runs it in the login shell). */
export function runRemote(link: SshLink, command: string, options: RunOptions): Run {
  // A deep buffer keeps the channel's window open while the consumer catches up.
  const stdout = new PassThrough({ highWaterMark: 2 * 1024 * 1024 });
  const useSudo = (options.sudo ?? link.sudo.enabled) && !link.sudo.isRoot;
  const password = useSudo ? link.sudo.password : undefined;
  const marker = randomBytes(8).toString('hex');
  const promptMarker = `[lifeboat-sudo-${marker}]`;
  const readyMarker = `[lifeboat-ready-${marker}]`;
  let wrapped = command;
  if (useSudo && password === undefined) wrapped = `sudo -n -- sh -c ${shellQuote(command)}`;
  if (useSudo && password !== undefined) {
    // sudo asks only when it has no cached credential; the ready marker says when stdin belongs to the command.
    wrapped = `sudo -S -p ${shellQuote(promptMarker)} -- sh -c ${shellQuote(`printf '%s\\n' ${shellQuote(readyMarker)} >&2; ${command}`)}`;
  }
  const shown = command.length > 80 ? `${command.slice(0, 77)}...` : command;

  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve, reject) => {
    let settled = false;
    let channel: ClientChannel | undefined;
    let aborted = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    let stderr = '';
    let exit: { code: number | null; signal: string | null } | undefined;
    const settle = (error: AppError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      link.lost.removeEventListener('abort', onLost);
      if (error) {
        stdout.destroy(error);
        channel?.close();
        reject(error);
      } else {
        stdout.end();
        resolve({ code: exit?.code ?? null, signal: exit?.signal ?? null, stderr });
      }
    };
    const onAbort = (): void => {
      aborted = true;
      if (!channel) return settle(new AppError('canceled', `Canceled: ${shown} on ${link.alias} was stopped.`));
      sendSignal(channel, 'TERM');
      // A command that ignores TERM (or a server that ignores signal requests) gets KILL, then the channel is closed.
      killTimer = setTimeout(() => {
        if (channel) sendSignal(channel, 'KILL');
        killTimer = setTimeout(() => settle(new AppError('canceled', `Canceled: ${shown} on ${link.alias} was stopped.`)), 1_000);
      }, KILL_AFTER_MS);
    };
    const onLost = (): void => settle(link.lostError());
    if (options.signal?.aborted) return settle(new AppError('canceled', `Canceled before ${shown} ran on ${link.alias}.`));
    if (link.lost.aborted) return settle(link.lostError());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    link.lost.addEventListener('abort', onLost, { once: true });

    link.client.exec(wrapped, {}, (err, ch) => {
      if (settled) {
        ch?.close();
        return;
      }
      if (err) return settle(new AppError('unreachable', `${link.alias} could not start a command: ${err.message}. Check the server's MaxSessions and load.`, { cause: err }));
      channel = ch;
      ch.on('error', () => {});
      ch.pipe(stdout, { end: false });
      let ready = password === undefined;
      let pending = '';
      const startInput = (): void => {
        const input = options.input;
        if (input === undefined) ch.end();
        else if (typeof input === 'string' || Buffer.isBuffer(input)) ch.end(input);
        else {
          input.on('error', (e: Error) => settle(new AppError('io', `Reading the data sent to ${shown} failed: ${e.message}`, { cause: e })));
          input.pipe(ch);
        }
      };
      const keepStderr = (chunk: Buffer): void => {
        options.onStderr?.(chunk);
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP_BYTES);
      };
      ch.stderr.on('data', (chunk: Buffer) => {
        if (ready) return keepStderr(chunk);
        // Before the command starts, stderr belongs to sudo: answer its prompt, wait for the marker.
        pending += chunk.toString('utf8');
        if (pending.includes(promptMarker)) {
          pending = pending.replace(promptMarker, '');
          ch.write(`${password ?? ''}\n`);
        }
        const at = pending.indexOf(readyMarker);
        if (at !== -1) {
          ready = true;
          const rest = pending.slice(0, at) + pending.slice(at + readyMarker.length + 1);
          pending = '';
          if (rest !== '') keepStderr(Buffer.from(rest));
          startInput();
        }
      });
      if (ready) startInput();
      ch.on('exit', (code: number | null, signalName?: string) => {
        exit = { code: typeof code === 'number' ? code : null, signal: signalName ?? null };
      });
      ch.on('close', () => {
        if (!ready && pending !== '') stderr = pending;
        // Wait until everything the command wrote has been handed on.
        const finish = (): void => {
          if (aborted) return settle(new AppError('canceled', `Canceled: ${shown} on ${link.alias} was stopped.`));
          if (exit === undefined) return settle(link.lost.aborted ? link.lostError() : new AppError('unreachable', `${link.alias} closed the command ${shown} without an exit status. The connection may have dropped.`));
          if (exit.code === 0 || options.allowFailure) return settle(undefined);
          settle(commandError(link.alias, shown, exit, stderr, useSudo && password === undefined));
        };
        if (ch.readableEnded) finish();
        else ch.once('end', finish);
      });
    });
  });
  done.catch(() => {});
  return { stdout, done };
}

/**
 * Sends a signal request. ssh2's `signal()` does nothing once our side of the channel is
 * ended (as it is for every command whose input is complete), but the request is still
 * valid SSH, so it goes through ssh2's protocol object directly then.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as {
    writable: boolean;
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal?(id: number, name: string): void } };
  };
  if (internals.writable) {
    channel.signal(name);
    return;
  }
  const protocol = internals._client?._protocol;
  if ((internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof') && typeof protocol?.signal === 'function') protocol.signal(internals.outgoing.id, name);
}

function commandError(alias: string, shown: string, exit: { code: number | null; signal: string | null }, stderr: string, sudoWithoutPassword: boolean): AppError {
  const how = exit.code !== null ? `exited with code ${exit.code}` : `was killed by ${exit.signal ?? 'a signal'}`;
  const tail = stderrTail(stderr);
  let hint = '';
  if (sudoWithoutPassword && /a password is required|a terminal is required/.test(stderr)) hint = ' sudo wants a password on this host: set the target\'s sudo password.';
  else if (/incorrect password attempt/.test(stderr)) hint = ' The sudo password is wrong: check the target\'s sudo password.';
  return new AppError('plugin', `On ${alias}, ${shown} ${how}${tail !== '' ? `: ${tail}` : ' (it wrote nothing to stderr)'}.${hint}`);
}

/** `exec` of {@link SshConnection}: collects stdout and stderr, streaming them to the callbacks too. */
export async function execOverSsh(link: SshLink, command: string, options: SshExecOptions): Promise<SshExecResult> {
  const run = runRemote(link, command, options);
  const chunks: Buffer[] = [];
  run.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    options.onStdout?.(chunk);
  });
  // Both: the exit status, and every stdout chunk handed to the callback.
  const [{ code, signal, stderr }] = await Promise.all([run.done, finished(run.stdout)]);
  return { code, signal, stdout: Buffer.concat(chunks).toString('utf8'), stderr };
}

/** `execStream` of {@link SshConnection}. */
export function execStreamOverSsh(link: SshLink, command: string, options: Omit<SshExecOptions, 'onStdout' | 'allowFailure'>): SshExecStream {
  return runRemote(link, command, options);
}
