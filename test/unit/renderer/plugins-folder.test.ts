// Plugins view: the button that opens the drop-in plugins folder, and what it says where it cannot.
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import PluginList from '../../../src-renderer/src/components/plugins/PluginList.vue';
import { FakeFailure, installFakeBridge } from './fake-bridge.js';

const FOLDER = '/home/op/.local/share/lifeboat/plugins';

async function mountWith(open: () => void) {
  const bridge = installFakeBridge({ 'plugins:list': () => [], 'app:openPluginsFolder': open });
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  const wrapper = mount(PluginList, { global: { plugins: [pinia] } });
  await flushPromises();
  const button = wrapper.findAll('button').find((b) => b.text() === 'Open plugins folder')!;
  return { bridge, wrapper, button };
}

describe('plugins folder', () => {
  it('asks main to open it', async () => {
    const { bridge, wrapper, button } = await mountWith(() => undefined);
    await button.trigger('click');
    await flushPromises();
    expect(bridge.callsOf('app:openPluginsFolder')).toEqual([undefined]);
    expect(wrapper.find('.folder__message').exists()).toBe(false);
  });

  it('shows where the folder is when this window cannot open it', async () => {
    const { wrapper, button } = await mountWith(() => {
      throw new FakeFailure('usage', `Lifeboat cannot open folders from this window (it is served by lifeboat serve). Open ${FOLDER} on the machine running Lifeboat.`);
    });
    await button.trigger('click');
    await flushPromises();
    expect(wrapper.get('.folder__message').text()).toContain(`Open ${FOLDER} on the machine running Lifeboat`);
  });
});
