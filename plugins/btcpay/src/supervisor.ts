/**
 * The supervisor: a detached process on the BTCPay host that puts the stack back if Lifeboat
 * goes away while it is stopped (dropped SSH connection, crash, power cut on the operator's
 * laptop). Lifeboat renews a lease file every few seconds; when the lease is older than the
 * grace period, the supervisor runs the recovery script Lifeboat last armed it with (start
 * the containers, undo a restore's volume swap), logs it, and exits. Disarmed, it exits
 * without doing anything. It runs under systemd-run where Lifeboat is root on a systemd
 * host, else in its own session (setsid), so the SSH session's end does not take it along.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError, errorMessage } from '../../../src-main/shared/app-error.js';
import type { HostShell } from './host-shell.js';
import { q } from './shell-quote.js';

export interface Supervisor {
  /** Its folder on the host (lease, recovery script, log). */
  readonly dir: string;
  /** Replaces the recovery script (sh, run with DOCKER_HOST set to the engine). */
  arm(recovery: string): Promise<void>;
  /** Lifeboat finished the critical part itself: the supervisor exits without recovering. */
  disarm(): Promise<void>;
}

const SUPERVISE = `#!/bin/sh
# Lifeboat's BTCPay supervisor: recovers the stack when Lifeboat stops renewing its lease.
dir=$1; grace=$2
while :; do
  if [ -e "$dir/disarmed" ]; then rm -rf "$dir"; exit 0; fi
  now=$(date +%s)
  last=$(stat -c %Y "$dir/lease" 2>/dev/null || echo 0)
  if [ $((now - last)) -gt "$grace" ]; then
    {
      echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) no word from Lifeboat for more than $grace s: recovering"
      sh "$dir/recover.sh"
      echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) recovery finished with exit code $?"
    } >>"$dir/recovery.log" 2>&1
    mv "$dir" "$dir.recovered"
    exit 0
  fi
  sleep 1
done
`;

export async function startSupervisor(
  shell: HostShell,
  options: { readonly dockerSocket: string; readonly graceSeconds: number; readonly log: Logger; /** The compose project: reports of earlier recoveries are per stack. */ readonly project: string },
): Promise<Supervisor> {
  const id = randomBytes(6).toString('hex');
  const prefix = `/var/tmp/lifeboat-btcpay-${options.project}-`;
  const dir = `${prefix}${id}`;
  const docker = `DOCKER_HOST=${q(`unix://${options.dockerSocket}`)}; export DOCKER_HOST`;
  let earlier = '';
  try {
    earlier = await shell.run(
      [
        // Reports of supervisors that had to recover an earlier job, read once and removed.
        `for d in ${q(prefix)}*.recovered; do [ -d "$d" ] || continue; echo "== $d"; cat "$d/recovery.log" 2>/dev/null; rm -rf "$d" 2>/dev/null || true; done`,
        'set -e',
        'command -v docker >/dev/null || { echo "the docker command is not installed" >&2; exit 3; }',
        `mkdir -m 700 ${q(dir)}`,
        `cat > ${q(`${dir}/supervise.sh`)}`,
        `printf '%s\\n' '#!/bin/sh' ${q(docker)} 'exit 0' > ${q(`${dir}/recover.sh`)}`,
        `touch ${q(`${dir}/lease`)}`,
        // systemd-run keeps it out of the SSH session's cgroup (KillUserProcesses); setsid
        // out of its process group and session, which sshd hangs up when the connection drops.
        `if [ "$(id -u)" = 0 ] && [ -d /run/systemd/system ] && command -v systemd-run >/dev/null; then
           systemd-run --quiet --collect --unit=lifeboat-btcpay-${id} sh ${q(`${dir}/supervise.sh`)} ${q(dir)} ${options.graceSeconds}
         else
           setsid sh ${q(`${dir}/supervise.sh`)} ${q(dir)} ${options.graceSeconds} </dev/null >/dev/null 2>&1 &
         fi`,
      ].join('\n'),
      { input: SUPERVISE },
    );
  } catch (e) {
    throw new AppError('plugin', `Could not start Lifeboat's supervisor ${shell.where}, so nothing was stopped: ${errorMessage(e)}. It needs sh, setsid and the docker command there, and a writable /var/tmp.`, { cause: e });
  }
  if (earlier.trim() !== '') {
    options.log.warn(`An earlier job lost touch with this host while BTCPay was stopped, and its supervisor recovered the stack. Its report:\n${earlier.trim()}`);
  }
  options.log.info(`Supervisor ${shell.where} in ${dir}: it starts the stack again if Lifeboat is gone for ${options.graceSeconds} s while it is stopped.`);

  let stopped = false;
  let lost: string | undefined;
  const renew = async (): Promise<void> => {
    try {
      await shell.run(`[ -d ${q(dir)} ] || exit 3; touch ${q(`${dir}/lease`)}`);
    } catch (e) {
      lost ??= errorMessage(e);
    }
  };
  const every = Math.max(1, Math.min(5, Math.floor(options.graceSeconds / 4))) * 1000;
  const timer = setInterval(() => void renew(), every);
  timer.unref();

  return {
    dir,
    async arm(recovery) {
      if (lost !== undefined) {
        throw new AppError('plugin', `Lost touch with the supervisor ${shell.where} (${lost}); it may be recovering the stack now. Nothing more was done. Its log: ${dir}.recovered/recovery.log.`);
      }
      await shell.run(`[ -d ${q(dir)} ] || exit 3; cat > ${q(`${dir}/recover.sh.new`)} && mv ${q(`${dir}/recover.sh.new`)} ${q(`${dir}/recover.sh`)}`, {
        input: `#!/bin/sh\n${docker}\n${recovery}\n`,
      });
    },
    async disarm() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await shell.run(`[ -d ${q(dir)} ] && touch ${q(`${dir}/disarmed`)} || true`);
    },
  };
}
