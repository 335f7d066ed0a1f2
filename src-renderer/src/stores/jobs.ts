import { cancelJob, listJobs, onJobsChanged, readJobLog } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { Unsubscribe } from '../../../src-main/shared/ipc-contract.js';
import { isFinished, type JobSnapshot, type JobState } from '../../../src-main/shared/models/job.js';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** At most this many renders a second however fast jobs report (main throttles too). */
const RENDER_INTERVAL_MS = 100;

/** Jobs, live from `jobs:changed`: queued and running ones first, then the finished. */
export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<Record<string, JobSnapshot>>({});
  const error = ref<string>();
  /** Jobs the operator asked to cancel: shown as canceling until main says they ended. */
  const cancelRequested = ref<Record<string, true>>({});
  const cancelErrors = ref<Record<string, string>>({});
  const logs = ref<Record<string, { readonly lines?: readonly string[]; readonly error?: string }>>({});

  // Updates wait here and are applied together, so a chatty job cannot flood the renderer.
  const pending = new Map<string, JobSnapshot>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    flushTimer = undefined;
    for (const [id, job] of pending) jobs.value[id] = job;
    pending.clear();
  }

  function receive(job: JobSnapshot): void {
    pending.set(job.id, job);
    // A job that ended is shown at once: the operator is waiting for that.
    if (isFinished(job.state)) {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flush();
      return;
    }
    flushTimer ??= setTimeout(flush, RENDER_INTERVAL_MS);
  }

  const all = computed(() => Object.values(jobs.value).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt)));
  const active = computed(() => all.value.filter((j) => !isFinished(j.state)));
  /** Newest first: the one just finished is the one looked for. */
  const finished = computed(() => all.value.filter((j) => isFinished(j.state)).reverse());

  /** The state to show: `canceling` as soon as the operator asked, until the job ends. */
  function shownState(job: JobSnapshot): JobState {
    return !isFinished(job.state) && cancelRequested.value[job.id] ? 'canceling' : job.state;
  }

  async function load(): Promise<void> {
    try {
      const listed = await listJobs();
      for (const job of listed) if (!pending.has(job.id)) jobs.value[job.id] = job;
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function follow(): Unsubscribe {
    const stop = onJobsChanged(receive);
    return () => {
      stop();
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flush();
    };
  }

  async function cancel(jobId: string): Promise<void> {
    cancelRequested.value[jobId] = true;
    try {
      await cancelJob(jobId);
      delete cancelErrors.value[jobId];
    } catch (e) {
      delete cancelRequested.value[jobId];
      cancelErrors.value[jobId] = errorMessage(e);
    }
  }

  async function loadLog(jobId: string): Promise<void> {
    try {
      logs.value[jobId] = { lines: await readJobLog(jobId) };
    } catch (e) {
      logs.value[jobId] = { error: errorMessage(e) };
    }
  }

  return { jobs, error, cancelRequested, cancelErrors, logs, all, active, finished, shownState, load, follow, receive, cancel, loadLog };
});
