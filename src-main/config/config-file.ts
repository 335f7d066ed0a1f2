import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { AppError } from '../shared/app-error.js';
import type { TargetConfig } from '../shared/models/target.js';
import type { EncryptionSetting, Theme } from '../shared/models/settings.js';
import { writeFileAtomic } from '../archive/write-file-atomic.js';

export interface Settings {
  /** Where archives are written; default: see defaultStoreDir. */
  readonly store?: string;
  /** Jobs run at once (default 2). */
  readonly concurrency?: number;
  /** Days after which a target's last backup is shown as stale (default 7). */
  readonly warnAfterDays?: number;
  /** The window's theme (default system). */
  readonly theme?: Theme;
  /** How the window encrypts new archives (default: a passphrase). */
  readonly encryption?: EncryptionSetting;
  /**
   * Whether the desktop app writes the secrets typed in its window to disk, encrypted by the
   * system keyring (default true); false keeps them only until it quits. Set from Settings.
   */
  readonly storeSecrets?: boolean;
}

const SETTING_KEYS = 'store, concurrency, warnAfterDays, theme, encryption, storeSecrets';
const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

export interface Config {
  readonly targets: readonly TargetConfig[];
  readonly settings: Settings;
}

/** `LIFEBOAT_CONFIG`, else `$XDG_CONFIG_HOME/lifeboat/config.yaml`, else `~/.config/lifeboat/config.yaml`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIFEBOAT_CONFIG) return env.LIFEBOAT_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'lifeboat', 'config.yaml');
}

export const TARGET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function bad(path: string, key: string, problem: string): never {
  throw new AppError('config', `${path}: ${key} ${problem}. Fix it in the file, or run \`lifeboat targets\` to manage targets.`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a parsed config document; every error names the bad key. */
export function parseConfig(data: unknown, path: string): Config {
  if (data === null || data === undefined) return { targets: [], settings: {} };
  if (!isPlainObject(data)) bad(path, 'the top level', 'must be a mapping with `targets:` and `settings:`');
  for (const key of Object.keys(data)) {
    if (key !== 'targets' && key !== 'settings') bad(path, `"${key}"`, 'is not a known key (expected targets, settings)');
  }
  const targets: TargetConfig[] = [];
  const rawTargets = data.targets ?? {};
  if (!isPlainObject(rawTargets)) bad(path, 'targets', 'must be a mapping of target name to { plugin, options }');
  for (const [name, raw] of Object.entries(rawTargets)) {
    const where = `targets.${name}`;
    if (!TARGET_NAME_PATTERN.test(name)) bad(path, where, 'is not a valid name (letters, digits, . _ -; up to 64)');
    if (!isPlainObject(raw)) bad(path, where, 'must be a mapping with plugin and options');
    for (const key of Object.keys(raw)) {
      if (key !== 'plugin' && key !== 'options') bad(path, `${where}.${key}`, 'is not a known key (expected plugin, options)');
    }
    if (typeof raw.plugin !== 'string' || !raw.plugin) bad(path, `${where}.plugin`, 'must be a plugin id (see `lifeboat plugins`)');
    const options = raw.options ?? {};
    if (!isPlainObject(options)) bad(path, `${where}.options`, 'must be a mapping');
    targets.push({ name, plugin: raw.plugin, options });
  }
  const rawSettings = data.settings ?? {};
  if (!isPlainObject(rawSettings)) bad(path, 'settings', 'must be a mapping');
  const settings: { -readonly [K in keyof Settings]: Settings[K] } = {};
  for (const [key, value] of Object.entries(rawSettings)) {
    if (key === 'store') {
      if (typeof value !== 'string' || !value) bad(path, 'settings.store', 'must be a folder path');
      settings.store = value;
    } else if (key === 'concurrency') {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 16) bad(path, 'settings.concurrency', 'must be an integer from 1 to 16');
      settings.concurrency = value as number;
    } else if (key === 'warnAfterDays') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 3650) bad(path, 'settings.warnAfterDays', 'must be a number of days above 0 (up to 3650)');
      settings.warnAfterDays = value;
    } else if (key === 'theme') {
      if (!THEMES.includes(value as Theme)) bad(path, 'settings.theme', `must be one of ${THEMES.join(', ')}`);
      settings.theme = value as Theme;
    } else if (key === 'encryption') {
      settings.encryption = parseEncryptionSetting(value, path);
    } else if (key === 'storeSecrets') {
      if (typeof value !== 'boolean') bad(path, 'settings.storeSecrets', 'must be true or false');
      settings.storeSecrets = value;
    } else bad(path, `settings.${key}`, `is not a known setting (expected ${SETTING_KEYS})`);
  }
  return { targets, settings };
}

function parseEncryptionSetting(value: unknown, path: string): EncryptionSetting {
  if (!isPlainObject(value)) bad(path, 'settings.encryption', 'must be a mapping with kind: passphrase or kind: recipients');
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && key !== 'recipients') bad(path, `settings.encryption.${key}`, 'is not a known key (expected kind, recipients)');
  }
  if (value.kind === 'passphrase') {
    if (value.recipients !== undefined) bad(path, 'settings.encryption.recipients', 'is only for kind: recipients');
    return { kind: 'passphrase' };
  }
  if (value.kind !== 'recipients') bad(path, 'settings.encryption.kind', 'must be passphrase or recipients');
  const recipients = value.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0 || !recipients.every((r) => typeof r === 'string' && r !== '')) {
    bad(path, 'settings.encryption.recipients', 'must be a list of public key files (at least one)');
  }
  return { kind: 'recipients', recipients: [...(recipients as string[])] };
}

/** Reads the config file; a missing file is an empty config. */
export async function loadConfig(path = defaultConfigPath()): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { targets: [], settings: {} };
    throw new AppError('config', `Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new AppError('config', `${path} is not valid YAML: ${first.message.split('\n')[0]}. Fix the file and try again.`);
  }
  return parseConfig(doc.toJS(), path);
}

/** Writes the config (mode 0600: target options may hold host names and user names). */
export async function saveConfig(config: Config, path = defaultConfigPath()): Promise<void> {
  const targets: Record<string, unknown> = {};
  for (const t of config.targets) targets[t.name] = { plugin: t.plugin, options: t.options };
  const doc: Record<string, unknown> = { targets };
  if (Object.keys(config.settings).length > 0) doc.settings = config.settings;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, '# Lifeboat configuration. Edit by hand or with `lifeboat targets`.\n' + stringify(doc));
}

export function findTarget(config: Config, name: string): TargetConfig {
  const t = config.targets.find((x) => x.name === name);
  if (!t) {
    const known = config.targets.map((x) => x.name).join(', ') || 'none yet';
    throw new AppError('config', `No target named "${name}" (configured: ${known}). Add it with \`lifeboat targets add ${name} --plugin ID --opt key=value\`.`);
  }
  return t;
}
