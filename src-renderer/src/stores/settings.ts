import { getSettings, setSettings } from '../ipc/api.js';
import type { AppSettings, Theme } from '../../../src-main/shared/models/settings.js';
import { defineStore } from 'pinia';
import { computed, watch } from 'vue';
import { remoteValue } from '../lib/remote-value.js';

/** Puts the theme on <html data-theme>; styles.css follows the system when it is `system`. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
}

/** The operator's settings; the theme applies as soon as it is known or changed. */
export const useSettingsStore = defineStore('settings', () => {
  const { value: settings, error, busy: saving, load, change } = remoteValue<AppSettings>();

  const theme = computed<Theme>(() => settings.value?.theme ?? 'system');
  watch(theme, (value) => applyTheme(value), { immediate: true });

  return {
    settings,
    error,
    saving,
    theme,
    load: () => load(getSettings),
    /** Saves only what changed; main answers all settings, which replace ours. */
    save: (changed: Partial<AppSettings>) => change(() => setSettings(changed)),
  };
});
