import type { AppInfo } from '../shared/ipc-contract.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest } from './request-parsers.js';

export function createAppHandlers(info: AppInfo): InvokeHandlersFor<'app:info'> {
  return {
    'app:info': { parse: noRequest, run: async () => info },
  };
}
