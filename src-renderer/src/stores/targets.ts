import { listTargets, probeTarget, removeTarget, saveTarget, startBackup } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { TargetProbe, TargetSaveRequest, TargetView } from '../../../src-main/shared/models/target.js';
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** A probe's state for one target: running, answered, or failed with main's message. */
export interface ProbeState {
  readonly probing: boolean;
  readonly result?: TargetProbe;
  readonly error?: string;
}

/** The configured targets, their probes, and the calls that change them. */
export const useTargetsStore = defineStore('targets', () => {
  const targets = ref<readonly TargetView[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<string>();
  const probes = ref<Record<string, ProbeState>>({});
  /** Per target: the last "Back up now" failure, shown beside it. */
  const actionErrors = ref<Record<string, string>>({});

  async function load(): Promise<void> {
    loading.value = true;
    try {
      targets.value = await listTargets();
      error.value = undefined;
      loaded.value = true;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  async function probe(name: string): Promise<void> {
    probes.value[name] = { probing: true, result: probes.value[name]?.result };
    try {
      probes.value[name] = { probing: false, result: await probeTarget(name) };
    } catch (e) {
      probes.value[name] = { probing: false, error: errorMessage(e) };
    }
  }

  /** Probes every target, as when the view opens; each answers on its own. */
  function probeAll(): void {
    for (const target of targets.value) void probe(target.name);
  }

  /** Saves and reloads the list; throws main's error (the form shows it at its field). */
  async function save(request: TargetSaveRequest): Promise<TargetView> {
    const saved = await saveTarget(request);
    await load();
    return saved;
  }

  async function remove(name: string): Promise<void> {
    await removeTarget(name);
    await load();
  }

  /** Starts a backup; answers the job's id, or undefined when main refused (the reason is kept). */
  async function backUpNow(name: string): Promise<string | undefined> {
    try {
      const { jobId } = await startBackup(name);
      delete actionErrors.value[name];
      await load();
      return jobId;
    } catch (e) {
      actionErrors.value[name] = errorMessage(e);
      return undefined;
    }
  }

  return { targets, loading, loaded, error, probes, actionErrors, load, probe, probeAll, save, remove, backUpNow };
});
