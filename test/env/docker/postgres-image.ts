// The `postgres:15` test image, made without a registry: a busybox-static root plus this
// host's PostgreSQL 15 binaries (Debian's postgresql-15, installed when missing), every
// library `ldd` names for them, the C.UTF-8 locale and a postgres user. Its entrypoint
// initdb's on first start (trust auth: test networks only, jit off) and then runs postgres
// in the foreground. A `docker import` of that root: a few seconds, once per engine.
import type Dockerode from 'dockerode';
import { ensureHostRootImage, type HostRootImage } from './host-root-image.js';

export const POSTGRES_IMAGE = 'lifeboat-test/postgres:15';
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_LIB = '/usr/lib/postgresql/15/lib';
const PG_SHARE = '/usr/share/postgresql/15';
const PG_UID = 999;
const PGDATA = '/var/lib/postgresql/data';

/** Runs as root: prepares the data and socket folders, then starts again as postgres. */
const ENTRYPOINT = `#!/bin/sh
set -e
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  # '--' keeps su from taking options meant for postgres (-c name=value) as its own.
  exec su -s /bin/sh -c 'exec "$0" "$@"' -- postgres "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust
  printf "listen_addresses = '*'\\njit = off\\n" >> "$PGDATA/postgresql.conf"
  echo 'host all all all trust' >> "$PGDATA/pg_hba.conf"
fi
exec postgres -D "$PGDATA" "$@"
`;

/** initdb imports the system's collations from `locale -a`; these are the ones the image has. */
const LOCALE = `#!/bin/sh
[ "$1" = -a ] && printf 'C\\nC.utf8\\nPOSIX\\n'
`;

const POSTGRES_ROOT: HostRootImage = {
  tag: POSTGRES_IMAGE,
  packages: { [`${PG_BIN}/postgres`]: 'postgresql-15' },
  dirs: [
    { path: '/var/lib/postgresql', uid: PG_UID },
    { path: PGDATA, mode: 0o700, uid: PG_UID },
    { path: '/var/run/postgresql', mode: 0o2775, uid: PG_UID },
  ],
  texts: [
    { path: '/etc/passwd', content: `root:x:0:0:root:/root:/bin/sh\npostgres:x:${PG_UID}:${PG_UID}:PostgreSQL:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n` },
    { path: '/etc/group', content: `root:x:0:\npostgres:x:${PG_UID}:\nnogroup:x:65534:\n` },
    { path: '/usr/local/bin/docker-entrypoint.sh', content: ENTRYPOINT, mode: 0o755 },
    { path: '/usr/bin/locale', content: LOCALE, mode: 0o755 },
  ],
  files: [
    { from: PG_BIN, tree: true, keepLinks: true, libraries: true },
    // JIT is off: llvmjit and its bitcode would bring 150 MB of LLVM for nothing.
    { from: PG_LIB, tree: true, skip: ['llvmjit*', 'bitcode', 'pgxs'], keepLinks: true, libraries: true },
    { from: PG_SHARE, tree: true, skip: ['man'] },
    { from: '/usr/lib/locale/C.utf8', tree: true },
    { from: '/usr/share/zoneinfo/Etc/UTC' },
    { from: '/usr/share/zoneinfo/Etc/UTC', to: '/usr/share/zoneinfo/UTC' },
  ],
  changes: [
    `ENV PATH=${PG_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    `ENV PGDATA=${PGDATA}`,
    'ENV LANG=C.UTF-8',
    'ENV TZ=UTC',
    'EXPOSE 5432',
    'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
  ],
};

export async function ensurePostgresImage(docker: Dockerode): Promise<string> {
  return ensureHostRootImage(docker, POSTGRES_ROOT);
}
