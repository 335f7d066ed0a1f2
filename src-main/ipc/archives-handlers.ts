import type { ArchiveInfo } from '../shared/models/archive.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { noRequest } from './request-parsers.js';

export interface ArchivesHandlersDeps {
  /** Folder the catalog lists. */
  readonly store: string;
  readonly listArchives: (store: string) => Promise<ArchiveInfo[]>;
}

export function createArchivesHandlers({ store, listArchives }: ArchivesHandlersDeps): InvokeHandlersFor<'archives:list'> {
  return {
    'archives:list': { parse: noRequest, run: () => listArchives(store) },
  };
}
