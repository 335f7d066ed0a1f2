/**
 * Run a command in a running container: stdout and stderr apart (Docker multiplexes them
 * on one stream), the exit code, optional stdin, and the command killed on cancel.
 */
import { randomUUID } from 'node:crypto';
import { type Duplex, Readable, type Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { AppError, errorMessage, isAppError } from '../../shared/app-error.js';
import { stderrTail } from '../local/index.js';

export interface DockerExecOptions {
  /** Fed to the command's stdin, then closed. */
  readonly input?: string | Buffer | Readable;
  readonly env?: Readonly<Record<string, string>>;
  /** User (name or uid[:gid]) inside the container. */
  readonly user?: string;
  readonly workdir?: string;
  /** Stream stdout here (with backpressure) instead of collecting it: for dumps. Not ended. */
  readonly stdout?: Writable;
  /** Resolve instead of rejecting on a non-zero exit. */
  readonly allowFailure?: boolean;
  readonly signal?: AbortSignal;
}

export interface DockerExecResult {
  readonly code: number | null;
  /** Empty when `options.stdout` took the output. */
  readonly stdout: string;
  readonly stderr: string;
}

/** Marks the processes of one exec so a cancel can find and kill them. */
const MARKER_VAR = 'LIFEBOAT_EXEC_ID';

export async function dockerExec(
  container: Dockerode.Container,
  cmd: readonly string[],
  options: DockerExecOptions = {},
): Promise<DockerExecResult> {
  const { signal } = options;
  const what = cmd.join(' ');
  if (signal?.aborted) throw new AppError('canceled', `Canceled: ${what} was not run.`);
  const marker = randomUUID();
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
    Cmd: [...cmd],
    AttachStdin: options.input !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: [...env, `${MARKER_VAR}=${marker}`],
    User: options.user,
    WorkingDir: options.workdir,
    });
    stream = await exec.start({ hijack: true, stdin: options.input !== undefined });
  } catch (e) {
    // Typically the container is not running (409) or is gone (404); or the engine is out of
    // reach (a lost SSH connection), which callers tell apart by the code.
    const code = isAppError(e) && e.code === 'unreachable' ? 'unreachable' : 'plugin';
    throw new AppError(code, `Could not run ${what} in the container: ${errorMessage(e)}`, { cause: e });
  }

  let canceled = false;
  const onAbort = (): void => {
    canceled = true;
    stream.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // A cancel while the exec was being created fires no event any more.
  if (signal?.aborted) onAbort();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  try {
    if (options.input !== undefined) feed(stream, options.input);
    await demux(stream, (chunk) => (options.stdout ? write(options.stdout, chunk) : void stdout.push(chunk)), (chunk) => void stderr.push(chunk));
  } catch (e) {
    if (!canceled) {
      // Our side failed (e.g. the output's destination): the command must not run on alone.
      stream.destroy();
      await killMarked(container, marker, options.user);
      throw new AppError('plugin', `${what} in the container failed: ${errorMessage(e)}`, { cause: e });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (canceled) {
    await killMarked(container, marker, options.user);
    throw new AppError('canceled', `Canceled: ${what} was stopped.`);
  }

  const code = await exitCode(exec);
  const result = { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
  if (code === 0 || options.allowFailure) return result;
  const tail = stderrTail(result.stderr);
  throw new AppError('plugin', `${what} exited with code ${code ?? 'unknown'} in the container${tail !== '' ? `: ${tail}` : ' (it wrote nothing to stderr)'}`);
}

function feed(stream: Writable, input: string | Buffer | Readable): void {
  if (input instanceof Readable) {
    input.on('error', (e) => stream.destroy(e));
    input.pipe(stream);
  } else {
    stream.end(input);
  }
}

function write(out: Writable, chunk: Buffer): Promise<void> | void {
  if (out.destroyed) throw out.errored ?? new Error('its output stream was closed');
  if (out.write(chunk)) return;
  return new Promise((resolve, reject) => {
    const settle = (e?: Error): void => {
      out.off('drain', onDrain).off('close', onClose).off('error', settle);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onClose = (): void => settle(out.errored ?? new Error('its output stream was closed'));
    out.on('drain', onDrain).on('close', onClose).on('error', settle);
  });
}

/** Docker's multiplexed stream: 8-byte header (stream id, 3 zero bytes, big-endian length), then the payload. */
async function demux(
  stream: Readable,
  onStdout: (chunk: Buffer) => Promise<void> | void,
  onStderr: (chunk: Buffer) => Promise<void> | void,
): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const payload = pending.subarray(8, 8 + size);
      if (pending[0] === 2) await onStderr(payload);
      else await onStdout(payload);
      pending = pending.subarray(8 + size);
    }
  }
}

/** The stream can end a moment before Docker records the exit code. */
async function exitCode(exec: Dockerode.Exec): Promise<number | null> {
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode;
    await sleep(20);
  }
  return null;
}

/**
 * Docker has no call to kill an exec, and closing its stream leaves the command running.
 * So a shell in the container kills every process carrying this exec's marker in its
 * environment (the command and its children): SIGTERM, then SIGKILL. Best effort: a
 * container without `sh` keeps the command until it ends.
 */
async function killMarked(container: Dockerode.Container, marker: string, user: string | undefined): Promise<void> {
  const script =
    'for p in /proc/[0-9]*; do if tr "\\0" "\\n" < "$p/environ" 2>/dev/null | grep -qx "$1"; then kill -$2 "${p#/proc/}" 2>/dev/null; fi; done; ' +
    'for p in /proc/[0-9]*; do if tr "\\0" "\\n" < "$p/environ" 2>/dev/null | grep -qx "$1"; then exit 1; fi; done; exit 0';
  for (const sig of ['TERM', 'KILL']) {
    try {
      const killer = await container.exec({ Cmd: ['sh', '-c', script, 'sh', `${MARKER_VAR}=${marker}`, sig], AttachStdout: true, AttachStderr: true, User: user });
      const s = await killer.start({ hijack: true, stdin: false });
      s.resume();
      await new Promise((resolve) => s.on('close', resolve).on('end', resolve).on('error', resolve));
      if ((await exitCode(killer)) === 0) return;
      await sleep(1_000);
    } catch {
      return;
    }
  }
}
