/**
 * The catalog of a store folder: which archives exist, with their target, plugin, time,
 * size, encryption and last verification. Each archive has a small plaintext record
 * (`<stem>.lifeboat.json`, no secrets) beside it; an archive without one (copied in by hand)
 * is still listed from its file name and packet headers.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ArchiveInfo, EncryptionInfo, VerificationRecord } from '../shared/models/archive.js';
import { inspectEncryption } from '../crypto/inspect-encryption.js';
import {
  ENCRYPTED_SUFFIX,
  PARTIAL_SUFFIX,
  PLAIN_SUFFIX,
  archiveStem,
  indexPathFor,
  parseArchiveStem,
  recordPathFor,
} from './archive-names.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** What `<stem>.lifeboat.json` holds. */
export interface ArchiveRecord {
  readonly formatVersion: 1;
  readonly target: string;
  readonly plugin?: string;
  readonly createdAt: string;
  readonly encryption: EncryptionInfo;
  readonly origin?: string;
  readonly verifications: readonly VerificationRecord[];
}

/** `LIFEBOAT_STORE`, else `$XDG_DATA_HOME/lifeboat/archives`, else `~/.local/share/lifeboat/archives`. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIFEBOAT_STORE) return env.LIFEBOAT_STORE;
  const data = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(data, 'lifeboat', 'archives');
}

/** Creates the store (mode 0700) if needed and removes what interrupted runs left behind. */
export async function openStore(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await cleanupStore(dir);
}

export function isArchiveFileName(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith(ENCRYPTED_SUFFIX) || name.endsWith(PLAIN_SUFFIX));
}

/** Lock file that marks a stem as being written by a live process. */
export function lockPathFor(archivePath: string): string {
  return archiveStem(archivePath) + '.lock';
}

/** Claims an archive path for this process, so other processes' cleanup leaves its `.partial` alone. */
export async function claimArchivePath(archivePath: string): Promise<() => Promise<void>> {
  const lock = lockPathFor(archivePath);
  // Written under a name no cleanup takes for a dead run's (`.partial` would be: a backup
  // starting beside this one could remove it between the write and the rename), then renamed.
  const temp = join(dirname(lock), `.${basename(lock)}.${process.pid}.${randomBytes(4).toString('hex')}${LOCK_TEMP_SUFFIX}`);
  await writeFile(temp, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { mode: 0o600 });
  await rename(temp, lock);
  return () => rm(lock, { force: true });
}

const LOCK_TEMP_SUFFIX = '.lock-tmp';

/** A lock's temporary file whose process is gone (`.<lock>.<pid>.<hex>.lock-tmp`). */
function deadLockTemp(name: string): boolean {
  const m = /\.(\d+)\.[0-9a-f]+\.lock-tmp$/.exec(name);
  return name.startsWith('.') && m !== null && !isAlive(Number(m[1]));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lockIsLive(lock: string): Promise<boolean> {
  try {
    const { pid } = JSON.parse(await readFile(lock, 'utf8')) as { pid: number };
    return typeof pid === 'number' && isAlive(pid);
  } catch {
    return false;
  }
}

/** The stem a store file belongs to, whatever sidecar or partial it is. */
function stemOf(name: string): string {
  let n = name.endsWith(PARTIAL_SUFFIX) ? name.slice(0, -PARTIAL_SUFFIX.length) : name;
  for (const suffix of [ENCRYPTED_SUFFIX, PLAIN_SUFFIX, '.index.gpg', '.index.json', '.lifeboat.json', '.lock']) {
    if (n.endsWith(suffix)) {
      n = n.slice(0, -suffix.length);
      break;
    }
  }
  return n;
}

/**
 * Removes `.partial` files of runs that died (their lock's process is gone), stale locks,
 * unfinished imports, and sidecars whose archive does not exist. Returns the names removed.
 */
export async function cleanupStore(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const present = new Set(names);
  const removed: string[] = [];
  const liveStems = new Set<string>();
  for (const name of names.filter((n) => n.endsWith('.lock'))) {
    if (await lockIsLive(join(dir, name))) liveStems.add(stemOf(name));
  }
  for (const name of names) {
    const stem = stemOf(name);
    if (liveStems.has(stem)) continue;
    const orphanSidecar =
      (name.endsWith('.index.gpg') || name.endsWith('.index.json') || name.endsWith('.lifeboat.json')) &&
      !present.has(stem + ENCRYPTED_SUFFIX) &&
      !present.has(stem + PLAIN_SUFFIX);
    const deadImport = name.startsWith('.importing-');
    if (name.endsWith(LOCK_TEMP_SUFFIX)) {
      if (deadLockTemp(name)) {
        await rm(join(dir, name), { force: true });
        removed.push(name);
      }
      continue;
    }
    if (name.endsWith(PARTIAL_SUFFIX) || name.endsWith('.lock') || orphanSidecar || deadImport) {
      await rm(join(dir, name), { force: true, recursive: true });
      removed.push(name);
    }
  }
  return removed;
}

export async function readRecord(archivePath: string): Promise<ArchiveRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPathFor(archivePath), 'utf8')) as ArchiveRecord;
  } catch {
    return undefined;
  }
}

export async function writeRecord(archivePath: string, record: ArchiveRecord): Promise<void> {
  await writeFileAtomic(recordPathFor(archivePath), JSON.stringify(record, null, 2) + '\n');
}

/** Appends a verification result to the archive's record (creating the record if needed). */
export async function recordVerification(archivePath: string, verification: VerificationRecord): Promise<void> {
  const base: ArchiveRecord = (await readRecord(archivePath)) ?? (await newRecord(archivePath));
  await writeRecord(archivePath, { ...base, verifications: [...base.verifications, verification].slice(-20) });
}

/** A record for an archive that has none (copied into the store by hand), from what the file shows. */
async function newRecord(archivePath: string): Promise<ArchiveRecord> {
  const info = await describeArchive(archivePath);
  return { formatVersion: 1, target: info.target, createdAt: info.createdAt, encryption: info.encryption, verifications: [] };
}

/** One archive as the catalog shows it. */
export async function describeArchive(archivePath: string): Promise<ArchiveInfo> {
  const st = await stat(archivePath);
  const record = await readRecord(archivePath);
  const fileName = basename(archivePath);
  const parsed = parseArchiveStem(basename(archiveStem(archivePath)));
  const hasIndex = await stat(indexPathFor(archivePath)).then(
    () => true,
    () => false,
  );
  const last = record?.verifications.at(-1);
  return {
    path: archivePath,
    fileName,
    target: record?.target ?? parsed?.target ?? basename(archiveStem(archivePath)),
    ...(record?.plugin ? { plugin: record.plugin } : {}),
    createdAt: record?.createdAt ?? (parsed?.date ?? st.mtime).toISOString(),
    size: st.size,
    encryption: record?.encryption ?? (await inspectEncryption(archivePath)),
    hasIndex,
    ...(last ? { lastVerification: last } : {}),
    ...(record?.origin ? { origin: record.origin } : {}),
  };
}

/** Every complete archive in the store, newest first. `.partial` files are never listed. */
export async function listArchives(dir: string): Promise<ArchiveInfo[]> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const infos = await Promise.all(names.filter(isArchiveFileName).map((n) => describeArchive(join(dir, n))));
  return infos.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.fileName.localeCompare(b.fileName));
}
