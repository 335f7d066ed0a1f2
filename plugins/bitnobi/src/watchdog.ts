/**
 * The watchdog: a process inside the Bitnobi container that starts Bitnobi again if Lifeboat
 * goes away while it is halted (a dropped SSH connection, a crash, the operator's laptop
 * closed). It runs in the container, started through the Docker API's exec, so it needs
 * nothing on the host and works the same on a local engine and over SSH; Docker keeps an
 * exec's processes running when the client that started them is gone.
 *
 * Lifeboat renews a lease file every few seconds. When the lease has not been renewed for the
 * grace period, the watchdog waits for the step Lifeboat was running to end (it never starts
 * Bitnobi under a running bitnobiBackup.sh), marks a backup folder that step left unfinished
 * as such, runs the start command unless Bitnobi answers already, logs what it did, and
 * exits. The next backup reports that log. Disarmed, it exits without doing anything.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerEngine, Logger } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';
import { PROBE, q } from './in-container.js';

/** Where watchdogs keep their lease, step and log files, in the container. */
const WATCH_PREFIX = '/tmp/lifeboat-bitnobi-watch-';
/** How often Lifeboat renews the lease. */
const RENEW_MS = 2000;

export interface Watchdog {
  /** Its folder in the container. */
  readonly dir: string;
  /**
   * The shell command that runs `command` as a step the watchdog waits for before it
   * recovers: its name, pid and exit code go into the watchdog's folder. A backup folder
   * made by a `backup` step that ended well is complete; any other new one is marked
   * unfinished.
   */
  step(kind: 'halt' | 'backup', command: string): string;
  /** Lifeboat started Bitnobi itself: the watchdog exits without recovering. */
  disarm(): Promise<void>;
  /** Lifeboat has lost touch: it stops renewing the lease and leaves the recovery to the watchdog. */
  abandon(): Promise<void>;
}

export interface WatchdogOptions {
  readonly container: string;
  readonly home: string;
  readonly backupDir: string;
  readonly startCommand: string;
  readonly probePort: number;
  readonly graceSeconds: number;
  /** The backup folders there before the backup: the others are the step's. */
  readonly before: ReadonlySet<string>;
  readonly log: Logger;
}

/**
 * The watchdog's loop. $1 its folder, $2 the grace in seconds, $3 Bitnobi's home, $4 the
 * backup folder, $5 the start command, $6 the port Bitnobi answers on. The lease file is
 * taken away at each check and Lifeboat puts it back; `misses` counts the seconds without.
 */
const WATCH = `dir=$1; grace=$2; home=$3; backups=$4; start=$5; port=$6
echo $$ > "$dir/watch.pid"
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
answers() { sh -c "$probe" sh "$port" >/dev/null 2>&1; }
misses=0
while :; do
  if [ -e "$dir/disarmed" ]; then rm -rf "$dir"; exit 0; fi
  if [ -e "$dir/lease" ]; then rm -f "$dir/lease"; misses=0; else misses=$((misses + 1)); fi
  if [ "$misses" -gt "$grace" ]; then break; fi
  sleep 1
done
{
  echo "$(stamp) no word from Lifeboat for $grace s while Bitnobi was halted: recovering"
  pid=$(cat "$dir/step.pid" 2>/dev/null)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "$(stamp) waiting for the running step to end: $(cat "$dir/step.name" 2>/dev/null)"
    while kill -0 "$pid" 2>/dev/null; do sleep 1; done
  fi
  code=$(cat "$dir/step.exit" 2>/dev/null)
  [ -n "$code" ] && echo "$(stamp) $(cat "$dir/step.name" 2>/dev/null) ended with exit code $code"
  for f in "$backups"/backup-*; do
    [ -d "$f" ] || continue
    name=\${f##*/}
    grep -qx "$name" "$dir/before" && continue
    case "$name" in *.unfinished) continue ;; esac
    if [ "$code" = 0 ] && [ "$(cat "$dir/step.kind" 2>/dev/null)" = backup ]; then
      echo "$(stamp) $f is complete (its script ended well) but in no Lifeboat archive: it stays on the host"
    elif mv "$f" "$f.unfinished"; then
      echo "$(stamp) $f may be unfinished: renamed $f.unfinished"
    fi
  done
  if answers; then
    echo "$(stamp) Bitnobi answers on port $port already: not started again"
  else
    cd "$home" && sh -c "$start"
    echo "$(stamp) $start ended with exit code $?"
    i=0; while [ $i -lt 60 ] && ! answers; do sleep 1; i=$((i + 1)); done
    if answers; then echo "$(stamp) Bitnobi answers on port $port"; else echo "$(stamp) Bitnobi does NOT answer on port $port"; fi
  fi
} >>"$dir/recovery.log" 2>&1
mv "$dir" "$dir.recovered"
`;

/** A step: $1 the watchdog's folder, $2 its kind, $3 the command. */
const STEP = 'rm -f "$1/step.exit"; echo "$$" > "$1/step.pid"; echo "$2" > "$1/step.kind"; echo "$3" > "$1/step.name"; sh -c "$3"; code=$?; echo "$code" > "$1/step.exit"; exit "$code"';

/**
 * What earlier watchdogs left: reports of recoveries (printed once, then removed), folders of
 * watchdogs that are gone (the container was restarted; removed), and whether one is alive
 * (another Lifeboat job is at work on this Bitnobi, or one that lost touch is being recovered).
 */
const SURVEY = `for d in ${WATCH_PREFIX}*; do
  [ -d "$d" ] || continue
  case "$d" in
    *.recovered) echo "== report $d"; cat "$d/recovery.log" 2>/dev/null; rm -rf "$d" ;;
    *) [ -e "$d/disarmed" ] && continue
       pid=$(cat "$d/watch.pid" 2>/dev/null)
       if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "== alive $d"; else rm -rf "$d"; fi ;;
  esac
done`;

/** Reports earlier recoveries and refuses to go on while another watchdog is alive. */
export async function surveyWatchdogs(engine: DockerEngine, container: string, log: Logger): Promise<void> {
  const out = (await engine.exec(container, ['sh', '-c', SURVEY], { allowFailure: true, signal: undefined })).stdout;
  const reports = out.split(/^== report .*$/m).slice(1).map((r) => r.trim()).filter((r) => r !== '');
  for (const report of reports) {
    log.warn(`An earlier Lifeboat job lost touch with this Bitnobi while it was halted, and its watchdog in the container recovered it. Its report:\n${report}`);
  }
  if (/^== alive /m.test(out)) {
    throw new AppError(
      'target-busy',
      `Another Lifeboat job has halted this Bitnobi (${container}), or one that lost touch with it is being recovered by its watchdog. Nothing was changed. Try again in a minute; \`docker exec ${container} sh -c 'cat ${WATCH_PREFIX}*/recovery.log'\` shows a recovery under way.`,
    );
  }
}

/** Starts a watchdog in the container and keeps its lease renewed until disarmed. */
export async function startWatchdog(engine: DockerEngine, opts: WatchdogOptions): Promise<Watchdog> {
  const dir = `${WATCH_PREFIX}${randomBytes(6).toString('hex')}`;
  const launch = [
    'set -e',
    'mkdir -m 700 "$1"',
    'cat > "$1/before"',
    'touch "$1/lease"',
    // Its output goes nowhere, so this exec ends at once; setsid where there is one, so a
    // signal to this exec's process group does not reach it.
    'if command -v setsid >/dev/null 2>&1; then run=setsid; else run=; fi',
    'probe="$7" $run sh -c "$8" watch "$@" </dev/null >/dev/null 2>&1 &',
    // At once, so a survey by another job never takes the folder for a dead watchdog's.
    'echo "$!" > "$1/watch.pid"',
  ].join('\n');
  const args = [dir, String(opts.graceSeconds), opts.home, opts.backupDir, opts.startCommand, String(opts.probePort), PROBE, WATCH];
  try {
    await engine.exec(opts.container, ['sh', '-c', launch, 'sh', ...args], { input: [...opts.before].map((f) => `${f}\n`).join(''), signal: undefined });
  } catch (e) {
    throw new AppError('plugin', `Could not start Lifeboat's watchdog in the container ${opts.container}, so Bitnobi was not halted: ${errorMessage(e)}. It needs sh, mkdir, cat and a writable /tmp there.`, { cause: e });
  }

  const stop = new AbortController();
  let warned = false;
  const renewing = (async () => {
    while (!stop.signal.aborted) {
      await sleep(RENEW_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
      const ok = await engine
        .exec(opts.container, ['touch', `${dir}/lease`], { allowFailure: true, signal: undefined })
        .then((r) => r.code === 0)
        .catch(() => false);
      if (!ok && !warned) {
        warned = true;
        opts.log.warn(`Could not renew the watchdog's lease in ${opts.container}; if this lasts ${opts.graceSeconds} s, the watchdog starts Bitnobi by itself.`);
      }
    }
  })();

  const abandon = async (): Promise<void> => {
    stop.abort();
    await renewing;
  };
  return {
    dir,
    step: (kind, command) => ['sh', '-c', q(STEP), 'step', q(dir), kind, q(command)].join(' '),
    abandon,
    disarm: async () => {
      await abandon();
      const r = await engine.exec(opts.container, ['touch', `${dir}/disarmed`], { allowFailure: true, signal: undefined }).catch((e: unknown) => ({ code: null, stdout: '', stderr: errorMessage(e) }));
      if (r.code !== 0) opts.log.warn(`Could not disarm the watchdog in ${opts.container} (${r.stderr.trim()}); it will find Bitnobi answering and leave it be.`);
    },
  };
}
