/** Settings the window edits, kept in config.yaml under `settings:` with the file's own checks. */
import { AppError } from '../shared/app-error.js';
import type { AppSettings } from '../shared/models/settings.js';
import { parseConfig, type Config, type Settings } from '../config/index.js';
import { openStore } from '../archive/index.js';
import type { ServiceContext } from './service-context.js';

export interface SettingsService {
  get(): Promise<AppSettings>;
  set(change: Partial<AppSettings>): Promise<AppSettings>;
}

const KEYS: readonly (keyof AppSettings)[] = ['store', 'warnAfterDays', 'concurrency', 'theme', 'encryption'];

export function createSettingsService(ctx: ServiceContext): SettingsService {
  return {
    get: () => ctx.settings(),
    async set(change) {
      for (const key of Object.keys(change)) {
        if (!KEYS.includes(key as keyof AppSettings)) throw new AppError('usage', `"${key}" is not a setting (expected ${KEYS.join(', ')}).`);
      }
      await ctx.updateConfig(async (config) => {
        const settings: Settings = { ...config.settings, ...change };
        // The same checks as reading the file, so the window cannot write what the file would refuse.
        const checked = checkSettings(config, settings);
        if (change.store !== undefined) await openStore(change.store);
        return checked;
      });
      return ctx.settings();
    },
  };
}

function checkSettings(config: Config, settings: Settings): Config {
  try {
    return { ...config, settings: parseConfig({ settings }, 'settings').settings };
  } catch (e) {
    if (e instanceof AppError) throw new AppError('usage', e.message.replace(/ Fix it in the file.*$/, ' Nothing was saved.'));
    throw e;
  }
}
