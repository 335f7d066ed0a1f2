/**
 * The secrets the desktop app keeps: the archive passphrase and target options marked secret.
 * On disk they are one blob encrypted by the injected cipher (Electron's safeStorage), in a
 * 0600 file written atomically; with storing off they live in memory until Lifeboat quits and
 * the file is removed. No Electron here: tests give it a cipher of their own.
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../archive/write-file-atomic.js';
import { AppError, errorMessage } from '../shared/app-error.js';
import type { SecretBackend } from '../shared/models/secrets.js';
import { PLAIN_TEXT_BACKEND, type SecretCipher } from './secret-cipher.js';

const FORMAT = 'lifeboat-secrets';
const VERSION = 1;

/** Where the operator's choice to store (or not) is kept; undefined: never chosen. */
export interface StoringPreference {
  read(): Promise<boolean | undefined>;
  write(storing: boolean): Promise<void>;
}

export interface VaultState {
  readonly backend: SecretBackend;
  /** Secrets reach the disk: the backend can encrypt and the operator did not turn storing off. */
  readonly storing: boolean;
  readonly file: string;
  /** The keys held (stored or in memory); never the values. */
  readonly keys: readonly string[];
  /** Why the stored secrets cannot be read, when they cannot. */
  readonly problem?: string;
}

export interface SecretVault {
  state(): Promise<VaultState>;
  /** The value, or undefined; AppError when stored secrets exist but cannot be read. */
  get(key: string): Promise<string | undefined>;
  /** Sets (string) or removes (undefined) several keys in one write. */
  update(changes: Readonly<Record<string, string | undefined>>): Promise<void>;
  /** Storing off: removes the file and keeps every secret in memory; on: writes them, encrypted. */
  setStoring(storing: boolean): Promise<void>;
}

interface VaultFile {
  readonly format: typeof FORMAT;
  readonly version: number;
  /** The backend that encrypted `data`, to explain a failure to decrypt it later. */
  readonly backend: string;
  /** base64 of the cipher's output for the JSON of every key → value. */
  readonly data: string;
}

export interface SecretVaultOptions {
  readonly file: string;
  readonly cipher: SecretCipher;
  readonly preference: StoringPreference;
}

export function createSecretVault({ file, cipher, preference }: SecretVaultOptions): SecretVault {
  const memory = new Map<string, string>();
  // Whether `memory` holds what the file holds (or there is no file): only then may we write it.
  let loaded = false;
  let problem: AppError | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const backend = async (): Promise<SecretBackend> => {
    const name = cipher.backend();
    if (!(await cipher.available())) {
      return { kind: 'unavailable', detail: `The system keyring (${name}) cannot encrypt right now: it may be locked or missing.` };
    }
    return name === PLAIN_TEXT_BACKEND ? { kind: 'plain-text', name } : { kind: 'keyring', name };
  };

  const storing = async (b: SecretBackend): Promise<boolean> => b.kind !== 'unavailable' && (await preference.read()) !== false;

  /** Reads the file into memory once; a damaged file or one the backend cannot decrypt sets `problem`. */
  const load = async (): Promise<void> => {
    if (loaded) return;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        loaded = true;
        problem = undefined;
        return;
      }
      problem = new AppError('io', `Cannot read Lifeboat's secrets file ${file}: ${errorMessage(e)}.`, { cause: e });
      return;
    }
    if (!(await cipher.available())) {
      problem = new AppError(
        'secret-required',
        `The secrets stored in ${file} cannot be decrypted now: the system keyring (${cipher.backend()}) is locked or missing. Unlock it and try again, or type the secrets again in Settings.`,
      );
      return;
    }
    let stored: VaultFile;
    try {
      stored = parseVaultFile(text);
    } catch (e) {
      problem = new AppError(
        'config',
        `Lifeboat's secrets file ${file} is damaged (${errorMessage(e)}); the secrets in it cannot be read. Set the archive passphrase again in Settings (the damaged file is then kept as ${file}.damaged), and type the targets' secrets again.`,
      );
      return;
    }
    let values: Record<string, string>;
    try {
      values = parseValues(await cipher.decrypt(Buffer.from(stored.data, 'base64')));
    } catch (e) {
      const now = cipher.backend();
      const written = stored.backend === now ? '' : ` (they were encrypted with ${stored.backend}; Lifeboat now uses ${now})`;
      problem = new AppError(
        'secret-required',
        `The secrets stored in ${file} cannot be decrypted${written}: ${errorMessage(e)}. Set the archive passphrase again in Settings (the old file is then kept as ${file}.damaged), and type the targets' secrets again.`,
      );
      return;
    }
    memory.clear();
    for (const [k, v] of Object.entries(values)) memory.set(k, v);
    loaded = true;
    problem = undefined;
  };

  /** Writes memory to disk when storing (removing the file when empty), else makes sure no file is left. */
  const persist = async (): Promise<void> => {
    const b = await backend();
    if (!(await storing(b))) {
      await rm(file, { force: true });
      return;
    }
    if (memory.size === 0) {
      await rm(file, { force: true });
      return;
    }
    const data = await cipher.encrypt(JSON.stringify(Object.fromEntries(memory)));
    const content: VaultFile = { format: FORMAT, version: VERSION, backend: cipher.backend(), data: Buffer.from(data).toString('base64') };
    try {
      // The folder config.yaml lives in, which may not exist yet; private like config.yaml's.
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, JSON.stringify(content) + '\n');
    } catch (e) {
      throw new AppError('io', `Could not write Lifeboat's secrets file ${file}: ${errorMessage(e)}. The secrets are kept until Lifeboat quits.`, { cause: e });
    }
  };

  /** Before a write replaces a file we could not read, keep it aside: the keyring may come back. */
  const setAsideUnreadable = async (): Promise<void> => {
    if (loaded) return;
    await rename(file, `${file}.damaged`).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    });
    loaded = true;
    problem = undefined;
  };

  return {
    state: () =>
      serialized(async () => {
        await load();
        const b = await backend();
        return { backend: b, storing: await storing(b), file, keys: [...memory.keys()].sort(), ...(problem ? { problem: problem.message } : {}) };
      }),
    get: (key) =>
      serialized(async () => {
        await load();
        const value = memory.get(key);
        if (value === undefined && problem) throw problem;
        return value;
      }),
    update: (changes) =>
      serialized(async () => {
        await load();
        const b = await backend();
        if (await storing(b)) await setAsideUnreadable();
        for (const [k, v] of Object.entries(changes)) {
          if (v === undefined) memory.delete(k);
          else memory.set(k, v);
        }
        if (loaded) await persist();
      }),
    async setStoring(on) {
      const b = await backend();
      if (on && b.kind === 'unavailable') {
        throw new AppError('secret-required', `Secrets cannot be stored: ${b.detail} They are kept until Lifeboat quits.`);
      }
      // Written before taking our turn: the preference may live in config.yaml, whose own queue
      // can be waiting on this vault (a target being saved), so waiting on it here could deadlock.
      await preference.write(on);
      await serialized(async () => {
        await load();
        if (!on) {
          // What is on disk goes, readable or not: the operator asked for nothing on disk.
          await rm(file, { force: true });
          await rm(`${file}.partial`, { force: true });
          loaded = true;
          problem = undefined;
          return;
        }
        await setAsideUnreadable();
        await persist();
      });
    },
  };
}

function parseVaultFile(text: string): VaultFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('it is not JSON');
  }
  const f = data as Partial<VaultFile> | null;
  if (typeof f !== 'object' || f === null || f.format !== FORMAT) throw new Error(`it is not a ${FORMAT} file`);
  if (f.version !== VERSION) throw new Error(`it has version ${String(f.version)}; this Lifeboat reads version ${VERSION}`);
  if (typeof f.backend !== 'string' || typeof f.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(f.data)) throw new Error('its fields are missing or malformed');
  return f as VaultFile;
}

function parseValues(text: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('the decrypted content is not what Lifeboat wrote');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.values(data).every((v) => typeof v === 'string')) {
    throw new Error('the decrypted content is not what Lifeboat wrote');
  }
  return data as Record<string, string>;
}
