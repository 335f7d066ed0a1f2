import type { TargetProbe, TargetSaveRequest, TargetView } from '../shared/models/target.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest, obj, objectRequest, optStr, str } from './request-parsers.js';

/** What the target handlers need (the app service's targets part). */
export interface TargetsApi {
  list(): Promise<readonly TargetView[]>;
  save(request: TargetSaveRequest): Promise<TargetView>;
  remove(name: string): Promise<void>;
  probe(name: string): Promise<TargetProbe>;
}

export function createTargetsHandlers(api: TargetsApi): InvokeHandlersFor<'targets:list' | 'targets:save' | 'targets:remove' | 'targets:probe'> {
  return {
    'targets:list': { parse: noRequest, run: () => api.list() },
    'targets:save': {
      parse: objectRequest('targets:save', { name: str, plugin: str, options: obj, previousName: optStr }),
      run: (r) => api.save(r),
    },
    'targets:remove': { parse: objectRequest('targets:remove', { name: str }), run: (r) => api.remove(r.name) },
    'targets:probe': { parse: objectRequest('targets:probe', { name: str }), run: (r) => api.probe(r.name) },
  };
}
