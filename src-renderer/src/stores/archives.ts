import { listArchives, onJobsChanged, startImport } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { Unsubscribe } from '../../../src-main/shared/ipc-contract.js';
import type { ArchiveInfo } from '../../../src-main/shared/models/archive.js';
import type { JobKind } from '../../../src-main/shared/models/job.js';
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';

// Jobs whose success adds an archive (or a verification record) to the store folder.
const CHANGES_STORE: readonly JobKind[] = ['backup', 'import', 'verify'];

/** Which archives the list shows: one target, and created within [from, to] (dates, inclusive). */
export interface ArchiveFilter {
  target: string;
  /** YYYY-MM-DD, '' for no bound. */
  from: string;
  to: string;
}

/** True when the archive passes the filter; dates compare in the operator's time zone. */
export function matchesFilter(archive: ArchiveInfo, filter: ArchiveFilter): boolean {
  if (filter.target !== '' && archive.target !== filter.target) return false;
  const created = new Date(archive.createdAt);
  if (filter.from !== '' && created < new Date(`${filter.from}T00:00:00`)) return false;
  if (filter.to !== '' && created > new Date(`${filter.to}T23:59:59.999`)) return false;
  return true;
}

/** The archives in the store folder, newest first, with the list's filters. */
export const useArchivesStore = defineStore('archives', () => {
  const archives = ref<readonly ArchiveInfo[]>([]);
  const loading = ref(false);
  const error = ref<string>();
  const filter = reactive<ArchiveFilter>({ target: '', from: '', to: '' });
  const importError = ref<string>();

  const newestFirst = computed(() => [...archives.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  const filtered = computed(() => newestFirst.value.filter((a) => matchesFilter(a, filter)));
  const targetNames = computed(() => [...new Set(archives.value.map((a) => a.target))].sort());

  async function load(): Promise<void> {
    loading.value = true;
    try {
      archives.value = await listArchives();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  /** Reloads when a job that changes the store succeeds, so a new backup shows up by itself. */
  function followJobs(): Unsubscribe {
    return onJobsChanged((job) => {
      if (job.state === 'succeeded' && CHANGES_STORE.includes(job.kind)) void load();
    });
  }

  /** Starts importing a foreign archive; answers the job id, or undefined with importError set. */
  async function importArchive(path: string): Promise<string | undefined> {
    try {
      const { jobId } = await startImport(path.trim());
      importError.value = undefined;
      return jobId;
    } catch (e) {
      importError.value = errorMessage(e);
      return undefined;
    }
  }

  return { archives, loading, error, filter, importError, newestFirst, filtered, targetNames, load, followJobs, importArchive };
});
