import type { AppInfo } from '../shared/ipc-contract.js';
import { createAppHandlers } from './app-handlers.js';
import { createArchivesHandlers, type ArchivesHandlersDeps } from './archives-handlers.js';
import type { InvokeHandlers } from './invoke-dispatcher.js';
import { createPluginsHandlers, type PluginLister } from './plugins-handlers.js';

export interface InvokeHandlersDeps {
  readonly app: AppInfo;
  readonly plugins: PluginLister;
  readonly listArchives: ArchivesHandlersDeps['listArchives'];
}

/** Every channel's handler, one domain file each; the type fails when a channel has none. */
export function createInvokeHandlers(deps: InvokeHandlersDeps): InvokeHandlers {
  return {
    ...createAppHandlers(deps.app),
    ...createPluginsHandlers(deps.plugins),
    ...createArchivesHandlers({ store: deps.app.store, listArchives: deps.listArchives }),
  };
}
