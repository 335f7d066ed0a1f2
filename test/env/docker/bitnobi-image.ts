// Stand-in for the private Bitnobi image (no registry here, and Bitnobi's image is not public):
// the busybox test image plus a `/home/Bitnobi-V1` whose scripts behave as Bitnobi's backup
// notes describe. `startScript.sh` starts a "server" (busybox httpd on 8000) and a process
// standing in for Bitnobi's databases (MongoDB, Vault); `pm2 delete all` halts them;
// `bitnobiBackup.sh` refuses while they run and copies `data/` into
// `backup/backup-YYYYMMDD_HHMM`; `bitnobiRestore.sh DIR` puts such a copy back; and
// `bin/bitnobi-ctl add TEXT` is how tests change the data. Files `FAIL_BACKUP`, `SLOW_BACKUP`
// and `FAIL_RESTORE` in the home folder make the scripts fail or dawdle (SLOW_BACKUP holds the
// seconds, 30 when empty), for failure tests.
// Two tags, `:1` and `:2`, differ only in VERSION (hence in image ID), for cross-version tests.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { dockerExec } from '../../../src-main/transport/docker/index.js';
import { TEST_LABELS } from '../dockerd.js';
import { ensureBusyboxImage } from './busybox-image.js';

export const BITNOBI_HOME = '/home/Bitnobi-V1';
export const BITNOBI_IMAGES = { v1: 'lifeboat-test/bitnobi:1', v2: 'lifeboat-test/bitnobi:2' } as const;
const VERSIONS = { v1: '1.4.2', v2: '2.0.0' } as const;
/** Bitnobi's files belong to a user of its own, not root: a restore must keep that. */
const OWNER = 1000;

/** Helpers the scripts share: is a process of a pidfile alive (a zombie is not: PID 1 is a shell that may not reap)? */
const LIB = `BITNOBI_HOME=${BITNOBI_HOME}
alive() {
  [ -f "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null)
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" | cut -c1)
  [ "$state" != Z ]
}
server_running() {
  for p in "$BITNOBI_HOME"/run/*.pid; do alive "$p" && return 0; done
  return 1
}
`;

const START_SCRIPT = `#!/bin/sh
# Starts Bitnobi detached and returns at once; does nothing for what runs already.
cd ${BITNOBI_HOME} || exit 1
. ./bin/bitnobi-lib.sh
mkdir -p run
# Detached from the caller: no inherited output (an exec would wait for it) nor environment.
if ! alive run/httpd.pid; then
  env -i PATH=/bin:/usr/bin:/sbin:/usr/sbin httpd -f -p 8000 -h ${BITNOBI_HOME}/www </dev/null >/dev/null 2>&1 &
  echo $! > run/httpd.pid
fi
if ! alive run/db.pid; then
  env -i PATH=/bin:/usr/bin:/sbin:/usr/sbin sh ${BITNOBI_HOME}/bin/bitnobi-db </dev/null >/dev/null 2>&1 &
  echo $! > run/db.pid
fi
echo "Bitnobi started"
`;

/** The databases' stand-in: alive, with a heartbeat outside data/ so that data/ changes only when asked. */
const DB = `#!/bin/sh
cd ${BITNOBI_HOME} || exit 1
while :; do touch run/heartbeat; sleep 1; done
`;

const PM2 = `#!/bin/sh
# pm2's two commands that Bitnobi's notes use, over startScript.sh's pidfiles.
cd ${BITNOBI_HOME} || exit 1
. ./bin/bitnobi-lib.sh
case "$1 $2" in
  "delete all")
    for p in run/*.pid; do alive "$p" && kill "$(cat "$p")"; done
    i=0
    while server_running; do
      i=$((i + 1))
      if [ $i -gt 100 ]; then for p in run/*.pid; do alive "$p" && kill -9 "$(cat "$p")"; done; fi
      sleep 0.1
    done
    rm -f run/*.pid
    echo "[PM2] Applying action deleteProcessId on app [all]"
    ;;
  "list "*|"ls "*)
    for p in run/*.pid; do
      [ -f "$p" ] || continue
      n=$(basename "$p" .pid)
      if alive "$p"; then echo "$n online pid $(cat "$p")"; else echo "$n stopped"; fi
    done
    ;;
  *) echo "usage: pm2 delete all | pm2 list" >&2; exit 2 ;;
esac
`;

const BACKUP_SCRIPT = `#!/bin/sh
cd ${BITNOBI_HOME} || exit 1
. ./bin/bitnobi-lib.sh
if server_running; then
  echo "Bitnobi is running: halt it first (pm2 delete all), then run ./bitnobiBackup.sh." >&2
  exit 1
fi
if [ -f SLOW_BACKUP ]; then s=$(cat SLOW_BACKUP); sleep "\${s:-30}"; fi
folder=backup/backup-$(date +%Y%m%d_%H%M)
if [ -e "$folder" ]; then echo "$folder exists already." >&2; exit 1; fi
mkdir -p "$folder" || exit 1
if [ -f FAIL_BACKUP ]; then
  cp -a data/mongo "$folder/"
  echo "bitnobiBackup.sh: mongodump failed: connection refused (FAIL_BACKUP)" >&2
  exit 1
fi
cp -a data "$folder/data" || exit 1
cp VERSION "$folder/VERSION"
echo "$folder"
`;

const RESTORE_SCRIPT = `#!/bin/sh
cd ${BITNOBI_HOME} || exit 1
. ./bin/bitnobi-lib.sh
if [ -z "$1" ]; then echo "usage: ./bitnobiRestore.sh backup/backup-YYYYMMDD_HHMM" >&2; exit 2; fi
if server_running; then echo "Bitnobi is running: halt it first (pm2 delete all)." >&2; exit 1; fi
if [ ! -d "$1/data" ]; then echo "No Bitnobi backup in $1." >&2; exit 1; fi
if [ -f FAIL_RESTORE ]; then echo "bitnobiRestore.sh: mongorestore failed (FAIL_RESTORE)" >&2; exit 1; fi
rm -rf data.restoring
cp -a "$1/data" data.restoring || exit 1
rm -rf data && mv data.restoring data
echo "Restored from $1"
`;

const CTL = `#!/bin/sh
# How tests change Bitnobi's data: a record in the "MongoDB" and a change in the "Vault".
cd ${BITNOBI_HOME} || exit 1
. ./bin/bitnobi-lib.sh
[ "$1" = add ] && [ -n "$2" ] || { echo "usage: bitnobi-ctl add TEXT" >&2; exit 2; }
server_running || { echo "Bitnobi is not running." >&2; exit 1; }
printf '{"text":"%s","at":"%s"}\\n' "$2" "$(date +%s)" >> data/mongo/records.json
echo "$2" | sha256sum | cut -d' ' -f1 >> data/vault/core/_audit
chown ${OWNER}:${OWNER} data/mongo/records.json data/vault/core/_audit
chmod 600 data/mongo/records.json data/vault/core/_audit
echo "added"
`;

export interface BitnobiImages {
  readonly v1: string;
  readonly v2: string;
}

/** Builds (once per engine, found by tag) the two stand-in images. */
export async function ensureBitnobiImages(docker: Dockerode): Promise<BitnobiImages> {
  const busybox = await ensureBusyboxImage(docker);
  for (const key of ['v1', 'v2'] as const) {
    const tag = BITNOBI_IMAGES[key];
    if ((await docker.listImages({ filters: { reference: [tag] } })).length > 0) continue;
    // A container of busybox with Bitnobi's files put in, committed: no root to assemble by hand.
    const c = await docker.createContainer({ Image: busybox, Cmd: ['true'], Labels: { ...TEST_LABELS } });
    try {
      await c.putArchive(bitnobiFiles(VERSIONS[key]), { path: '/' });
      const [repo, t] = tag.split(':') as [string, string];
      // dockerode has commit; Lifeboat's hand-written typings leave it out.
      const committable = c as unknown as { commit(options: Record<string, unknown>): Promise<unknown> };
      await committable.commit({ repo, tag: t, changes: ['CMD ["/bin/bash"]', `WORKDIR ${BITNOBI_HOME}`] });
    } finally {
      await c.remove({ force: true });
    }
  }
  return { ...BITNOBI_IMAGES };
}

/** A tar of what the image adds to busybox: /bin/bash, pm2 and /home/Bitnobi-V1. */
function bitnobiFiles(version: string): Readable {
  const tar = pack();
  const own = { uid: OWNER, gid: OWNER };
  const dir = (name: string, mode: number, o = {}): void => void tar.entry({ name, type: 'directory', mode, ...o });
  const file = (name: string, content: string | Buffer, mode = 0o755, o = {}): void => void tar.entry({ name, mode, ...o }, content);
  // Bitnobi's run line ends in /bin/bash; busybox's shell stands in.
  file('bin/bash', '#!/bin/sh\nexec /bin/sh "$@"\n');
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nbitnobi:x:1000:1000:Bitnobi:/home/Bitnobi-V1:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n', 0o644);
  file('etc/group', 'root:x:0:\nbitnobi:x:1000:\nnogroup:x:65534:\n', 0o644);
  dir('usr/local', 0o755);
  dir('usr/local/bin', 0o755);
  file('usr/local/bin/pm2', PM2);
  const h = BITNOBI_HOME.slice(1);
  dir('home', 0o755);
  dir(h, 0o755);
  file(`${h}/VERSION`, `${version}\n`, 0o644);
  file(`${h}/startScript.sh`, START_SCRIPT);
  file(`${h}/bitnobiBackup.sh`, BACKUP_SCRIPT);
  file(`${h}/bitnobiRestore.sh`, RESTORE_SCRIPT);
  dir(`${h}/bin`, 0o755);
  file(`${h}/bin/bitnobi-lib.sh`, LIB, 0o644);
  file(`${h}/bin/bitnobi-db`, DB);
  file(`${h}/bin/bitnobi-ctl`, CTL);
  dir(`${h}/backup`, 0o755);
  dir(`${h}/run`, 0o755);
  dir(`${h}/www`, 0o755);
  file(`${h}/www/index.html`, `<html><body>Bitnobi ${version} is up</body></html>\n`, 0o644);
  // Data shaped like Bitnobi's: WiredTiger files, Vault's storage, user uploads.
  dir(`${h}/data`, 0o700, own);
  dir(`${h}/data/mongo`, 0o700, own);
  file(`${h}/data/mongo/WiredTiger`, 'WiredTiger\nWiredTiger 10.0.0: (December 21, 2021)\n', 0o600, own);
  file(`${h}/data/mongo/collection-0-1234.wt`, bytes('collection', 48 * 1024), 0o600, own);
  file(`${h}/data/mongo/index-1-1234.wt`, bytes('index', 16 * 1024), 0o600, own);
  file(`${h}/data/mongo/records.json`, '{"text":"initial","at":"0"}\n', 0o600, own);
  dir(`${h}/data/vault`, 0o700, own);
  dir(`${h}/data/vault/core`, 0o700, own);
  file(`${h}/data/vault/core/_keyring`, bytes('keyring', 512), 0o600, own);
  file(`${h}/data/vault/core/_audit`, '', 0o600, own);
  dir(`${h}/data/vault/logical`, 0o700, own);
  file(`${h}/data/vault/logical/_policy`, '{"policies":["default","bitnobi-admin"]}\n', 0o600, own);
  dir(`${h}/data/uploads`, 0o700, own);
  file(`${h}/data/uploads/dataset.parquet`, bytes('upload', 200 * 1024), 0o640, own);
  tar.finalize();
  return Readable.from(tar);
}

/** Deterministic binary content (so both images' data are equal). */
function bytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export interface BitnobiContainerOptions {
  readonly name: string;
  readonly image: string;
  /** Host folder bind-mounted at /home/Bitnobi-V1/backup (the seed's `bitnobiBackup`). */
  readonly hostBackupDir: string;
  readonly hostPorts: { readonly web: number; readonly jupyter: number };
}

/**
 * Runs the container as Bitnobi's notes do (`docker run -it -p 8000:8000 -p 8888:8888
 * --cap-add IPC_LOCK --mount ...backup --mount ...localtime,readonly bitnobi /bin/bash`),
 * then starts Bitnobi in it as an operator would, and waits until it answers.
 */
export async function createBitnobiContainer(docker: Dockerode, options: BitnobiContainerOptions): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    name: options.name,
    Image: options.image,
    Cmd: ['/bin/bash'],
    Tty: true,
    OpenStdin: true,
    AttachStdin: false,
    Labels: { ...TEST_LABELS },
    ExposedPorts: { '8000/tcp': {}, '8888/tcp': {} },
    HostConfig: {
      PortBindings: {
        '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(options.hostPorts.web) }],
        '8888/tcp': [{ HostIp: '127.0.0.1', HostPort: String(options.hostPorts.jupyter) }],
      },
      CapAdd: ['IPC_LOCK'],
      Mounts: [
        { Type: 'bind', Source: options.hostBackupDir, Target: `${BITNOBI_HOME}/backup` },
        { Type: 'bind', Source: '/etc/localtime', Target: '/etc/localtime', ReadOnly: true },
      ],
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  await c.start();
  const exec = await c.exec({ Cmd: ['./startScript.sh'], WorkingDir: BITNOBI_HOME, AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
  await waitUntilAnswers(docker, options.name);
  return c;
}

/** What a user would compare between a container and the one that replaced it. */
export interface BitnobiContainerView {
  readonly running: boolean;
  readonly image: string;
  readonly imageId: string;
  readonly cmd: readonly string[];
  readonly tty: boolean;
  readonly openStdin: boolean;
  /** `hostIp:hostPort->containerPort/proto`, sorted. */
  readonly ports: readonly string[];
  /** `type source->target (ro|rw)`, sorted. */
  readonly mounts: readonly string[];
  readonly capAdd: readonly string[];
  readonly restartPolicy: string;
}

/** The container's settings as a user compares them, or undefined when there is no such container. */
export async function containerView(docker: Dockerode, name: string): Promise<BitnobiContainerView | undefined> {
  let info: Dockerode.ContainerInspectInfo & { Config: { Tty?: boolean; OpenStdin?: boolean } };
  try {
    info = await docker.getContainer(name).inspect();
  } catch {
    return undefined;
  }
  const ports = Object.entries(info.HostConfig.PortBindings ?? {}).flatMap(([port, bindings]) =>
    (bindings ?? []).map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort}->${port}`),
  );
  return {
    running: info.State.Running,
    image: info.Config.Image,
    imageId: info.Image,
    cmd: info.Config.Cmd ?? [],
    tty: info.Config.Tty ?? false,
    openStdin: info.Config.OpenStdin ?? false,
    ports: ports.sort(),
    mounts: info.Mounts.map((m) => `${m.Type} ${m.Source}->${m.Destination} ${m.RW ? 'rw' : 'ro'}`).sort(),
    capAdd: [...(info.HostConfig.CapAdd ?? [])].sort(),
    restartPolicy: info.HostConfig.RestartPolicy?.Name ?? '',
  };
}

/** Waits (up to 30 s) until Bitnobi answers on 8000 inside the container. */
export async function waitUntilAnswers(docker: Dockerode, name: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !(await answers(docker, name)); ) {
    if (Date.now() > deadline) throw new Error(`The Bitnobi stand-in in ${name} did not answer on port 8000 within 30 s.`);
    await sleep(200);
  }
}

/** Does Bitnobi answer on port 8000, asked from inside its container? False when the container is not running. */
export async function answers(docker: Dockerode, name: string): Promise<boolean> {
  try {
    const r = await dockerExec(docker.getContainer(name), ['timeout', '5', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8000/'], { allowFailure: true });
    return r.code === 0 && r.stdout.includes('Bitnobi');
  } catch {
    return false;
  }
}

/** Per path under /home/Bitnobi-V1/data: `<type> <mode> <uid>:<gid> <sha256 of a file>`. */
export async function dataDigest(docker: Dockerode, name: string): Promise<Record<string, string>> {
  const script = `cd ${BITNOBI_HOME}/data && find . | sort | while read -r f; do
    if [ -f "$f" ]; then s=$(sha256sum "$f" | cut -d' ' -f1); else s=-; fi
    echo "$f|$(stat -c '%F %a %u:%g' "$f") $s"
  done`;
  const r = await dockerExec(docker.getContainer(name), ['sh', '-c', script]);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
    const bar = line.indexOf('|');
    out[line.slice(0, bar)] = line.slice(bar + 1);
  }
  return out;
}

/** Runs a shell command in Bitnobi's home in the container; rejects on a non-zero exit. */
export async function bitnobiShell(docker: Dockerode, name: string, command: string): Promise<string> {
  return (await dockerExec(docker.getContainer(name), ['sh', '-c', command], { workdir: BITNOBI_HOME })).stdout;
}

/** A TCP port nobody listens on at the moment, for publishing a container's port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
