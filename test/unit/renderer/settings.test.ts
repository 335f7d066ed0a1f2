import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import SettingsView from '../../../src-renderer/src/components/settings/SettingsView.vue';
import { useSettingsStore } from '../../../src-renderer/src/stores/settings.js';
import type { AppSettings } from '../../../src-main/shared/models/settings.js';
import { installFakeBridge } from './fake-bridge.js';

describe('settings', () => {
  it('applies the theme to <html data-theme> when loaded and when switched', async () => {
    let stored: AppSettings = { store: '/home/op/.local/share/lifeboat/archives', warnAfterDays: 7, concurrency: 2, theme: 'system', encryption: { kind: 'passphrase' } };
    const bridge = installFakeBridge({
      'settings:get': () => stored,
      'settings:set': (change) => (stored = { ...stored, ...change }),
    });
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
    const store = useSettingsStore(pinia);
    await store.load();
    const wrapper = mount(SettingsView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('system');
    expect(wrapper.text()).toContain('/home/op/.local/share/lifeboat/archives');
    await wrapper.get('input[type=radio][value=dark]').setValue(true);
    await flushPromises();
    expect(bridge.callsOf('settings:set')).toEqual([{ theme: 'dark' }]);
    expect(document.documentElement.dataset.theme).toBe('dark');
    await wrapper.get('input[type=radio][value=light]').setValue(true);
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('saves concurrency, the warning threshold and recipients’ keys as default encryption', async () => {
    let stored: AppSettings = { store: '/s', warnAfterDays: 7, concurrency: 2, theme: 'light', encryption: { kind: 'passphrase' } };
    const bridge = installFakeBridge({ 'settings:get': () => stored, 'settings:set': (change) => (stored = { ...stored, ...change }) });
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
    await useSettingsStore(pinia).load();
    const wrapper = mount(SettingsView, { global: { plugins: [pinia] } });
    await flushPromises();
    await wrapper.get('input[type=radio][value=recipients]').setValue(true);
    await wrapper.get('#recipients').setValue('/keys/ops.asc\n/keys/cto.asc\n');
    await wrapper.get('#concurrency').setValue('3');
    await wrapper.get('#warn-after').setValue('3');
    await wrapper.get('form.settings__form').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('settings:set')).toEqual([{ encryption: { kind: 'recipients', recipients: ['/keys/ops.asc', '/keys/cto.asc'] }, concurrency: 3, warnAfterDays: 3 }]);
    expect(wrapper.get('form.settings__form [role=status]').text()).toBe('Saved.');
  });
});
