import { listArchives, onJobsChanged } from '../ipc/api.js';
import { errorMessage } from '@shared/app-error.js';
import type { Unsubscribe } from '@shared/ipc-contract.js';
import type { ArchiveInfo } from '@shared/models/archive.js';
import type { JobKind } from '@shared/models/job.js';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

// Jobs whose success adds an archive (or a verification record) to the store folder.
const CHANGES_STORE: readonly JobKind[] = ['backup', 'import', 'verify'];

/** The archives in the store folder, newest first. */
export const useArchivesStore = defineStore('archives', () => {
  const archives = ref<readonly ArchiveInfo[]>([]);
  const loading = ref(false);
  const error = ref<string>();

  const newestFirst = computed(() => [...archives.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));

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

  return { archives, loading, error, newestFirst, load, followJobs };
});
