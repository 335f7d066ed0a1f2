import type { AppInfo } from '../shared/ipc-contract.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest } from './request-parsers.js';

/** What the app handlers do besides answering app:info. */
export interface AppActions {
  /** Opens the drop-in plugins folder in the file manager, or AppError naming it where there is none. */
  openPluginsFolder(): Promise<void>;
}

export function createAppHandlers(info: AppInfo, actions: AppActions): InvokeHandlersFor<'app:info' | 'app:openPluginsFolder'> {
  return {
    'app:info': { parse: noRequest, run: async () => info },
    'app:openPluginsFolder': { parse: noRequest, run: () => actions.openPluginsFolder() },
  };
}
