// Test images made without a registry from this host's own binaries: a busybox-static root
// plus the host files an image names, every library `ldd` names for its binaries, and its own
// folders, texts and links, then a `docker import` with the image's changes. A recipe label
// (a hash of the whole description) tells an image built from an older description apart, so
// an edited image is rebuilt once and otherwise found by tag. The Postgres, MariaDB and Juju
// machine images are such descriptions.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { pack, type Pack } from 'tar-stream';
import { ensureDebianPackages } from '../debian-packages.mjs';

/** A folder of the image, with its mode and owner (parents are made 0755 root). */
export interface RootDir {
  readonly path: string;
  /** Default 0o755. */
  readonly mode?: number;
  /** Default 0 (root). */
  readonly uid?: number;
  /** Default: the uid. */
  readonly gid?: number;
}

/** A file of the image written from text, owned by root. */
export interface RootText {
  readonly path: string;
  readonly content: string;
  /** Default 0o644. */
  readonly mode?: number;
}

/** A symbolic link of the image. */
export interface RootLink {
  readonly path: string;
  readonly target: string;
}

/** Host files the image carries, owned by root with their host mode bits (setuid included). */
export interface HostFiles {
  /** A host file, or with `tree` a host folder whose every file (at any depth) comes along. */
  readonly from: string;
  /** The single file's path in the image; default `from` (trees keep their host paths). */
  readonly to?: string;
  readonly tree?: boolean;
  /** Names a tree walk passes over at any depth; a trailing `*` matches names by prefix. */
  readonly skip?: readonly string[];
  /** Symlinks stay links; by default they are followed and the target's content is copied. */
  readonly keepLinks?: boolean;
  /** The libraries `ldd` names for these files come along too (at the paths it prints). */
  readonly libraries?: boolean;
  /** A host file that is missing is left out instead of failing the build. */
  readonly optional?: boolean;
}

/**
 * What one image is made of. Every root has bin, sbin, usr/bin, usr/sbin, usr/local/bin, etc,
 * root, var, proc, sys, dev, tmp (1777), /bin/busybox and a link per busybox applet wherever
 * the image puts nothing else. Where two parts name one path, the first listed here wins:
 * dirs, texts, links, files, then libraries.
 */
export interface HostRootImage {
  /** `repo:tag`, e.g. `lifeboat-test/postgres:15`. */
  readonly tag: string;
  /** Command or path on the host → Debian package providing it (busybox and ldd are added). */
  readonly packages: Readonly<Record<string, string>>;
  readonly dirs?: readonly RootDir[];
  readonly texts?: readonly RootText[];
  readonly links?: readonly RootLink[];
  readonly files: readonly HostFiles[];
  /** `docker import --change` lines (ENV, EXPOSE, ENTRYPOINT...; STOPSIGNAL is rejected). */
  readonly changes: readonly string[];
}

const BUSYBOX = '/usr/bin/busybox';
const BASE_DIRS = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'etc', 'root', 'var', 'proc', 'sys', 'dev'];
const RECIPE_LABEL = 'lifeboat-test.recipe';

/** Builds the image unless the engine has it from this very description; returns its tag. */
export async function ensureHostRootImage(docker: Dockerode, image: HostRootImage): Promise<string> {
  const recipe = createHash('sha256').update(JSON.stringify(image)).digest('hex').slice(0, 16);
  const current = { filters: { reference: [image.tag], label: [`${RECIPE_LABEL}=${recipe}`] } };
  if ((await docker.listImages(current)).length > 0) return image.tag;
  ensureDebianPackages({ ...image.packages, busybox: 'busybox-static', ldd: 'libc-bin' });
  const [repo, tag] = image.tag.split(':') as [string, string];
  const progress = await docker.importImage(hostRoot(image), { repo, tag, changes: [...image.changes, `LABEL ${RECIPE_LABEL}=${recipe}`] });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  if ((await docker.listImages(current)).length === 0) {
    throw new Error(`docker import of ${image.tag} finished but the engine has no such image.`);
  }
  return image.tag;
}

/** The image's root as a tar stream (host files are read as the stream is consumed). */
export function hostRoot(image: HostRootImage): Readable {
  const tar = pack();
  void fillRoot(tar, image).then(
    () => tar.finalize(),
    (e: unknown) => tar.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  return Readable.from(tar);
}

async function fillRoot(tar: Pack, image: HostRootImage): Promise<void> {
  const root = rootWriter(tar);
  for (const d of BASE_DIRS) root.dir({ path: d });
  root.dir({ path: 'tmp', mode: 0o1777 });
  for (const d of image.dirs ?? []) root.dir(d);
  for (const t of image.texts ?? []) root.text(t);
  for (const l of image.links ?? []) root.link(l);

  const needLibraries: string[] = [];
  for (const spec of image.files) {
    if (spec.optional === true && !existsSync(spec.from)) continue;
    const paths = spec.tree === true ? walk(spec.from, skipper(spec.skip ?? [])) : [spec.from];
    for (const path of paths) await root.copy(path, spec.tree === true ? path : (spec.to ?? path), spec.keepLinks === true);
    if (spec.libraries === true) needLibraries.push(...paths);
  }
  for (const lib of librariesOf(needLibraries)) await root.copy(lib, lib, false);

  await root.copy(BUSYBOX, '/bin/busybox', false);
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('/') && l !== 'bin/busybox');
  for (const path of applets) root.link({ path, target: '/bin/busybox' });
}

/** Writes entries once per path (the first wins), making missing parent folders 0755 root. */
function rootWriter(tar: Pack) {
  const made = new Set<string>();
  const taken = new Set<string>();
  const name = (path: string): string => path.replace(/^\/+/, '');
  /** False when the path already has an entry; otherwise claims it and makes its parents. */
  const claim = (path: string): boolean => {
    const n = name(path);
    if (taken.has(n)) return false;
    taken.add(n);
    dir({ path: dirname(n) });
    return true;
  };
  const dir = ({ path, mode = 0o755, uid = 0, gid = uid }: RootDir): void => {
    const n = name(path);
    if (n === '' || n === '.' || made.has(n)) return;
    dir({ path: dirname(n) });
    made.add(n);
    tar.entry({ name: n, type: 'directory', mode, uid, gid });
  };
  return {
    dir,
    text({ path, content, mode = 0o644 }: RootText): void {
      if (claim(path)) tar.entry({ name: name(path), mode, uid: 0, gid: 0 }, content);
    },
    link({ path, target }: RootLink): void {
      if (claim(path)) tar.entry({ name: name(path), type: 'symlink', linkname: target, uid: 0, gid: 0 });
    },
    /** The host file at `from` as `as`: a link when `keepLinks` and it is one, else its content. */
    async copy(from: string, as: string, keepLinks: boolean): Promise<void> {
      if (!claim(as)) return; // e.g. a library ldd names for several binaries
      if (keepLinks && lstatSync(from).isSymbolicLink()) {
        tar.entry({ name: name(as), type: 'symlink', linkname: readlinkSync(from), uid: 0, gid: 0 });
        return;
      }
      const real = realpathSync(from);
      const { size, mode } = statSync(real);
      await pipeline(createReadStream(real), tar.entry({ name: name(as), size, mode: mode & 0o7777, uid: 0, gid: 0 }));
    },
  };
}

function skipper(names: readonly string[]): (name: string) => boolean {
  return (n) => names.some((s) => (s.endsWith('*') ? n.startsWith(s.slice(0, -1)) : n === s));
}

/** Every file below `dir` (symlinks listed as files, not followed), skipping names in `skip`. */
function walk(dir: string, skip: (name: string) => boolean): string[] {
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
      continue; // not a dynamic executable (a script, busybox-static)
    }
    for (const line of out.split('\n')) {
      // "libpq.so.5 => /lib/x86_64-linux-gnu/libpq.so.5 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
      const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
      if (path !== undefined) libs.add(path);
    }
  }
  return [...libs].sort();
}
