import type { AppInfo } from '../shared/ipc-contract.js';
import { createAppHandlers, type AppActions } from './app-handlers.js';
import { createArchivesHandlers, type ArchivesApi } from './archives-handlers.js';
import type { InvokeHandlers } from './invoke-dispatcher.js';
import { createJobsHandlers, type JobsApi } from './jobs-handlers.js';
import { createPluginsHandlers, type PluginLister } from './plugins-handlers.js';
import { createSecretsHandlers, type SecretsApi } from './secrets-handlers.js';
import { createSettingsHandlers, type SettingsApi } from './settings-handlers.js';
import { createTargetsHandlers, type TargetsApi } from './targets-handlers.js';

export interface InvokeHandlersDeps {
  readonly app: AppInfo;
  readonly appActions: AppActions;
  readonly plugins: PluginLister;
  readonly archives: ArchivesApi;
  readonly targets: TargetsApi;
  readonly jobs: JobsApi;
  readonly settings: SettingsApi;
  readonly secrets: SecretsApi;
}

/** Every channel's handler, one domain file each; the type fails when a channel has none. */
export function createInvokeHandlers(deps: InvokeHandlersDeps): InvokeHandlers {
  return {
    ...createAppHandlers(deps.app, deps.appActions),
    ...createPluginsHandlers(deps.plugins),
    ...createArchivesHandlers(deps.archives),
    ...createTargetsHandlers(deps.targets),
    ...createJobsHandlers(deps.jobs),
    ...createSettingsHandlers(deps.settings),
    ...createSecretsHandlers(deps.secrets),
  };
}
