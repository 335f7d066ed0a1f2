import type { PluginInfo } from '../shared/models/plugin.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest } from './request-parsers.js';

/** The part of the plugin registry these handlers need. */
export interface PluginLister {
  list(): readonly PluginInfo[];
}

export function createPluginsHandlers(registry: PluginLister): InvokeHandlersFor<'plugins:list'> {
  return {
    'plugins:list': { parse: noRequest, run: async () => registry.list() },
  };
}
