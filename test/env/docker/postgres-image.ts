// The `postgres:15` test image, made without a registry: a busybox-static root plus this
// host's PostgreSQL 15 binaries (Debian's postgresql-15, installed when missing), every
// library `ldd` names for them, the C.UTF-8 locale and a postgres user. Its entrypoint
// initdb's on first start (trust auth: test networks only, jit off) and then runs postgres
// in the foreground. A `docker import` of that root: a few seconds, once per engine.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { pack, type Pack } from 'tar-stream';
import { ensureDebianPackages } from '../debian-packages.mjs';

export const POSTGRES_IMAGE = 'lifeboat-test/postgres:15';
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_LIB = '/usr/lib/postgresql/15/lib';
const PG_SHARE = '/usr/share/postgresql/15';
const BUSYBOX = '/usr/bin/busybox';
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

/** Changes an image of this tag must carry; a recipe label tells an older build apart. */
const CHANGES = [
  `ENV PATH=${PG_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  `ENV PGDATA=${PGDATA}`,
  'ENV LANG=C.UTF-8',
  'ENV TZ=UTC',
  'EXPOSE 5432',
  'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
];
const RECIPE = createHash('sha256').update(ENTRYPOINT).update(LOCALE).update(CHANGES.join('\n')).digest('hex').slice(0, 16);
const RECIPE_LABEL = 'lifeboat-test.recipe';

export async function ensurePostgresImage(docker: Dockerode): Promise<string> {
  const current = { filters: { reference: [POSTGRES_IMAGE], label: [`${RECIPE_LABEL}=${RECIPE}`] } };
  if ((await docker.listImages(current)).length > 0) return POSTGRES_IMAGE;
  ensureDebianPackages({ [`${PG_BIN}/postgres`]: 'postgresql-15', busybox: 'busybox-static', ldd: 'libc-bin' });
  const [repo, tag] = POSTGRES_IMAGE.split(':') as [string, string];
  const progress = await docker.importImage(postgresRoot(), { repo, tag, changes: [...CHANGES, `LABEL ${RECIPE_LABEL}=${RECIPE}`] });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  if ((await docker.listImages(current)).length === 0) {
    throw new Error(`docker import of ${POSTGRES_IMAGE} finished but the engine has no such image.`);
  }
  return POSTGRES_IMAGE;
}

/** Every file below `dir` (symlinks kept as links), skipping names in `skip`. */
function walk(dir: string, skip: (name: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, skip));
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
      // "libpq.so.5 => /lib/x86_64-linux-gnu/libpq.so.5 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
      const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
      if (path !== undefined) libs.add(path);
    }
  }
  return [...libs].sort();
}

function postgresRoot(): Readable {
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
  /** A host file at `path` in the image (or `as`), links followed, symlinks kept when `keepLinks`. */
  const copy = async (path: string, as = path, keepLinks = false): Promise<void> => {
    dir(dirname(as));
    const name = as.replace(/^\/+/, '');
    if (keepLinks && lstatSync(path).isSymbolicLink()) {
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
  text('/etc/passwd', `root:x:0:0:root:/root:/bin/sh\npostgres:x:${PG_UID}:${PG_UID}:PostgreSQL:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`);
  text('/etc/group', `root:x:0:\npostgres:x:${PG_UID}:\nnogroup:x:65534:\n`);
  text('/usr/local/bin/docker-entrypoint.sh', ENTRYPOINT, 0o755);
  text('/usr/bin/locale', LOCALE, 0o755);
  dir('/var/lib/postgresql', 0o755, PG_UID);
  dir(PGDATA, 0o700, PG_UID);
  dir('/var/run/postgresql', 0o2775, PG_UID);

  const bins = walk(PG_BIN);
  // JIT is off: llvmjit and its bitcode would bring 150 MB of LLVM for nothing.
  const modules = walk(PG_LIB, (n) => n.startsWith('llvmjit') || n === 'bitcode' || n === 'pgxs');
  for (const file of [...bins, ...modules]) await copy(file, file, true);
  for (const file of walk(PG_SHARE, (n) => n === 'man')) await copy(file);
  for (const lib of librariesOf([...bins, ...modules])) await copy(lib);
  for (const file of walk('/usr/lib/locale/C.utf8')) await copy(file);
  await copy('/usr/share/zoneinfo/Etc/UTC');
  await copy('/usr/share/zoneinfo/Etc/UTC', '/usr/share/zoneinfo/UTC');
}
