import { readManifest, readPreview, readTree, restorePlan, startExtract, startRestore, startVerify } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { RestorePlanView } from '../../../src-main/shared/ipc-contract.js';
import type { ArchivePreview, ArchiveTree, ManifestHeader } from '../../../src-main/shared/models/archive-browser.js';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** One folder's listing as loaded (lazily, when the folder is opened). */
export interface FolderState {
  readonly loading: boolean;
  readonly tree?: ArchiveTree;
  readonly error?: string;
}

/** The archive browser's job-starting actions, each with its own form. */
export type BrowserAction = 'extract' | 'verify' | 'restore';

/** How the last action went: started, or main's refusal. */
export interface ActionNotice {
  readonly action: BrowserAction;
  readonly ok: boolean;
  readonly text: string;
}

/** The archive open in the browser: manifest, file tree by folder, search, preview, selection, actions. */
export const useArchiveBrowserStore = defineStore('archive-browser', () => {
  const path = ref<string>();
  const manifest = ref<ManifestHeader>();
  const manifestError = ref<string>();
  const folders = ref<Record<string, FolderState>>({});
  const expanded = ref<Record<string, true>>({});
  const search = ref('');
  const searchResult = ref<FolderState>();
  const selected = ref<Record<string, true>>({});
  const preview = ref<{ readonly entry: string; readonly loading: boolean; readonly value?: ArchivePreview; readonly error?: string }>();
  const plan = ref<{ readonly target: string; readonly loading: boolean; readonly value?: RestorePlanView; readonly error?: string }>();
  /** The last action's outcome, e.g. "Extract started." or main's refusal, shown at that action's form. */
  const notice = ref<ActionNotice>();

  const selectedPaths = computed(() => Object.keys(selected.value).sort());
  // Each search supersedes the previous; a late answer to an old one is dropped.
  let searchSeq = 0;

  async function open(archivePath: string): Promise<void> {
    path.value = archivePath;
    manifest.value = undefined;
    manifestError.value = undefined;
    folders.value = {};
    expanded.value = {};
    search.value = '';
    searchResult.value = undefined;
    selected.value = {};
    preview.value = undefined;
    plan.value = undefined;
    notice.value = undefined;
    await Promise.all([
      readManifest(archivePath).then(
        (m) => (manifest.value = m),
        (e: unknown) => (manifestError.value = errorMessage(e)),
      ),
      loadFolder(''),
    ]);
  }

  function close(): void {
    path.value = undefined;
  }

  async function loadFolder(dir: string): Promise<void> {
    const archivePath = path.value;
    if (archivePath === undefined) return;
    folders.value[dir] = { loading: true };
    try {
      folders.value[dir] = { loading: false, tree: await readTree({ path: archivePath, dir }) };
    } catch (e) {
      folders.value[dir] = { loading: false, error: errorMessage(e) };
    }
  }

  /** Opens or closes a folder; its children are read the first time it opens. */
  async function toggle(dir: string): Promise<void> {
    if (expanded.value[dir]) {
      delete expanded.value[dir];
      return;
    }
    expanded.value[dir] = true;
    if (!folders.value[dir]?.tree) await loadFolder(dir);
  }

  async function runSearch(query: string): Promise<void> {
    search.value = query;
    const archivePath = path.value;
    const seq = ++searchSeq;
    if (query.trim() === '' || archivePath === undefined) {
      searchResult.value = undefined;
      return;
    }
    searchResult.value = { loading: true };
    try {
      const tree = await readTree({ path: archivePath, search: query.trim(), limit: 500 });
      if (seq === searchSeq) searchResult.value = { loading: false, tree };
    } catch (e) {
      if (seq === searchSeq) searchResult.value = { loading: false, error: errorMessage(e) };
    }
  }

  function toggleSelected(entry: string): void {
    if (selected.value[entry]) delete selected.value[entry];
    else selected.value[entry] = true;
  }

  async function showPreview(entry: string): Promise<void> {
    const archivePath = path.value;
    if (archivePath === undefined) return;
    preview.value = { entry, loading: true };
    try {
      const value = await readPreview({ path: archivePath, entry });
      if (preview.value?.entry === entry) preview.value = { entry, loading: false, value };
    } catch (e) {
      if (preview.value?.entry === entry) preview.value = { entry, loading: false, error: errorMessage(e) };
    }
  }

  /** Runs a job-starting call and says how it went; answers the job id when it started. */
  async function start(action: BrowserAction, what: string, call: () => Promise<{ jobId: string }>): Promise<string | undefined> {
    try {
      const { jobId } = await call();
      notice.value = { action, ok: true, text: `${what} started: follow it in Jobs.` };
      return jobId;
    } catch (e) {
      notice.value = { action, ok: false, text: errorMessage(e) };
      return undefined;
    }
  }

  const extract = (destination: string): Promise<string | undefined> =>
    start('extract', 'Extract', () => startExtract({ path: path.value ?? '', entries: selectedPaths.value, destination: destination.trim() }));
  const verify = (deep: boolean): Promise<string | undefined> => start('verify', deep ? 'Deep verification' : 'Verification', () => startVerify(path.value ?? '', deep));
  const restore = (target: string, confirmTargetName: string): Promise<string | undefined> =>
    start('restore', 'Restore', () => startRestore(path.value ?? '', target, confirmTargetName));

  async function loadPlan(target: string): Promise<void> {
    const archivePath = path.value;
    if (archivePath === undefined || target === '') {
      plan.value = undefined;
      return;
    }
    plan.value = { target, loading: true };
    try {
      const value = await restorePlan(archivePath, target);
      if (plan.value?.target === target) plan.value = { target, loading: false, value };
    } catch (e) {
      if (plan.value?.target === target) plan.value = { target, loading: false, error: errorMessage(e) };
    }
  }

  return {
    path, manifest, manifestError, folders, expanded, search, searchResult, selected, selectedPaths, preview, plan, notice,
    open, close, loadFolder, toggle, runSearch, toggleSelected, showPreview, extract, verify, restore, loadPlan,
  };
});
