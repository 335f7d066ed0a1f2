/**
 * Commands on a Juju machine over the job's SSH connection, through sudo (Juju keeps its
 * files readable by root only): run, read a file (binary-safe), write a secret file whose
 * content only ever travels on stdin, and find the MongoDB tools.
 */
import type { RemoteHost } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage, isAppError } from '../../../src-main/shared/app-error.js';

/** One word for sh, whatever it holds. */
export function q(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

export interface HostShell {
  readonly host: RemoteHost;
  /** Runs `command` (through sudo unless the target turned it off); `purpose` heads the error. */
  run(command: string, purpose: string, options?: { readonly signal?: AbortSignal; readonly input?: string }): Promise<string>;
  /** Runs and reports the exit code instead of failing. */
  test(command: string, options?: { readonly signal?: AbortSignal; readonly input?: string }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  readFile(path: string, purpose: string): Promise<Buffer>;
  /** Writes `text` to `path` with mode 0600; the content goes on stdin, never in a command line. */
  writeSecretFile(path: string, text: string, purpose: string): Promise<void>;
}

export function hostShell(host: RemoteHost, sudo: boolean): HostShell {
  const run: HostShell['run'] = async (command, purpose, options = {}) => {
    try {
      const r = await host.exec(command, { sudo, ...(options.signal ? { signal: options.signal } : {}), ...(options.input !== undefined ? { input: options.input } : {}) });
      return r.stdout;
    } catch (e) {
      throw new AppError(isAppError(e) ? e.code : 'plugin', `${purpose} on ${host.host} failed: ${errorMessage(e)}`, { cause: e });
    }
  };
  return {
    host,
    run,
    test: (command, options = {}) =>
      host.exec(command, { sudo, allowFailure: true, ...(options.signal ? { signal: options.signal } : {}), ...(options.input !== undefined ? { input: options.input } : {}) }),
    readFile: async (path, purpose) => Buffer.from((await run(`base64 < ${q(path)}`, purpose)).replace(/\s+/g, ''), 'base64'),
    writeSecretFile: async (path, text, purpose) => {
      await run(`umask 077; cat > ${q(path)}`, purpose, { input: text });
    },
  };
}

/**
 * The first of `candidates` that exists on the machine (absolute paths) or on PATH. Snap
 * installs name the tools `juju-db.mongodump`; older ones keep them in /usr/lib/juju/bin.
 */
export async function findCommand(shell: HostShell, tool: 'mongodump' | 'mongorestore' | 'mongo', configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const candidates = [`/snap/bin/juju-db.${tool}`, `/usr/lib/juju/bin/${tool}`, `/usr/lib/juju/mongo*/bin/${tool}`];
  const script = `for c in ${candidates.map((c) => (c.includes('*') ? c : q(c))).join(' ')}; do [ -x "$c" ] && { echo "$c"; exit 0; }; done; command -v ${tool} || exit 3`;
  const r = await shell.test(script);
  const found = r.stdout.trim().split('\n')[0];
  if (r.code !== 0 || !found) {
    throw new AppError('not-found', `${tool} was not found on ${shell.host.host} (looked for /snap/bin/juju-db.${tool}, /usr/lib/juju/bin/${tool} and ${tool} on PATH). Set the target's "${tool}" option to its path.`);
  }
  return found;
}

/**
 * Shell words that set TAR to GNU tar by its path: root.tar needs its --null/-T and owners,
 * and a shell with built-in applets (busybox sh) would otherwise run its own `tar`.
 */
export const GNU_TAR = 'TAR=tar; for t in /usr/bin/tar /bin/tar; do if [ -x "$t" ] && "$t" --version 2>/dev/null | grep -q GNU; then TAR=$t; break; fi; done';
