import { AppError } from '../shared/app-error.js';
import type { ArchiveInfo } from '../shared/models/archive.js';
import type {
  ArchiveExtractRequest,
  ArchivePreview,
  ArchivePreviewRequest,
  ArchiveTree,
  ArchiveTreeRequest,
  ManifestHeader,
} from '../shared/models/archive-browser.js';
import type { JobStarted } from '../shared/models/job.js';
import type { RestorePlanView } from '../shared/ipc-contract.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest, objectRequest, optNum, optText, str, strList } from './request-parsers.js';

/** What the archive handlers need (the app service's archive browser and store). */
export interface ArchivesApi {
  list(): Promise<readonly ArchiveInfo[]>;
  manifest(path: string): Promise<ManifestHeader>;
  tree(request: ArchiveTreeRequest): Promise<ArchiveTree>;
  preview(request: ArchivePreviewRequest): Promise<ArchivePreview>;
  extract(request: ArchiveExtractRequest): Promise<JobStarted>;
  plan(request: { archivePath: string; target: string }): Promise<RestorePlanView>;
}

type ArchiveChannels = 'archives:list' | 'archives:manifest' | 'archives:tree' | 'archives:preview' | 'archives:extract' | 'archives:plan';

export function createArchivesHandlers(api: ArchivesApi): InvokeHandlersFor<ArchiveChannels> {
  return {
    'archives:list': { parse: noRequest, run: () => api.list() },
    'archives:manifest': { parse: objectRequest('archives:manifest', { path: str }), run: (r) => api.manifest(r.path) },
    'archives:tree': {
      parse: objectRequest('archives:tree', { path: str, dir: optText, search: optText, limit: optNum }),
      run: (r) => api.tree(r),
    },
    'archives:preview': {
      parse: objectRequest('archives:preview', { path: str, entry: str, maxBytes: optNum }),
      run: (r) => api.preview(r),
    },
    'archives:extract': {
      parse: objectRequest('archives:extract', { path: str, entries: strList, destination: str }),
      run: (r) => {
        if (r.entries.length === 0) return Promise.reject(usageNoEntries());
        return api.extract(r);
      },
    },
    'archives:plan': { parse: objectRequest('archives:plan', { archivePath: str, target: str }), run: (r) => api.plan(r) },
  };
}

function usageNoEntries(): Error {
  return new AppError('usage', 'archives:extract: "entries" is empty; choose at least one file or folder to extract.');
}