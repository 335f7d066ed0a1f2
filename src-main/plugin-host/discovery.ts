/**
 * Finds plugins: the built-in ones shipped with Lifeboat, then drop-ins in the user's plugin
 * folder. Each is checked and loaded; one that fails is listed as disabled with the reason,
 * and discovery itself never throws.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../shared/app-error.js';
import type { PluginInfo } from '../shared/models/plugin.js';
import type { LifeboatPlugin } from './plugin-api.js';
import { checkManifest } from './manifest-check.js';
import type { PluginRegistry, RegistryEntry } from './registry.js';
import { createPluginRegistry } from './registry.js';

export interface DiscoverOptions {
  /** Folder of the built-in plugins (one sub-folder each). */
  readonly builtinDir: string;
  /** Folder of drop-in plugins; a missing folder is fine. */
  readonly userDir?: string;
  /** How long a plugin module may take to load. Default 10 s. */
  readonly loadTimeoutMs?: number;
}

/** Where drop-in plugins live: `LIFEBOAT_PLUGINS_DIR`, else `$XDG_DATA_HOME/lifeboat/plugins`, else `~/.local/share/lifeboat/plugins`. */
export function defaultUserPluginsDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.LIFEBOAT_PLUGINS_DIR) return env.LIFEBOAT_PLUGINS_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'lifeboat', 'plugins');
  return join(env.HOME || homedir(), '.local', 'share', 'lifeboat', 'plugins');
}

export async function discoverPlugins(options: DiscoverOptions): Promise<PluginRegistry> {
  const entries: RegistryEntry[] = [];
  // Ids named by a manifest, first come first served; a folder-name fallback claims nothing.
  const claimed = new Map<string, PluginInfo>();
  const sources: Array<[string, PluginInfo['source']]> = [[options.builtinDir, 'builtin']];
  if (options.userDir !== undefined) sources.push([options.userDir, 'user']);
  for (const [dir, source] of sources) {
    for (const folder of await pluginFolders(dir)) {
      try {
        const entry = await loadPlugin(folder, source, claimed, options.loadTimeoutMs ?? 10_000);
        entries.push(entry);
      } catch (e) {
        // loadPlugin catches what it expects; this is the last guard so discovery never throws.
        entries.push({ info: disabled(folder, source, {}, `could not be loaded: ${errorMessage(e)}`) });
      }
    }
  }
  return createPluginRegistry(entries);
}

/** Sub-folders of `dir`, sorted; none when it does not exist. Hidden folders and node_modules are skipped. */
async function pluginFolders(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const folders: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    // stat, not the dirent: a symlinked plugin folder counts.
    if ((await stat(path).catch(() => undefined))?.isDirectory()) folders.push(path);
  }
  return folders;
}

async function loadPlugin(
  folder: string,
  source: PluginInfo['source'],
  claimed: Map<string, PluginInfo>,
  loadTimeoutMs: number,
): Promise<RegistryEntry> {
  const entry = await checkAndLoad(folder, source, claimed, loadTimeoutMs);
  const id = entry.info.id;
  if (entry.claimsId && !claimed.has(id)) claimed.set(id, entry.info);
  return entry.entry;
}

async function checkAndLoad(
  folder: string,
  source: PluginInfo['source'],
  claimed: ReadonlyMap<string, PluginInfo>,
  loadTimeoutMs: number,
): Promise<{ entry: RegistryEntry; info: PluginInfo; claimsId: boolean }> {
  const result = (entry: RegistryEntry, claimsId: boolean) => ({ entry, info: entry.info, claimsId });
  const off = (fields: Parameters<typeof disabled>[2], reason: string) =>
    result({ info: disabled(folder, source, fields, reason) }, fields.id !== undefined);
  let text: string;
  try {
    text = await readFile(join(folder, 'package.json'), 'utf8');
  } catch {
    return off({}, 'the folder has no package.json');
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (e) {
    return off({}, `package.json is not valid JSON (${jsonErrorWhere(text, errorMessage(e))})`);
  }
  const check = await checkManifest(pkg, folder);
  if (!check.ok) return off(check.partial, check.reason);
  const { manifest, version, mainPath } = check;
  const fields = { id: manifest.id, displayName: manifest.displayName, apiVersion: manifest.apiVersion, version };

  // Checked before loading, so a duplicate's code never runs.
  const owner = claimed.get(manifest.id);
  if (owner) {
    const by = owner.source === 'builtin' ? 'the built-in plugin' : 'the plugin';
    return off(fields, `id "${manifest.id}" is already used by ${by} in ${owner.folder}`);
  }

  let mod: Record<string, unknown>;
  try {
    mod = await withTimeout(importModule(pathToFileURL(mainPath).href), loadTimeoutMs, `took longer than ${loadTimeoutMs / 1000} s to load`);
  } catch (e) {
    return off(fields, `loading ${manifest.main} failed: ${errorMessage(e)}`);
  }
  const plugin = pluginExport(mod);
  const missing = plugin ? (['probe', 'backup', 'restore'] as const).filter((m) => typeof plugin[m] !== 'function') : [];
  if (!plugin) return off(fields, `${manifest.main} does not export "plugin"`);
  if (missing.length > 0) {
    return off(fields, `its "plugin" export has no ${missing.join(', ')} function${missing.length > 1 ? 's' : ''}`);
  }
  if (plugin.verify !== undefined && typeof plugin.verify !== 'function') {
    return off(fields, 'its "verify" member is not a function');
  }
  const info: PluginInfo = { ...fields, folder, source, status: 'enabled', optionsSchema: manifest.options };
  return result({ info, manifest, plugin: plugin as unknown as LifeboatPlugin }, true);
}

/** Native dynamic import of a plugin's module (ESM, or CommonJS through Node's interop). */
function importModule(url: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>;
}

/** ESM named export, or CommonJS `exports.plugin` / `module.exports = { plugin }` (seen as `default.plugin`). */
function pluginExport(mod: Record<string, unknown>): Record<string, unknown> | undefined {
  const candidate = mod.plugin ?? (isObject(mod.default) ? mod.default.plugin : undefined);
  return isObject(candidate) ? candidate : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function disabled(
  folder: string,
  source: PluginInfo['source'],
  fields: Partial<Record<'id' | 'displayName' | 'apiVersion' | 'version', string>>,
  reason: string,
): PluginInfo {
  const name = folder.split(/[\\/]/).pop() ?? folder;
  return {
    id: fields.id || name,
    displayName: fields.displayName || name,
    version: fields.version ?? '0.0.0',
    apiVersion: fields.apiVersion ?? '',
    folder,
    source,
    status: 'disabled',
    reason,
  };
}

/** Node says "at position 192"; a person editing the file wants the line. */
function jsonErrorWhere(text: string, message: string): string {
  const match = / at position (\d+)/.exec(message);
  if (!match) return message;
  const line = text.slice(0, Number(match[1])).split('\n').length;
  return `${message.slice(0, match.index)} on line ${line}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
