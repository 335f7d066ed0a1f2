// The MongoDB tool stand-ins on the `juju-machine` test image (mongodump, mongorestore, mongo
// and the argument loop they share): they read and write the juju-db stand-in's data folder in
// mongodump's own layout. Written with String.raw (shell backslashes stay as they are); they
// use no `${` and no backquote so that nothing is interpolated.

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

/** Path in the image → script; mongo-common.sh is sourced by the others, not run. */
export const MONGO_STANDIN_SCRIPTS: Readonly<Record<string, string>> = {
  '/usr/local/lib/juju-standin/mongo-common.sh': MONGO_COMMON,
  '/usr/local/lib/juju-standin/mongodump': MONGODUMP,
  '/usr/local/lib/juju-standin/mongorestore': MONGORESTORE,
  '/usr/local/lib/juju-standin/mongo': MONGO,
};
