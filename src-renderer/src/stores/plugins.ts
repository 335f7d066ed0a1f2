import { listPlugins } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** The plugins discovery found; disabled ones keep their reason so the UI can say why. */
export const usePluginsStore = defineStore('plugins', () => {
  const plugins = ref<readonly PluginInfo[]>([]);
  const loading = ref(false);
  const error = ref<string>();

  const enabled = computed(() => plugins.value.filter((p) => p.status === 'enabled'));
  const disabled = computed(() => plugins.value.filter((p) => p.status === 'disabled'));

  async function load(): Promise<void> {
    loading.value = true;
    try {
      plugins.value = await listPlugins();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  return { plugins, loading, error, enabled, disabled, load };
});
