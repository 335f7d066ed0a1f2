import { getSettings, setSettings } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { AppSettings, Theme } from '../../../src-main/shared/models/settings.js';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';

/** Puts the theme on <html data-theme>; styles.css follows the system when it is `system`. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
}

/** The operator's settings; the theme applies as soon as it is known or changed. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<AppSettings>();
  const error = ref<string>();
  const saving = ref(false);

  const theme = computed<Theme>(() => settings.value?.theme ?? 'system');
  watch(theme, (value) => applyTheme(value), { immediate: true });

  async function load(): Promise<void> {
    try {
      settings.value = await getSettings();
      error.value = undefined;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Saves only what changed; main answers all settings, which replace ours. */
  async function save(change: Partial<AppSettings>): Promise<boolean> {
    saving.value = true;
    try {
      settings.value = await setSettings(change);
      error.value = undefined;
      return true;
    } catch (e) {
      error.value = errorMessage(e);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { settings, error, saving, theme, load, save };
});
