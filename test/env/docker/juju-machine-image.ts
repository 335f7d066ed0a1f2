// The `juju-machine` test image: a "Juju machine" reached over real SSH. A busybox-static root
// plus this host's OpenSSH sshd and ssh-keygen, Debian's sudo (setuid root), GNU tar, bash and every
// library `ldd` names for them; users root and ubuntu (passwordless sudo, as cloud images
// set it up); key-only sshd. MongoDB cannot be installed here, so the Juju services and tools
// are shell stand-ins (STANDIN_SCRIPTS at the end of this file, each with a header saying what it stands
// in for and exactly what it accepts). The entry makes the machine's own host keys, starts
// the installed services and runs `sshd -D -e`. A `docker import`, once per engine.
import type Dockerode from 'dockerode';
import { ensureHostRootImage, type HostRootImage } from './host-root-image.js';

export const JUJU_MACHINE_IMAGE = 'lifeboat-test/juju-machine:1';
/** The login user of every machine, as on Ubuntu cloud images. */
export const JUJU_MACHINE_USER = 'ubuntu';
export const JUJU_MACHINE_UID = 1000;

const SUDO_LIBEXEC = '/usr/libexec/sudo';
const PAM_PERMIT = '/lib/x86_64-linux-gnu/security/pam_permit.so';
/** Host binary → its path in the image. GNU tar replaces busybox's (root.tar needs --same-owner, -p, xattrs). */
const BINARIES: Readonly<Record<string, string>> = {
  '/usr/sbin/sshd': '/usr/sbin/sshd',
  '/usr/bin/ssh-keygen': '/usr/bin/ssh-keygen',
  '/usr/bin/sudo': '/usr/bin/sudo',
  '/usr/bin/tar': '/bin/tar',
  // Ubuntu machines have bash; scripts a plugin sends may need it.
  '/usr/bin/bash': '/bin/bash',
};

const SSHD_CONFIG = `# Key login only, for the ubuntu user; root cannot log in (Juju machines' defaults).
Port 22
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
PrintMotd no
MaxStartups 50
MaxSessions 50
Subsystem sftp internal-sftp
`;

const SUDOERS = `Defaults env_reset
Defaults !lecture
Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
root ALL=(ALL:ALL) ALL
@includedir /etc/sudoers.d
`;
/** What cloud-init writes on Ubuntu cloud images (and so on Juju's machines). */
const SUDOERS_UBUNTU = `# Created by cloud-init (test image)
ubuntu ALL=(ALL) NOPASSWD:ALL
`;
/** No real PAM stack: sudo only needs its account and session steps to pass. */
const PAM_SUDO = `auth required ${PAM_PERMIT}
account required ${PAM_PERMIT}
session required ${PAM_PERMIT}
`;

const PASSWD = `root:x:0:0:root:/root:/bin/sh
syslog:x:104:110::/home/syslog:/usr/sbin/nologin
sshd:x:105:65534::/run/sshd:/usr/sbin/nologin
ubuntu:x:${JUJU_MACHINE_UID}:${JUJU_MACHINE_UID}:Ubuntu:/home/ubuntu:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const GROUP = `root:x:0:
adm:x:4:syslog,ubuntu
sudo:x:27:ubuntu
syslog:x:110:
ubuntu:x:${JUJU_MACHINE_UID}:
nogroup:x:65534:
`;
/** `*`: no password, yet not "locked" (sshd refuses key logins to accounts whose field starts with `!`). */
const SHADOW = `root:*:19700:0:99999:7:::
syslog:*:19700:0:99999:7:::
sshd:*:19700:0:99999:7:::
ubuntu:*:19700:0:99999:7:::
nobody:*:19700:0:99999:7:::
`;

export async function ensureJujuMachineImage(docker: Dockerode): Promise<string> {
  return ensureHostRootImage(docker, machineRoot());
}

/** A function, not a constant: the stand-in scripts are declared further down. */
function machineRoot(): HostRootImage {
  return {
    tag: JUJU_MACHINE_IMAGE,
    packages: { sshd: 'openssh-server', 'ssh-keygen': 'openssh-client', sudo: 'sudo', tar: 'tar' },
    dirs: [
      ...['usr/local/sbin', 'run', 'var/log', 'var/empty', 'etc/ssh', 'snap/bin'].map((path) => ({ path })),
      { path: 'var/log/juju', mode: 0o750, uid: 104, gid: 4 },
      { path: 'home/ubuntu', uid: JUJU_MACHINE_UID },
      { path: 'home/ubuntu/.ssh', mode: 0o700, uid: JUJU_MACHINE_UID },
    ],
    texts: [
      { path: '/etc/passwd', content: PASSWD },
      { path: '/etc/group', content: GROUP },
      { path: '/etc/shadow', content: SHADOW, mode: 0o640 },
      { path: '/etc/nsswitch.conf', content: 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' },
      { path: '/etc/shells', content: '/bin/sh\n/bin/bash\n' },
      { path: '/etc/ssh/sshd_config', content: SSHD_CONFIG },
      { path: '/etc/sudoers', content: SUDOERS, mode: 0o440 },
      { path: '/etc/sudoers.d/90-cloud-init-users', content: SUDOERS_UBUNTU, mode: 0o440 },
      { path: '/etc/pam.d/sudo', content: PAM_SUDO },
      { path: '/etc/pam.d/other', content: PAM_SUDO },
      { path: '/etc/os-release', content: 'NAME="Ubuntu"\nVERSION_ID="20.04"\nVERSION_CODENAME=focal\nID=ubuntu\nPRETTY_NAME="Ubuntu 20.04 (Lifeboat test stand-in)"\n' },
      ...Object.entries(STANDIN_SCRIPTS).map(([path, content]) => ({ path, content, mode: path.endsWith('.sh') ? 0o644 : 0o755 })),
    ],
    links: [
      { path: '/bin/systemctl', target: '/usr/bin/systemctl' },
      { path: '/usr/bin/bash', target: '/bin/bash' },
      ...['mongodump', 'mongorestore', 'mongo'].flatMap((tool) => [
        { path: `/usr/lib/juju/bin/${tool}`, target: `/usr/local/lib/juju-standin/${tool}` },
        { path: `/snap/bin/juju-db.${tool}`, target: `/usr/local/lib/juju-standin/${tool}` },
      ]),
    ],
    files: [
      ...Object.entries(BINARIES).map(([from, to]) => ({ from, to, libraries: true })),
      { from: '/usr/bin/tar' },
      { from: SUDO_LIBEXEC, tree: true, libraries: true },
      { from: PAM_PERMIT, libraries: true },
      { from: '/etc/ssh/moduli', optional: true },
      { from: '/usr/share/zoneinfo/Etc/UTC', to: '/usr/share/zoneinfo/UTC' },
    ],
    changes: [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin',
      'ENV TZ=UTC',
      'EXPOSE 22',
      'ENTRYPOINT ["/usr/local/sbin/juju-machine-init"]',
    ],
  };
}

// ---------------------------------------------------------------------------------------
// The stand-in scripts, path in the image → text. Written with String.raw (shell backslashes
// stay as they are); they use no `${` and no backquote so that nothing is interpolated.

const INIT = String.raw`#!/bin/sh
# Entry of the Juju machine stand-in (PID 1's child under docker --init): makes this machine's
# own SSH host keys (kept across restarts: only missing keys are made), starts the installed
# and enabled services (as systemd would at boot), then runs sshd in the foreground.
mkdir -p /run/sshd /var/log/juju
chmod 0755 /run/sshd
ssh-keygen -A >/dev/null
/usr/local/bin/service-ctl boot
exec /usr/sbin/sshd -D -e
`;

const SERVICE_CTL = String.raw`#!/bin/sh
# Stands in for systemd's service manager on the Juju machine stand-ins (the image has no init
# system). Each service runs in its own session, so that stop ends all its processes.
#   service-ctl NAME start|stop|restart|status   (start/stop/restart need root)
#   service-ctl boot    starts every installed service not disabled (the entry runs it)
#   service-ctl list    installed services, "NAME active|inactive"
#   service-ctl enable|disable NAME
# NAME: jujud-machine-<N> | juju-db; ".service" and the snap's name snap.juju-db.daemon work too.
# A service is installed when its unit is:
#   jujud-machine-N  /var/lib/juju/init/jujud-machine-N/exec-start.sh (Juju's layout; runs it)
#   juju-db          /etc/systemd/system/snap.juju-db.daemon.service (runs the juju-db stand-in)
# status: prints active / inactive / not-found, exit 0 / 3 / 4 (systemctl's codes).
RUN=/run/service-ctl
DISABLED=/etc/service-ctl/disabled

canon() {
  n=$(printf %s "$1" | sed 's/\.service$//')
  case $n in
    snap.juju-db.daemon|juju-db.daemon) echo juju-db ;;
    *) echo "$n" ;;
  esac
}
command_of() {
  case $1 in
    juju-db) [ -e /etc/systemd/system/snap.juju-db.daemon.service ] && echo /usr/local/lib/juju-standin/juju-db-daemon ;;
    jujud-machine-*) [ -x "/var/lib/juju/init/$1/exec-start.sh" ] && echo "/var/lib/juju/init/$1/exec-start.sh" ;;
  esac
  return 0
}
installed() {
  [ -e /etc/systemd/system/snap.juju-db.daemon.service ] && echo juju-db
  for d in /var/lib/juju/init/jujud-machine-*; do
    [ -x "$d/exec-start.sh" ] && basename "$d"
  done
  return 0
}
pid_of() {
  p=$(cat "$RUN/$1.pid" 2>/dev/null)
  # /proc, not kill -0: any user may ask for a status, and root's processes refuse their signals.
  [ -n "$p" ] && [ -d "/proc/$p" ] && echo "$p"
  return 0
}
need_root() {
  [ "$(id -u)" = 0 ] && return 0
  echo "Failed to $1 $2.service: Interactive authentication required." >&2
  exit 1
}
start() {
  cmd=$(command_of "$1")
  [ -n "$cmd" ] || { echo "Failed to start $1.service: Unit $1.service not found." >&2; return 5; }
  [ -n "$(pid_of "$1")" ] && return 0
  mkdir -p "$RUN"
  rm -f "$RUN/$1.pid"
  setsid sh -c 'echo $$ > "$0"; exec "$1"' "$RUN/$1.pid" "$cmd" </dev/null >>/var/log/service-ctl.log 2>&1 &
  i=0
  while [ ! -s "$RUN/$1.pid" ] && [ $i -lt 100 ]; do usleep 20000; i=$((i+1)); done
  return 0
}
stop() {
  [ -n "$(command_of "$1")" ] || [ -e "$RUN/$1.pid" ] || { echo "Failed to stop $1.service: Unit $1.service not loaded." >&2; return 5; }
  p=$(pid_of "$1")
  if [ -n "$p" ]; then
    kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do usleep 50000; i=$((i+1)); done
    kill -KILL -- "-$p" 2>/dev/null
  fi
  rm -f "$RUN/$1.pid"
  return 0
}
status() {
  if [ -n "$(pid_of "$1")" ]; then echo active; return 0; fi
  if [ -n "$(command_of "$1")" ]; then echo inactive; return 3; fi
  echo not-found
  return 4
}

action=$2
name=$(canon "$1")
case $1 in
  boot)
    # Pidfiles of the previous run of the container mean nothing now.
    rm -rf "$RUN"
    for s in $(installed); do
      [ -e "$DISABLED/$s" ] || start "$s"
    done
    exit 0 ;;
  list)
    for s in $(installed); do echo "$s $(status "$s")"; done
    exit 0 ;;
  enable|disable)
    need_root "$1" "$2"
    name=$(canon "$2")
    mkdir -p "$DISABLED"
    if [ "$1" = enable ]; then rm -f "$DISABLED/$name"; else : > "$DISABLED/$name"; fi
    exit 0 ;;
esac
case $action in
  start) need_root start "$name"; start "$name" ;;
  stop) need_root stop "$name"; stop "$name" ;;
  restart) need_root restart "$name"; stop "$name" 2>/dev/null; start "$name" ;;
  status) status "$name" ;;
  *) echo "usage: service-ctl NAME start|stop|restart|status | service-ctl boot|list | service-ctl enable|disable NAME" >&2; exit 2 ;;
esac
`;

const SYSTEMCTL = String.raw`#!/bin/sh
# Stands in for systemctl on the Juju machine stand-ins; the work is service-ctl's.
#   systemctl [OPTIONS] start|stop|restart|try-restart|reload-or-restart UNIT...   (root)
#   systemctl is-active UNIT...   "active"/"inactive" per unit; exit 0 when all are active, else 3
#   systemctl status UNIT         short status; exit 0 active, 3 inactive, 4 no such unit
#   systemctl enable|disable [--now] UNIT...   (boot starts only enabled units)
#   systemctl is-enabled UNIT, daemon-reload, link PATH, reset-failed: accepted
# UNIT: jujud-machine-<N>[.service], juju-db[.service], snap.juju-db.daemon[.service].
# OPTIONS (--no-block, -q, --quiet, --no-pager, --system, --now) are accepted.
NOW=0
QUIET=0
cmd=
units=
for a in "$@"; do
  case $a in
    --now) NOW=1 ;;
    -q|--quiet) QUIET=1 ;;
    -*) ;;
    *) if [ -z "$cmd" ]; then cmd=$a; else units="$units $a"; fi ;;
  esac
done
rc=0
case $cmd in
  start|stop|restart)
    for u in $units; do service-ctl "$u" "$cmd" || rc=$?; done ;;
  try-restart|reload-or-restart)
    for u in $units; do service-ctl "$u" restart || rc=$?; done ;;
  is-active)
    for u in $units; do
      s=$(service-ctl "$u" status)
      [ "$s" = active ] || { rc=3; s=inactive; }
      [ $QUIET = 1 ] || echo "$s"
    done ;;
  status)
    for u in $units; do
      s=$(service-ctl "$u" status); r=$?
      case $r in
        0) echo "* $u - (stand-in)"; echo "     Active: active (running)" ;;
        3) echo "* $u - (stand-in)"; echo "     Active: inactive (dead)" ;;
        *) echo "Unit $u could not be found." >&2 ;;
      esac
      [ $r -gt $rc ] && rc=$r
    done ;;
  enable|disable)
    for u in $units; do
      case $u in /*) u=$(basename "$u") ;; esac
      service-ctl "$cmd" "$u" || rc=$?
      if [ $NOW = 1 ]; then
        if [ "$cmd" = enable ]; then service-ctl "$u" start || rc=$?; else service-ctl "$u" stop || rc=$?; fi
      fi
    done ;;
  is-enabled)
    for u in $units; do
      n=$(printf %s "$u" | sed 's/\.service$//; s/^snap\.juju-db\.daemon$/juju-db/')
      if [ -e "/etc/service-ctl/disabled/$n" ]; then echo disabled; rc=1; else echo enabled; fi
    done ;;
  daemon-reload|link|reset-failed) ;;
  *) echo "systemctl stand-in: unsupported command '$cmd'" >&2; rc=1 ;;
esac
exit $rc
`;

const JUJUD = String.raw`#!/bin/sh
# Stands in for jujud, the Juju machine agent: this file is what
# /var/lib/juju/tools/<version>/jujud is on the stand-in machines.
#   jujud version
#       prints the version of the tools folder it lives in (e.g. 2.9.42-focal-amd64)
#   jujud machine --data-dir DIR --machine-id N [--debug]
#       reads DIR/agents/machine-N/agent.conf once, at start, and logs (stdout; the unit's
#       exec-start.sh appends it to /var/log/juju/machine-N.log) a line
#         <date> <time> INFO juju.cmd.jujud machine-N agent <version> started; apiaddresses: [A,...] stateaddresses: [S,...]
#       A machine with JobManageModel in its jobs (a controller) answers on the API port 17070.
#       Writes the time to DIR/agents/machine-N/standin-heartbeat every second until stopped.
self=$(readlink -f "$0")
version=$(basename "$(dirname "$self")")
case $version in [0-9]*.[0-9]*) ;; *) version=unknown ;; esac
[ "$1" = version ] && { echo "$version"; exit 0; }
[ "$1" = machine ] || { echo "usage: jujud machine --data-dir DIR --machine-id N | jujud version" >&2; exit 2; }
shift
datadir=/var/lib/juju
id=
while [ $# -gt 0 ]; do
  case $1 in
    --data-dir) datadir=$2; shift ;;
    --machine-id) id=$2; shift ;;
  esac
  shift
done
conf=$datadir/agents/machine-$id/agent.conf
now() { date -u '+%Y-%m-%d %H:%M:%S'; }
if [ -z "$id" ] || [ ! -r "$conf" ]; then
  echo "$(now) ERROR juju.cmd.jujud cannot read agent configuration $conf"
  exit 1
fi
# A YAML list under KEY, block (- a) or flow ([a, b]) style, as "a,b".
list() {
  awk -v key="$1" -v q="'" '
    index($0, key ":") == 1 {
      on = 1; rest = substr($0, length(key) + 2); gsub(/[][" ]/, "", rest); gsub(q, "", rest)
      if (rest != "") { out = rest; exit }
      next
    }
    on && /^[ \t]*-[ \t]/ { v = $0; sub(/^[ \t]*-[ \t]*/, "", v); gsub(/[" ]/, "", v); gsub(q, "", v); out = out (out == "" ? "" : ",") v; next }
    on { exit }
    END { print out }' "$conf"
}
echo "$(now) INFO juju.cmd.jujud machine-$id agent $version started; apiaddresses: [$(list apiaddresses)] stateaddresses: [$(list stateaddresses)]"
api_pid=
if grep -q JobManageModel "$conf"; then
  httpd -f -p 17070 -h /var/empty &
  api_pid=$!
fi
trap 'echo "$(now) INFO juju.cmd.jujud machine-$id agent stopped"; [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null; exit 0' TERM INT
while :; do
  date -u +%s > "$datadir/agents/machine-$id/standin-heartbeat"
  sleep 1 &
  wait $!
done
`;

const JUJU_DB = String.raw`#!/bin/sh
# Stands in for mongod of the juju-db snap (unit snap.juju-db.daemon): it listens on 37017 so
# that clients and the MongoDB tool stand-ins find the database up or down (connection
# refused). It keeps no data itself: the "databases" are the data folder
# /var/lib/juju/db-standin, <db>/<collection>.bson + .metadata.json, mongodump's own layout;
# local/oplog.rs.bson plays the oplog; replset.json the replica-set config. The folder is made
# by the first tool that writes to it (a fresh machine has no /var/lib/juju).
echo "$(date -u '+%Y-%m-%dT%H:%M:%S') juju-db stand-in listening on 0.0.0.0:37017"
exec httpd -f -p 37017 -h /var/empty
`;

const MONGO_COMMON = String.raw`# Shared by the MongoDB tool stand-ins (mongodump, mongorestore, mongo): flags common to all,
# "connecting" to the juju-db stand-in (is anything listening on --host?) and "authenticating"
# (the --config file's password against the agent's statepassword). Sourced, not run.
DATA=/var/lib/juju/db-standin
TOOLS_LOG=/var/log/juju/standin-tools.log
HOST=
PORT=
USERNAME=
CONFIG=
TLS=0
INSECURE=0
CAFILE=
QUIET=0

ts() { date -u +%Y-%m-%dT%H:%M:%S.000+0000; }
say() { [ "$QUIET" = 1 ] || printf '%s\t%s\n' "$(ts)" "$*" >&2; }
die() { printf '%s\tFailed: %s\n' "$(ts)" "$*" >&2; exit 1; }
usage_error() { printf 'error parsing command line options: %s\n' "$*" >&2; exit 3; }

# Every call's argv, for tests to check (it never holds a password: --password is refused).
record_call() {
  mkdir -p /var/log/juju 2>/dev/null
  printf '%s %s\n' "$(ts)" "$*" >>"$TOOLS_LOG" 2>/dev/null
  return 0
}

# split_flag "$@": FLAG and VAL from "--flag=value" (INLINE=1) or "--flag value" (INLINE=0).
split_flag() {
  case $1 in
    --*=*) FLAG=$(printf %s "$1" | sed 's/=.*//'); VAL=$(printf %s "$1" | sed 's/^[^=]*=//'); INLINE=1 ;;
    *) FLAG=$1; VAL=$2; INLINE=0 ;;
  esac
}

# parse_args "$@": walks the command line, taking the common flags itself; for any other
# argument it calls the tool's tool_flag "$1" (FLAG and VAL set as split_flag sets them), which
# sets n to how many arguments it took (1 or 2) and INLINE=0 when it took a positional one.
parse_args() {
  while [ $# -gt 0 ]; do
    split_flag "$@"
    common_flag "$FLAG" "$VAL"
    case $? in
      0) n=2 ;;
      1) n=1 ;;
      *) tool_flag "$1" ;;
    esac
    [ "$INLINE" = 1 ] && n=1
    [ $n = 2 ] && [ $# -lt 2 ] && usage_error "expected argument for flag $FLAG"
    shift $n
  done
  return 0
}

# common_flag FLAG VAL: returns 0 when it took FLAG and a value, 1 when FLAG alone, 2 when not common.
common_flag() {
  case $1 in
    --host|-h) HOST=$2; return 0 ;;
    --port) PORT=$2; return 0 ;;
    -u|--username) USERNAME=$2; return 0 ;;
    -p|--password)
      die "the stand-in refuses a password on the command line: every user of the machine can read it in /proc/<pid>/cmdline. Put 'password: <it>' in a 0600 file and pass --config FILE." ;;
    --authenticationDatabase|--authenticationMechanism) return 0 ;;
    --config) CONFIG=$2; return 0 ;;
    --sslCAFile|--tlsCAFile) CAFILE=$2; return 0 ;;
    --sslPEMKeyFile|--tlsCertificateKeyFile) return 0 ;;
    --ssl|--tls) TLS=1; return 1 ;;
    --sslAllowInvalidCertificates|--tlsInsecure|--tlsAllowInvalidCertificates) INSECURE=1; return 1 ;;
    --sslAllowInvalidHostnames|--tlsAllowInvalidHostnames) return 1 ;;
    --quiet) QUIET=1; return 1 ;;
    -v|-vv|-vvv|--verbose) return 1 ;;
  esac
  return 2
}

# connect: fails as the real tools do when nothing listens at --host, or when TLS is not used
# or not trusted (juju-db only speaks TLS, with a certificate from Juju's own CA).
connect() {
  [ -n "$HOST" ] || HOST=localhost
  h=$(printf %s "$HOST" | sed 's|^[^/]*/||; s/,.*//')
  addr=$(printf %s "$h" | sed 's/:[0-9]*$//')
  port=$(printf %s "$h" | sed -n 's/.*:\([0-9][0-9]*\)$/\1/p')
  [ -n "$PORT" ] && port=$PORT
  [ -n "$port" ] || port=27017
  [ "$addr" = localhost ] && addr=127.0.0.1
  if ! nc -w 2 "$addr" "$port" </dev/null >/dev/null 2>&1; then
    die "can't create session: could not connect to server: server selection error: server selection timeout, current topology: { Type: Single, Servers: [{ Addr: $addr:$port, Type: Unknown, Last error: connection() error occurred during connection handshake: dial tcp $addr:$port: connect: connection refused }, ] }"
  fi
  [ "$TLS" = 1 ] || die "can't create session: could not connect to server: server selection error: server selection timeout, current topology: { Type: Single, Servers: [{ Addr: $addr:$port, Type: Unknown, Last error: connection() error occurred during connection handshake: EOF }, ] }"
  [ "$INSECURE" = 1 ] || [ -n "$CAFILE" ] || die "can't create session: could not connect to server: server selection error: server selection timeout, current topology: { Type: Single, Servers: [{ Addr: $addr:$port, Type: Unknown, Last error: connection() error occurred during connection handshake: x509: certificate signed by unknown authority }, ] }"
}

# password_of FILE: the "password:" value of a mongo tools YAML config file, quotes removed.
password_of() {
  sed -n 's/^password:[[:space:]]*//p' "$1" | head -n 1 | sed "s/[[:space:]]*$//; s/^'\(.*\)'$/\1/; s/^\"\(.*\)\"$/\1/"
}

# auth_ok USER PASSWORD: the juju-db stand-in's users are the agents, each with the
# statepassword of its agent.conf (so checking needs root, who alone can read that file).
auth_ok() {
  conf=/var/lib/juju/agents/$1/agent.conf
  [ -n "$1" ] && [ -n "$2" ] && [ -r "$conf" ] || return 1
  want=$(sed -n 's/^statepassword:[[:space:]]*//p' "$conf" | head -n 1 | sed "s/[[:space:]]*$//; s/^'\(.*\)'$/\1/; s/^\"\(.*\)\"$/\1/")
  [ -n "$want" ] && [ "$2" = "$want" ]
}

AUTH_FAILED='can'"'"'t create session: could not connect to server: connection() error occurred during connection handshake: auth error: sasl conversation error: unable to authenticate using mechanism "SCRAM-SHA-256": (AuthenticationFailed) Authentication failed.'

# authenticate: --username with the password of the --config file.
authenticate() {
  [ -n "$USERNAME" ] || die "(Unauthorized) command listDatabases requires authentication"
  [ -n "$CONFIG" ] || die "$AUTH_FAILED"
  [ -r "$CONFIG" ] || usage_error "error opening config file: open $CONFIG: no such file or directory"
  auth_ok "$USERNAME" "$(password_of "$CONFIG")" || die "$AUTH_FAILED"
}
`;

const MONGODUMP = String.raw`#!/bin/sh
# Stands in for mongodump (MongoDB database tools 100.x, as Juju runs it:
# /snap/bin/juju-db.mongodump, older installs /usr/lib/juju/bin/mongodump). Accepted:
#   mongodump --ssl|--tls --sslAllowInvalidCertificates|--tlsInsecure [--authenticationDatabase admin]
#             --host 127.0.0.1:37017 [--port P] --username machine-0 --config FILE [--oplog]
#             [--out DIR | -o DIR] [--quiet]          (--flag=value works too)
#   FILE is YAML holding "password: <statepassword>"; --password/-p is refused (argv is public).
# Fails like the real tool when juju-db does not answer (connection refused), without TLS, or
# when the user/password do not match agent.conf's statepassword (AuthenticationFailed).
# Writes DIR/<db>/<collection>.bson and .metadata.json for every db of the data folder but
# local and config, and with --oplog DIR/oplog.bson (local/oplog.rs.bson's entries, or empty).
# Test hook: when /var/lib/juju/db-standin/EMPTY_DUMP exists it creates DIR, writes nothing in
# it and exits 0 (the Juju bug of backups that "succeeded" with an empty dump).
# Every call's argv is appended to /var/log/juju/standin-tools.log. Needs root (see auth_ok).
. /usr/local/lib/juju-standin/mongo-common.sh
record_call mongodump "$@"
OUT=dump
OPLOG=0
# The tool's own flags (see parse_args).
tool_flag() {
  case $FLAG in
    --oplog) OPLOG=1; n=1 ;;
    -o|--out) OUT=$VAL; n=2 ;;
    --gzip|--archive|--db|-d|--collection|-c|--query|-q) usage_error "the stand-in does not do $FLAG" ;;
    *) usage_error "unknown option \"$FLAG\"" ;;
  esac
}
parse_args "$@"
connect
authenticate
mkdir -p "$OUT" || die "error creating directory $OUT"
[ -e "$DATA/EMPTY_DUMP" ] && exit 0
for dbdir in "$DATA"/*/; do
  [ -d "$dbdir" ] || continue
  db=$(basename "$dbdir")
  case $db in local|config) continue ;; esac
  for f in "$dbdir"*.bson; do
    [ -e "$f" ] || continue
    c=$(basename "$f" .bson)
    mkdir -p "$OUT/$db"
    say "writing $db.$c to $OUT/$db/$c.bson"
    cp "$f" "$OUT/$db/$c.bson" || die "error writing $OUT/$db/$c.bson"
    [ -e "$dbdir$c.metadata.json" ] && cp "$dbdir$c.metadata.json" "$OUT/$db/$c.metadata.json"
    say "done dumping $db.$c"
  done
done
if [ "$OPLOG" = 1 ]; then
  say "writing captured oplog to $OUT/oplog.bson"
  if [ -e "$DATA/local/oplog.rs.bson" ]; then cp "$DATA/local/oplog.rs.bson" "$OUT/oplog.bson"; else : > "$OUT/oplog.bson"; fi
  say "dumped oplog entries"
fi
`;

const MONGORESTORE = String.raw`#!/bin/sh
# Stands in for mongorestore (MongoDB database tools 100.x: /snap/bin/juju-db.mongorestore,
# older installs /usr/lib/juju/bin/mongorestore). Accepted:
#   mongorestore --ssl|--tls --sslAllowInvalidCertificates|--tlsInsecure [--authenticationDatabase admin]
#                --host 127.0.0.1:37017 --username machine-0 --config FILE
#                [--drop] [--oplogReplay] [--nsExclude PATTERN]... [--stopOnError] [--noIndexRestore]
#                [--preserveUUID] [--maintainInsertionOrder] [--writeConcern W] [-j N] [--quiet]
#                DIR | --dir DIR
#   FILE and the failures: as for the mongodump stand-in (connection refused, AuthenticationFailed;
#   the password is checked against /var/lib/juju/agents/<username>/agent.conf, so that file
#   must be in place first). PATTERN is a shell-style glob on "db.collection" (e.g. 'logs.*').
# Effect on the data folder /var/lib/juju/db-standin: every DIR/<db>/<collection>.bson not
# excluded replaces the collection (--drop), or is added when the collection is missing or
# empty (without --drop an existing one is kept, as duplicate-key errors would keep it).
# Databases absent from DIR stay as they are. --oplogReplay needs DIR/oplog.bson.
# As with MongoDB, a juju-db whose replica set was never initiated (no replset.json: a fresh
# host) is not primary and refuses writes: NotWritablePrimary. Initiate it first (mongo stand-in).
. /usr/local/lib/juju-standin/mongo-common.sh
record_call mongorestore "$@"
DIR=
DROP=0
REPLAY=0
EXCLUDES=
# The tool's own flags (see parse_args).
tool_flag() {
  case $FLAG in
    --drop) DROP=1; n=1 ;;
    --oplogReplay) REPLAY=1; n=1 ;;
    --nsExclude) EXCLUDES="$EXCLUDES
$VAL"; n=2 ;;
    --dir) DIR=$VAL; n=2 ;;
    --stopOnError|--noIndexRestore|--preserveUUID|--maintainInsertionOrder|--noOptionsRestore) n=1 ;;
    --writeConcern|-j|--numParallelCollections|--numInsertionWorkersPerCollection) n=2 ;;
    -*) usage_error "unknown option \"$FLAG\"" ;;
    *) [ -z "$DIR" ] || usage_error "too many positional arguments"; DIR=$1; n=1; INLINE=0 ;;
  esac
}
parse_args "$@"
[ -n "$DIR" ] || DIR=dump
connect
authenticate
[ -d "$DIR" ] || die "mongorestore target '$DIR' invalid: stat $DIR: no such file or directory"
# A juju-db never initiated is no primary: it takes no writes (the stand-in says what to do).
[ -s "$DATA/replset.json" ] || die "error running restore: (NotWritablePrimary) not primary (stand-in: the replica set was never initiated; rs.initiate it first with the mongo shell)"
[ "$REPLAY" = 1 ] && [ ! -e "$DIR/oplog.bson" ] && die "no oplog file to replay; make sure you run mongodump with --oplog"
excluded() {
  printf '%s\n' "$EXCLUDES" | {
    while IFS= read -r pat; do
      [ -n "$pat" ] || continue
      case $1 in $pat) exit 0 ;; esac
    done
    exit 1
  }
}
say "preparing collections to restore from"
restored=0
for dbdir in "$DIR"/*/; do
  [ -d "$dbdir" ] || continue
  db=$(basename "$dbdir")
  [ "$db" = local ] && continue
  for f in "$dbdir"*.bson; do
    [ -e "$f" ] || continue
    c=$(basename "$f" .bson)
    excluded "$db.$c" && continue
    mkdir -p "$DATA/$db"
    chmod 0700 "$DATA"
    if [ "$DROP" = 1 ] || [ ! -s "$DATA/$db/$c.bson" ]; then
      [ "$DROP" = 1 ] && say "dropping collection $db.$c before restoring"
      say "restoring $db.$c from $f"
      cp "$f" "$DATA/$db/.$c.bson.new" && mv "$DATA/$db/.$c.bson.new" "$DATA/$db/$c.bson" || die "restoring $db.$c"
      if [ -e "$dbdir$c.metadata.json" ]; then cp "$dbdir$c.metadata.json" "$DATA/$db/$c.metadata.json"; fi
      restored=$((restored+1))
    else
      say "continuing through error: E11000 duplicate key error collection: $db.$c index: _id_"
    fi
  done
done
if [ "$REPLAY" = 1 ]; then
  say "replaying oplog"
  say "applied oplog entries"
fi
say "$restored collection(s) restored successfully. 0 document(s) failed to restore."
`;

const MONGO = String.raw`#!/bin/sh
# Stands in for the legacy mongo shell (/snap/bin/juju-db.mongo, /usr/lib/juju/bin/mongo) for
# the one job a restore needs: re-initiating the replica set. Accepted:
#   mongo [--quiet] --ssl|--tls --sslAllowInvalidCertificates|--tlsInsecure
#         (--host 127.0.0.1:37017 | --port 37017 | 127.0.0.1:37017/admin) [DB] [--eval SCRIPT]
#   The script is SCRIPT, or else stdin, one statement per line:
#     db.auth("machine-0", "<statepassword>")         must come first (single or double quotes;
#                                                     also db.getSiblingDB("admin").auth(...)).
#                                                     A password in --eval is refused (argv is
#                                                     public): send the script on stdin.
#     rs.initiate(CONFIG)                             CONFIG: a JSON object, e.g.
#         {"_id":"juju","version":1,"members":[{"_id":1,"host":"10.0.0.5:37017"}]}
#     rs.reconfig(CONFIG, {force: true})              same, replacing a config; as with MongoDB,
#                                                     only on an initiated set (a fresh juju-db
#                                                     answers NotYetInitialized: use rs.initiate)
#     rs.conf() / rs.status()                         print the recorded CONFIG, or NotYetInitialized
#   Other lines are ignored. CONFIG is recorded verbatim in /var/lib/juju/db-standin/replset.json.
# Prints { "ok" : 1 } per rs.initiate/rs.reconfig. Unlike the real shell it exits 1 when any
# statement failed (authentication, "already initialized", NotYetInitialized), after printing
# the error document the real one prints; so check one thing per call (rs.status() first).
. /usr/local/lib/juju-standin/mongo-common.sh
record_call mongo "$@"
SCRIPT=
HAVE_EVAL=0
# The tool's own flags (see parse_args).
tool_flag() {
  case $FLAG in
    --eval) SCRIPT=$VAL; HAVE_EVAL=1; n=2 ;;
    --nodb|--norc|--shell) n=1 ;;
    -*) usage_error "unknown option \"$FLAG\"" ;;
    */*|*:*) HOST=$(printf %s "$1" | sed 's|/.*||'); n=1; INLINE=0 ;;
    *) n=1; INLINE=0 ;;
  esac
}
parse_args "$@"
if [ "$HAVE_EVAL" = 1 ]; then
  case $SCRIPT in *auth\(*) die "the stand-in refuses db.auth in --eval: the password would be in /proc/<pid>/cmdline. Send the script on stdin." ;; esac
else
  SCRIPT=$(cat)
fi
[ -n "$HOST" ] || HOST=127.0.0.1:$PORT
connect
authed=0
status=0
tmp=$(mktemp)
printf '%s\n' "$SCRIPT" > "$tmp"
while IFS= read -r line; do
  case $line in
    *.auth\(*)
      user=$(printf %s "$line" | sed -n "s/.*auth( *[\"']\([^\"']*\)[\"'] *,.*/\1/p")
      pass=$(printf %s "$line" | sed -n "s/.*auth( *[\"'][^\"']*[\"'] *, *[\"']\([^\"']*\)[\"'] *).*/\1/p")
      if auth_ok "$user" "$pass"; then authed=1; echo 1; else echo 'Error: Authentication failed.'; status=1; fi ;;
    *rs.initiate\(*|*rs.reconfig\(*)
      if [ $authed != 1 ]; then
        echo '{ "ok" : 0, "errmsg" : "command replSetInitiate requires authentication", "code" : 13, "codeName" : "Unauthorized" }'
        status=1
        continue
      fi
      config=$(printf %s "$line" | sed 's/^[^(]*(//; s/)[ ;]*$//; s/, *{ *"*force"* *: *true *} *$//')
      case $line in
        *rs.initiate\(*)
          if [ -s "$DATA/replset.json" ]; then
            echo '{ "ok" : 0, "errmsg" : "already initialized", "code" : 23, "codeName" : "AlreadyInitialized" }'
            status=1
            continue
          fi ;;
        *)
          if [ ! -s "$DATA/replset.json" ]; then
            echo '{ "ok" : 0, "errmsg" : "no replset config has been received", "code" : 94, "codeName" : "NotYetInitialized" }'
            status=1
            continue
          fi ;;
      esac
      mkdir -p "$DATA" && chmod 0700 "$DATA"
      printf '%s\n' "$config" > "$DATA/replset.json"
      echo '{ "ok" : 1 }' ;;
    *rs.conf\(\)*|*rs.status\(\)*)
      if [ $authed = 1 ] && [ -s "$DATA/replset.json" ]; then cat "$DATA/replset.json"
      else echo '{ "ok" : 0, "errmsg" : "no replset config has been received", "code" : 94, "codeName" : "NotYetInitialized" }'; status=1; fi ;;
  esac
done < "$tmp"
rm -f "$tmp"
exit $status
`;

/** Path in the image → script. */
const STANDIN_SCRIPTS: Readonly<Record<string, string>> = {
  '/usr/local/sbin/juju-machine-init': INIT,
  '/usr/local/bin/service-ctl': SERVICE_CTL,
  '/usr/bin/systemctl': SYSTEMCTL,
  '/usr/local/lib/juju-standin/jujud': JUJUD,
  '/usr/local/lib/juju-standin/juju-db-daemon': JUJU_DB,
  '/usr/local/lib/juju-standin/mongo-common.sh': MONGO_COMMON,
  '/usr/local/lib/juju-standin/mongodump': MONGODUMP,
  '/usr/local/lib/juju-standin/mongorestore': MONGORESTORE,
  '/usr/local/lib/juju-standin/mongo': MONGO,
};
/** The jujud stand-in, which the fixture puts in each machine's tools folder (as Juju installs its agent binary). */
export const JUJUD_STANDIN_SCRIPT = JUJUD;
