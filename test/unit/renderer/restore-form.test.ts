import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import RestoreForm from '../../../src-renderer/src/components/archives/RestoreForm.vue';
import { useArchiveBrowserStore } from '../../../src-renderer/src/stores/archive-browser.js';
import { useTargetsStore } from '../../../src-renderer/src/stores/targets.js';
import type { TargetView } from '../../../src-main/shared/models/target.js';
import { installFakeBridge } from './fake-bridge.js';
import { ARCHIVE, manifest } from './fixtures.js';

const laptop: TargetView = { name: 'laptop', plugin: 'juju-client', pluginStatus: 'enabled', options: {}, stale: false, busy: false };

describe('restore', () => {
  it('shows the plan, and enables the button only once the target’s name is typed exactly', async () => {
    const bridge = installFakeBridge({
      'archives:plan': () => ({
        made: { plugin: { id: 'juju-client', version: '1.0.0' }, target: 'laptop', startedAt: manifest.startedAt },
        steps: ['Move ~/.local/share/juju aside to ~/.local/share/juju.lifeboat-20261122-040000', 'Unpack the archive there'],
        warnings: ['The folder has changed since the backup.'],
        note: 'Made from the manifest only; the restore verifies the archive first.',
      }),
      'jobs:restore': () => ({ jobId: 'r1' }),
    });
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
    useTargetsStore(pinia).targets = [laptop];
    const browser = useArchiveBrowserStore(pinia);
    browser.path = ARCHIVE;
    browser.manifest = manifest;
    const wrapper = mount(RestoreForm, { global: { plugins: [pinia] } });
    await flushPromises();
    // The archive's own target is offered first, and its plan asked for.
    expect((wrapper.get('#restore-target').element as HTMLSelectElement).value).toBe('laptop');
    expect(bridge.callsOf('archives:plan')).toEqual([{ archivePath: ARCHIVE, target: 'laptop' }]);
    expect(wrapper.get('ol').text()).toContain('Unpack the archive there');
    expect(wrapper.text()).toContain('The folder has changed since the backup.');
    const restore = () => wrapper.get('button[type=submit]');
    expect(restore().text()).toBe('Restore onto laptop');
    expect(restore().attributes('disabled')).toBeDefined();
    await wrapper.get('#restore-confirm').setValue('lapto');
    expect(restore().attributes('disabled')).toBeDefined();
    // A name still being typed is not called wrong; a different one is, at the field.
    expect(wrapper.get('#restore-confirm').attributes('aria-invalid')).toBeUndefined();
    await wrapper.get('#restore-confirm').setValue('Laptop');
    expect(restore().attributes('disabled')).toBeDefined();
    expect(wrapper.get('#restore-confirm').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#restore-confirm-help').text()).toBe('That is not "laptop": type the name exactly, with the same case.');
    await wrapper.get('#restore-confirm').setValue('laptop');
    expect(restore().attributes('disabled')).toBeUndefined();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('jobs:restore')).toEqual([{ archivePath: ARCHIVE, target: 'laptop', confirmTargetName: 'laptop' }]);
    // The answer shows under the button pressed.
    expect(wrapper.get('[role=status]').text()).toBe('Restore started: follow it in Jobs.');
  });
});
