import { fileURLToPath } from 'node:url';
import { AppError } from '../shared/app-error.js';
import { defaultStoreDir, openStore, listArchives } from '../archive/index.js';
import { defaultConfigPath, loadConfig, type Config } from '../config/index.js';
import { defaultUserPluginsDir, discoverPlugins, type PluginRegistry } from '../plugin-host/index.js';
import { createTerminal, type Terminal } from './terminal.js';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/** What every command gets: the terminal, output mode, and lazily the config, store and plugins. */
export interface CliContext {
  readonly term: Terminal;
  readonly json: boolean;
  readonly configPath: string;
  config(): Promise<Config>;
  /** The store folder, created and cleaned of interrupted runs' leftovers. */
  store(): Promise<string>;
  registry(): Promise<PluginRegistry>;
  /** An archive given as a path, a file name in the store, or its stem. */
  resolveArchive(nameOrPath: string): Promise<string>;
}

/** Built-in plugins: `<lifeboat>/plugins`, next to `out/` and `src-main/`. */
export function builtinPluginsDir(): string {
  return process.env.LIFEBOAT_BUILTIN_PLUGINS_DIR || fileURLToPath(new URL('../../plugins', import.meta.url));
}

export function createCliContext(values: { json?: boolean; store?: string; config?: string }): CliContext {
  const configPath = values.config ?? defaultConfigPath();
  let config: Promise<Config> | undefined;
  let store: Promise<string> | undefined;
  let registry: Promise<PluginRegistry> | undefined;
  const ctx: CliContext = {
    term: createTerminal(),
    json: values.json === true,
    configPath,
    config: () => (config ??= loadConfig(configPath)),
    store: () =>
      (store ??= (async () => {
        const dir = values.store ?? (await ctx.config()).settings.store ?? defaultStoreDir();
        await openStore(dir);
        return dir;
      })()),
    registry: () => (registry ??= discoverPlugins({ builtinDir: builtinPluginsDir(), userDir: defaultUserPluginsDir() })),
    async resolveArchive(nameOrPath) {
      if (existsSync(nameOrPath)) return resolve(nameOrPath);
      const dir = await ctx.store();
      const all = await listArchives(dir);
      const hit = all.find((a) => a.fileName === nameOrPath || a.fileName.startsWith(nameOrPath + '.tar.gz'));
      if (hit) return hit.path;
      throw new AppError('not-found', `No archive "${basename(nameOrPath)}" here or in the store ${dir}. See \`lifeboat archives\`.`);
    },
  };
  return ctx;
}
