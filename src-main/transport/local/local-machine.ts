/**
 * The LocalMachine plugins get: run a program without a shell and collect its output, with
 * cancellation (SIGTERM, then SIGKILL) and errors that say which program failed and why.
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { AppError } from '../../shared/app-error.js';
import type { ExecOptions, ExecResult, LocalMachine } from '../../plugin-host/index.js';
import { withoutLifeboatSecrets } from './safe-env.js';

export interface LocalMachineOptions {
  /** Cancels every running and later `exec`. */
  readonly signal?: AbortSignal;
  /** Time a canceled program gets between SIGTERM and SIGKILL. Default 5 s. */
  readonly killAfterMs?: number;
}

/** Lines of stderr quoted in the error of a failed program. */
const STDERR_TAIL_LINES = 5;

export function createLocalMachine(options: LocalMachineOptions = {}): LocalMachine {
  const env = Object.freeze(withoutLifeboatSecrets(process.env));
  return {
    homedir: homedir(),
    isRoot: process.getuid?.() === 0,
    env,
    exec: (command, args, execOptions) => execProgram(command, args, execOptions ?? {}, options),
  };
}

function execProgram(
  command: string,
  args: readonly string[],
  options: ExecOptions,
  machine: LocalMachineOptions,
): Promise<ExecResult> {
  const signal = machine.signal;
  const canceled = (): AppError => new AppError('canceled', `Canceled: ${command} was stopped.`);
  if (signal?.aborted) return Promise.reject(canceled());

  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...withoutLifeboatSecrets(process.env), ...options.env },
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      shell: false,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

    let aborted = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGTERM');
      // A program that ignores SIGTERM is not allowed to hold the cancel up for long.
      killTimer = setTimeout(() => child.kill('SIGKILL'), machine.killAfterMs ?? 5_000);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
    };

    if (options.input !== undefined && child.stdin) {
      // A program that exits without reading its input closes the pipe; that is its business.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }

    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      if (e.code === 'ENOENT') {
        const where = options.cwd !== undefined ? ` (or the folder ${options.cwd} does not exist)` : '';
        reject(new AppError('not-found', `The program "${command}" was not found${where}. Install it or check PATH.`, { cause: e }));
      } else if (e.code === 'EACCES') {
        reject(new AppError('plugin', `The program "${command}" could not be run: permission denied.`, { cause: e }));
      } else {
        reject(new AppError('plugin', `The program "${command}" could not be run: ${e.message}`, { cause: e }));
      }
    });

    child.on('close', (code, killedBy) => {
      cleanup();
      const result: ExecResult = {
        code,
        signal: killedBy,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (aborted) {
        reject(canceled());
        return;
      }
      if (code === 0 || options.allowFailure) {
        resolve(result);
        return;
      }
      const how = code !== null ? `exited with code ${code}` : `was killed by ${killedBy ?? 'a signal'}`;
      const tail = stderrTail(result.stderr);
      reject(new AppError('plugin', `${command} ${how}${tail !== '' ? `: ${tail}` : ' (it wrote nothing to stderr)'}`));
    });
  });
}

/** The last few non-empty lines of stderr: usually where a program says what went wrong. */
export function stderrTail(stderr: string, lines = STDERR_TAIL_LINES): string {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}
