/**
 * The plugins discovery found, enabled or disabled, looked up by id.
 */
import { AppError } from '../shared/app-error.js';
import type { PluginInfo } from '../shared/models/plugin.js';
import type { LifeboatPlugin, PluginManifest } from './plugin-api.js';

/** A plugin ready to use. */
export interface LoadedPlugin {
  readonly info: PluginInfo;
  readonly manifest: PluginManifest;
  readonly plugin: LifeboatPlugin;
}

export interface PluginRegistry {
  /** Every plugin found, built-ins first, disabled ones with their reason. */
  list(): PluginInfo[];
  /** Throws AppError('plugin-disabled') with the reason, or AppError('not-found') listing the ids there are. */
  get(id: string): LoadedPlugin;
}

/** One discovery result: a loaded plugin, or the info of a disabled one. */
export type RegistryEntry = LoadedPlugin | { readonly info: PluginInfo };

export function createPluginRegistry(entries: readonly RegistryEntry[]): PluginRegistry {
  const all = [...entries];
  return {
    list: () => all.map((e) => e.info),
    get(id): LoadedPlugin {
      // At most one plugin per id is enabled (later ones are disabled as duplicates).
      const entry = all.find((e) => e.info.id === id && e.info.status === 'enabled') ?? all.find((e) => e.info.id === id);
      if (!entry) {
        const available = all.filter((e) => e.info.status === 'enabled').map((e) => e.info.id);
        throw new AppError(
          'not-found',
          `There is no plugin "${id}". ${available.length > 0 ? `Available: ${available.join(', ')}.` : 'No plugin is available.'}`,
        );
      }
      if (!isLoaded(entry) || entry.info.status !== 'enabled') {
        throw new AppError('plugin-disabled', `Plugin "${id}" is disabled: ${entry.info.reason ?? 'no reason given'}.`);
      }
      return entry;
    },
  };
}

function isLoaded(entry: RegistryEntry): entry is LoadedPlugin {
  return 'plugin' in entry && 'manifest' in entry;
}
