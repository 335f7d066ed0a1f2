// The `mariadb:10.11` test image, made without a registry like the Postgres one: a
// busybox-static root plus this host's MariaDB 10.11 binaries (Debian's mariadb-server-core
// and mariadb-client: binaries only, no mariadb-server whose postinst starts a service),
// every library `ldd` names for them and a mysql user. Its entrypoint behaves like the
// official image's: on an empty /var/lib/mysql it runs mariadb-install-db, sets root's
// password from MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD through a temporary server on
// the unix socket only (no TCP) that also loads the time zone tables, stops that server, then runs mariadbd in the foreground
// (3306 and the socket). `docker stop` sends SIGTERM to mariadbd, which shuts down cleanly.
import type Dockerode from 'dockerode';
import { ensureHostRootImage, type HostRootImage } from './host-root-image.js';

export const MARIADB_IMAGE = 'lifeboat-test/mariadb:10.11';
/** The official image's mysql user and group. */
const MYSQL_UID = 999;
const DATADIR = '/var/lib/mysql';
/** Debian's build puts the socket here for server and clients alike. */
const SOCKET = '/run/mysqld/mysqld.sock';

/** Host binaries the image carries; the mysql* names are links, as in Debian. */
const BINARIES = ['/usr/sbin/mariadbd', '/usr/bin/mariadb', '/usr/bin/mariadb-admin', '/usr/bin/mariadb-dump', '/usr/bin/my_print_defaults', '/usr/bin/resolveip', '/usr/bin/mariadb-tzinfo-to-sql'];
const SCRIPTS = ['/usr/bin/mariadb-install-db'];
const LINKS = ['/usr/sbin/mysqld', '/usr/bin/mysql', '/usr/bin/mysqladmin', '/usr/bin/mysqldump', '/usr/bin/mysql_install_db'];
const SHARE = '/usr/share/mysql';

/**
 * Runs as root (mariadbd drops to mysql itself with --user). The password reaches SQL through
 * a here-document and a pipe from echo (a shell builtin), never a command line.
 * Skipped from the official entrypoint: MARIADB_DATABASE/USER, healthcheck users, initdb.d.
 */
const ENTRYPOINT = `#!/bin/sh
set -e
DATADIR=${DATADIR}
SOCKET=${SOCKET}
mkdir -p "$DATADIR" /run/mysqld
chown mysql:mysql "$DATADIR" /run/mysqld
if [ ! -d "$DATADIR/mysql" ]; then
  password="\${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}"
  if [ -z "$password" ]; then
    echo "entrypoint: the database is uninitialized and no root password is set: set MARIADB_ROOT_PASSWORD or MYSQL_ROOT_PASSWORD" >&2
    exit 1
  fi
  echo "entrypoint: initializing $DATADIR"
  mariadb-install-db --user=mysql --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \\
    --skip-test-db --skip-log-bin --default-time-zone=SYSTEM >/dev/null
  echo "entrypoint: temporary server (socket only) to set root's password"
  mariadbd --user=mysql --skip-networking --socket="$SOCKET" --default-time-zone=SYSTEM &
  pid=$!
  tries=0
  until echo 'SELECT 1' | mariadb -u root --socket="$SOCKET" --database=mysql >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "entrypoint: the temporary server exited" >&2; exit 1; }
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || { echo "entrypoint: the temporary server did not start" >&2; exit 1; }
    sleep 0.1
  done
  if [ -z "\${MARIADB_INITDB_SKIP_TZINFO:-$MYSQL_INITDB_SKIP_TZINFO}" ]; then
    # As the official image does, while the temporary server runs (a second or two).
    mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo 2>/dev/null | mariadb -u root --socket="$SOCKET" --database=mysql
  fi
  # As hex: no quoting to get wrong, whatever the password holds.
  hex=$(echo -n "$password" | od -An -v -tx1 | tr -d ' \\n')
  mariadb -u root --socket="$SOCKET" --database=mysql <<SQL
SET @@SESSION.SQL_LOG_BIN=0;
SET @pw = CONVERT(UNHEX('$hex') USING utf8mb4);
DELETE FROM mysql.global_priv WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');
DELETE FROM mysql.proxies_priv WHERE host NOT IN ('localhost');
EXECUTE IMMEDIATE CONCAT('ALTER USER ''root''@''localhost'' IDENTIFIED BY ', QUOTE(@pw));
EXECUTE IMMEDIATE CONCAT('CREATE USER ''root''@''%'' IDENTIFIED BY ', QUOTE(@pw));
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
SQL
  kill "$pid"
  wait "$pid"
  echo "entrypoint: initialized; starting mariadbd"
fi
exec mariadbd --user=mysql "$@"
`;

/** What Debian's packages leave to mariadb-server (not installed here), kept small for tests. */
const MY_CNF = `[client-server]
socket = ${SOCKET}
port = 3306

[mariadbd]
datadir = ${DATADIR}
bind-address = 0.0.0.0
skip-name-resolve
host-cache-size = 0
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
innodb_buffer_pool_size = 64M
innodb_log_file_size = 16M
`;

const MARIADB_ROOT: HostRootImage = {
  tag: MARIADB_IMAGE,
  // Here rather than in the global list: only the tests with MariaDB need them.
  packages: { '/usr/sbin/mariadbd': 'mariadb-server-core', 'mariadb-dump': 'mariadb-client', '/usr/share/zoneinfo': 'tzdata' },
  dirs: [
    { path: DATADIR, uid: MYSQL_UID },
    { path: '/run/mysqld', uid: MYSQL_UID },
    // mariadbd looks here for dynamic plugins; none are needed, the folder keeps it quiet.
    { path: '/usr/lib/mysql/plugin' },
  ],
  texts: [
    { path: '/etc/passwd', content: `root:x:0:0:root:/root:/bin/sh\nmysql:x:${MYSQL_UID}:${MYSQL_UID}:MariaDB:/var/lib/mysql:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n` },
    { path: '/etc/group', content: `root:x:0:\nmysql:x:${MYSQL_UID}:\nnogroup:x:65534:\n` },
    { path: '/etc/hosts', content: '127.0.0.1 localhost\n::1 localhost\n' },
    { path: '/etc/mysql/my.cnf', content: MY_CNF },
    { path: '/usr/local/bin/docker-entrypoint.sh', content: ENTRYPOINT, mode: 0o755 },
  ],
  files: [
    ...BINARIES.map((from) => ({ from, keepLinks: true, libraries: true })),
    ...[...SCRIPTS, ...LINKS].map((from) => ({ from, keepLinks: true })),
    { from: SHARE, tree: true, keepLinks: true },
    // All of it: the entrypoint loads the time zone tables from it, as the official image does.
    { from: '/usr/share/zoneinfo', tree: true, keepLinks: true },
  ],
  changes: [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV LANG=C.UTF-8',
    'ENV TZ=UTC',
    'EXPOSE 3306',
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
  ],
};

export async function ensureMariadbImage(docker: Dockerode): Promise<string> {
  return ensureHostRootImage(docker, MARIADB_ROOT);
}
