import { getAppInfo } from '../ipc/api.js';
import type { AppInfo } from '../../../src-main/shared/ipc-contract.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Version and folders of the running app, loaded once. */
export const useAppInfoStore = defineStore('app-info', () => {
  const info = ref<AppInfo>();
  const error = ref<string>();

  async function load(): Promise<void> {
    try {
      info.value = await getAppInfo();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  return { info, error, load };
});
