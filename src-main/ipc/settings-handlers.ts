import type { AppSettings } from '../shared/models/settings.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest, objectRequest, optNum, optObj, optStr } from './request-parsers.js';

/** What the settings handlers need. */
export interface SettingsApi {
  get(): Promise<AppSettings>;
  set(change: Partial<AppSettings>): Promise<AppSettings>;
}

export function createSettingsHandlers(api: SettingsApi): InvokeHandlersFor<'settings:get' | 'settings:set'> {
  // Field types here; values (ranges, theme names, encryption's shape) are checked as config.yaml's are.
  const parseSet = objectRequest('settings:set', { store: optStr, warnAfterDays: optNum, concurrency: optNum, theme: optStr, encryption: optObj });
  return {
    'settings:get': { parse: noRequest, run: () => api.get() },
    'settings:set': { parse: (input) => parseSet(input) as Partial<AppSettings>, run: (r) => api.set(r) },
  };
}
