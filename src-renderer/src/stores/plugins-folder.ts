import { openPluginsFolder } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Opening the drop-in plugins folder; where Lifeboat cannot (`lifeboat serve`), main's message says which folder. */
export const usePluginsFolderStore = defineStore('plugins-folder', () => {
  const opening = ref(false);
  const error = ref<string>();

  async function open(): Promise<void> {
    opening.value = true;
    try {
      await openPluginsFolder();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      opening.value = false;
    }
  }

  return { opening, error, open };
});
