// The `mariadb:10.11` test image, made without a registry like the Postgres one: a
// busybox-static root plus this host's MariaDB 10.11 binaries (Debian's mariadb-server-core
// and mariadb-client: binaries only, no mariadb-server whose postinst starts a service),
// every library `ldd` names for them and a mysql user. Its entrypoint behaves like the
// official image's: on an empty /var/lib/mysql it runs mariadb-install-db, sets root's
// password from MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD through a temporary server on
// the unix socket only (no TCP) that also loads the time zone tables, stops that server, then runs mariadbd in the foreground
// (3306 and the socket). `docker stop` sends SIGTERM to mariadbd, which shuts down cleanly.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { pack, type Pack } from 'tar-stream';
import { ensureDebianPackages } from '../debian-packages.mjs';

export const MARIADB_IMAGE = 'lifeboat-test/mariadb:10.11';
const BUSYBOX = '/usr/bin/busybox';
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

/** Changes an image of this tag must carry; a recipe label tells an older build apart. */
const CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'ENV TZ=UTC',
  'EXPOSE 3306',
  'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
];
const RECIPE = createHash('sha256').update(ENTRYPOINT).update(MY_CNF).update(CHANGES.join('\n')).digest('hex').slice(0, 16);
const RECIPE_LABEL = 'lifeboat-test.recipe';

export async function ensureMariadbImage(docker: Dockerode): Promise<string> {
  const current = { filters: { reference: [MARIADB_IMAGE], label: [`${RECIPE_LABEL}=${RECIPE}`] } };
  if ((await docker.listImages(current)).length > 0) return MARIADB_IMAGE;
  // Here rather than in the global list: only the tests with MariaDB need them.
  ensureDebianPackages({ '/usr/sbin/mariadbd': 'mariadb-server-core', 'mariadb-dump': 'mariadb-client', '/usr/share/zoneinfo': 'tzdata', busybox: 'busybox-static', ldd: 'libc-bin' });
  const [repo, tag] = MARIADB_IMAGE.split(':') as [string, string];
  const progress = await docker.importImage(mariadbRoot(), { repo, tag, changes: [...CHANGES, `LABEL ${RECIPE_LABEL}=${RECIPE}`] });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  if ((await docker.listImages(current)).length === 0) {
    throw new Error(`docker import of ${MARIADB_IMAGE} finished but the engine has no such image.`);
  }
  return MARIADB_IMAGE;
}

/** Every file below `dir` (symlinks kept as links). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** Libraries the dynamic linker loads for these ELF files, at the paths `ldd` prints. */
function librariesOf(files: readonly string[]): string[] {
  const libs = new Set<string>();
  for (const file of files) {
    let out: string;
    try {
      out = execFileSync('ldd', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue; // not a dynamic executable
    }
    for (const line of out.split('\n')) {
      const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
      if (path !== undefined) libs.add(path);
    }
  }
  return [...libs].sort();
}

function mariadbRoot(): Readable {
  const tar = pack();
  void fillRoot(tar).then(
    () => tar.finalize(),
    (e: unknown) => tar.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  return Readable.from(tar);
}

async function fillRoot(tar: Pack): Promise<void> {
  const made = new Set<string>();
  const dir = (path: string, mode = 0o755, uid = 0): void => {
    const name = path.replace(/^\/+/, '');
    if (name === '' || made.has(name)) return;
    dir(dirname(name) === '.' ? '' : dirname(name));
    made.add(name);
    tar.entry({ name, type: 'directory', mode, uid, gid: uid });
  };
  const text = (path: string, content: string, mode = 0o644): void => {
    dir(dirname(path));
    tar.entry({ name: path.replace(/^\/+/, ''), mode }, content);
  };
  const copy = async (path: string, as = path): Promise<void> => {
    dir(dirname(as));
    const name = as.replace(/^\/+/, '');
    if (lstatSync(path).isSymbolicLink() && as === path && !path.startsWith('/lib') && !path.startsWith('/usr/lib')) {
      tar.entry({ name, type: 'symlink', linkname: readlinkSync(path) });
      return;
    }
    const real = realpathSync(path);
    const { size, mode } = statSync(real);
    await pipeline(createReadStream(real), tar.entry({ name, size, mode: mode & 0o7777 }));
  };

  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'etc', 'root', 'var', 'proc', 'sys', 'dev']) dir(d);
  dir('tmp', 0o1777);
  await copy(BUSYBOX, '/bin/busybox');
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('/') && l !== 'bin/busybox');
  for (const path of applets) {
    dir(dirname(path));
    tar.entry({ name: path, type: 'symlink', linkname: '/bin/busybox' });
  }
  text('/etc/passwd', `root:x:0:0:root:/root:/bin/sh\nmysql:x:${MYSQL_UID}:${MYSQL_UID}:MariaDB:/var/lib/mysql:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`);
  text('/etc/group', `root:x:0:\nmysql:x:${MYSQL_UID}:\nnogroup:x:65534:\n`);
  text('/etc/hosts', '127.0.0.1 localhost\n::1 localhost\n');
  text('/etc/mysql/my.cnf', MY_CNF);
  text('/usr/local/bin/docker-entrypoint.sh', ENTRYPOINT, 0o755);
  dir(DATADIR, 0o755, MYSQL_UID);
  dir('/run/mysqld', 0o755, MYSQL_UID);
  // mariadbd looks here for dynamic plugins; none are needed, the folder keeps it quiet.
  dir('/usr/lib/mysql/plugin');

  for (const file of [...BINARIES, ...SCRIPTS, ...LINKS]) await copy(file);
  for (const file of walk(SHARE)) await copy(file);
  for (const lib of librariesOf(BINARIES)) await copy(lib);
  // All of it: the entrypoint loads the time zone tables from it, as the official image does.
  for (const file of walk('/usr/share/zoneinfo')) await copy(file);
}
