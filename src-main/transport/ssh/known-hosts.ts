/**
 * Host key checks against OpenSSH's known_hosts files (plain, hashed `|1|salt|hash` and
 * `[host]:port` entries, `@revoked` markers) and Lifeboat's own file, where keys the
 * operator accepted are remembered.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError, errorMessage } from '../../shared/app-error.js';
import { matchPatternList } from './host-pattern.js';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  readonly file: string;
  /** 1-based line number, for messages. */
  readonly line: number;
  readonly marker?: 'revoked' | 'cert-authority';
  /** The host field as written: a pattern list or one hashed name. */
  readonly hosts: string;
  readonly keyType: string;
  /** The public key blob (SSH wire format). */
  readonly key: Buffer;
}

/** What a host's offered key is, judged against the entries. */
export type HostKeyStatus =
  | { readonly kind: 'known'; readonly entry: KnownHostEntry }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'changed'; readonly known: KnownHostEntry }
  | { readonly kind: 'revoked'; readonly entry: KnownHostEntry };

/** `SHA256:...` exactly as `ssh-keygen -lf` prints it (base64 without padding). */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** The key type named inside a public key blob, e.g. `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

/** ED25519, RSA, ECDSA... as OpenSSH names the key kind in its messages. */
export function keyKindLabel(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ED25519';
  if (keyType.startsWith('ecdsa')) return 'ECDSA';
  if (keyType.includes('rsa')) return 'RSA';
  return keyType.toUpperCase();
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses a known_hosts file's text; malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined) return;
    const key = Buffer.from(base64, 'base64');
    if (key.length === 0) return;
    entries.push({ file, line: index + 1, hosts, keyType, key, ...(marker ? { marker } : {}) });
  });
  return entries;
}

/** True when the entry's host field names `host` on `port` (hashed or as patterns). */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostName(host, port);
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|');
    if (salt === undefined || hash === undefined) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return matchPatternList(entry.hosts.split(','), name);
}

/**
 * Judges `key` offered by `host:port`: revoked if any `@revoked` line has it; known if a
 * line for the host has it; changed if lines for the host exist but none has it (another
 * key of any type: never silently trust a host that used to show a different key);
 * unknown otherwise. Certificate authorities are not supported and ignored.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyStatus {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port));
  const same = forHost.find((e) => e.key.equals(key));
  if (same) return { kind: 'known', entry: same };
  const offeredType = keyTypeOf(key);
  const known = forHost.find((e) => e.keyType === offeredType) ?? forHost[0];
  return known ? { kind: 'changed', known } : { kind: 'unknown' };
}

/** Key types the entries hold for the host, so the connection can ask for those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** `$XDG_CONFIG_HOME/lifeboat/known_hosts` (default `~/.config/lifeboat/known_hosts`). */
export function defaultLifeboatKnownHosts(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'lifeboat', 'known_hosts');
}

/** The operator's `~/.ssh/known_hosts` and `known_hosts2`, as OpenSSH reads them. */
export function defaultOpenSshKnownHosts(): string[] {
  const dir = join(homedir(), '.ssh');
  return [join(dir, 'known_hosts'), join(dir, 'known_hosts2')];
}

/** Reads and parses every file that exists; missing files count as empty. */
export async function readKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new AppError('config', `The known hosts file ${file} could not be read: ${errorMessage(e)}. Check its permissions.`, { cause: e });
    }
    all.push(...parseKnownHosts(text, file));
  }
  return all;
}

/** Remembers an accepted key: appends `name type base64` to `file`, creating it (mode 600). */
export async function appendKnownHost(file: string, host: string, port: number, key: Buffer): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await appendFile(file, `${knownHostName(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
  } catch (e) {
    throw new AppError('io', `The accepted host key of ${host} could not be saved in ${file}: ${errorMessage(e)}.`, { cause: e });
  }
}
