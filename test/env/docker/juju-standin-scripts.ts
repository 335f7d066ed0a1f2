// The shell stand-ins for the Juju services and tools on the `juju-machine` test image
// (juju-machine-image.ts): MongoDB cannot be installed here, so init, the service manager,
// systemctl, jujud and the juju-db daemon are scripts, each with a header saying what it
// stands in for and exactly what it accepts. The MongoDB tool stand-ins are in
// mongo-standin-scripts.ts. Written with String.raw (shell backslashes stay as they are); they
// use no `${` and no backquote so that nothing is interpolated.
import { MONGO_STANDIN_SCRIPTS } from './mongo-standin-scripts.js';

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

/** Path in the image → script. */
export const JUJU_STANDIN_SCRIPTS: Readonly<Record<string, string>> = {
  '/usr/local/sbin/juju-machine-init': INIT,
  '/usr/local/bin/service-ctl': SERVICE_CTL,
  '/usr/bin/systemctl': SYSTEMCTL,
  '/usr/local/lib/juju-standin/jujud': JUJUD,
  '/usr/local/lib/juju-standin/juju-db-daemon': JUJU_DB,
  ...MONGO_STANDIN_SCRIPTS,
};

/** The jujud stand-in, which the fixture puts in each machine's tools folder (as Juju installs its agent binary). */
export const JUJUD_STANDIN_SCRIPT = JUJUD;
