/**
 * Bitnobi's own commands, run in its container through the Docker API's exec (never attach:
 * there is no Ctrl-p Ctrl-q to get wrong), in its home folder, and the check that it answers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';

export interface RunOptions {
  /** What it is, for messages: "bitnobiBackup.sh". */
  readonly purpose: string;
  /** Cancels it; leave out for what must run to the end (starting Bitnobi again). */
  readonly signal?: AbortSignal;
}

/** One word for sh, quoted. */
export const q = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;

/** `sh -c command` in `home`; resolves with stdout, rejects saying which step failed and why. */
export async function runIn(engine: DockerEngine, container: string, home: string, command: string, options: RunOptions): Promise<string> {
  try {
    return (await engine.exec(container, ['sh', '-c', command], { workdir: home, signal: options.signal })).stdout;
  } catch (e) {
    // A cancel, or a lost connection (which says what to do): as they are.
    if (['canceled', 'unreachable'].includes((e as { code?: string }).code ?? '')) throw e;
    const m = /exited with code (\d+) in the container: ([\s\S]*)$/.exec(errorMessage(e));
    throw new AppError('plugin', `${options.purpose} failed in the container ${container}${m ? ` (exit code ${m[1]}): ${m[2]!.trim()}` : `: ${errorMessage(e)}`}`, { cause: e });
  }
}

/** Any HTTP answer on the port, from inside the container: curl, wget or node, whichever it has. */
export const PROBE = `p=$1
if command -v curl >/dev/null 2>&1; then exec curl -s -o /dev/null --max-time 3 "http://127.0.0.1:$p/"; fi
# Not wget -T: Debian's static busybox wget crashes on it; timeout(1) bounds it instead.
if command -v wget >/dev/null 2>&1; then
  if command -v timeout >/dev/null 2>&1; then exec timeout 5 wget -q -O /dev/null "http://127.0.0.1:$p/"; fi
  exec wget -q -O /dev/null "http://127.0.0.1:$p/"
fi
if command -v node >/dev/null 2>&1; then exec node -e "require('http').get('http://127.0.0.1:'+process.argv[1]+'/',()=>process.exit(0)).on('error',()=>process.exit(1))" "$p"; fi
echo "no curl, wget or node in the container to ask port $p with" >&2; exit 2`;

export async function answers(engine: DockerEngine, container: string, port: number): Promise<boolean> {
  const r = await engine.exec(container, ['sh', '-c', PROBE, 'sh', String(port)], { allowFailure: true, signal: undefined }).catch(() => undefined);
  return r?.code === 0;
}

/** Polls until Bitnobi answers on `port`, or `timeoutSeconds` pass. */
export async function waitUntilAnswering(engine: DockerEngine, container: string, port: number, timeoutSeconds: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    if (await answers(engine, container, port)) return true;
    if (Date.now() > deadline || signal?.aborted) return false;
    await sleep(300);
  }
}

/** The `backup-YYYYMMDD_HHMM` folders in the backup folder. */
export async function backupFolders(engine: DockerEngine, container: string, backupDir: string): Promise<Set<string>> {
  const r = await engine.exec(container, ['sh', '-c', 'cd "$1" 2>/dev/null && ls -1a', 'sh', backupDir], { allowFailure: true, signal: undefined });
  return new Set(r.stdout.split('\n').filter((n) => /^backup-\d{8}_\d{4}$/.test(n)));
}
