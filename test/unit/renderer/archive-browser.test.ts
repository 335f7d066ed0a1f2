import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import ArchiveBrowser from '../../../src-renderer/src/components/archives/ArchiveBrowser.vue';
import { useArchiveBrowserStore } from '../../../src-renderer/src/stores/archive-browser.js';
import { useArchivesStore } from '../../../src-renderer/src/stores/archives.js';
import type { ArchiveInfo } from '../../../src-main/shared/models/archive.js';
import { FakeFailure, installFakeBridge, type Handlers } from './fake-bridge.js';
import { ARCHIVE, PNG_BASE64, allFiles, manifest, treeByDir } from './fixtures.js';

const handlers: Handlers = {
  'archives:manifest': () => manifest,
  'archives:tree': ({ dir, search }) => {
    const entries = search ? allFiles.filter((e) => e.path.toLowerCase().includes(search.toLowerCase())) : (treeByDir[dir ?? ''] ?? []);
    return { entries, total: entries.length, truncated: false };
  },
  'archives:preview': ({ entry }) =>
    entry.endsWith('.png')
      ? { kind: 'image', base64: PNG_BASE64, mime: 'image/png', size: 70, truncated: false }
      : { kind: 'text', text: 'controllers:\n  prod:\n    uuid: 1234\n', size: 1024, truncated: false },
  'archives:extract': () => ({ jobId: 'x1' }),
  'jobs:verify': () => {
    throw new FakeFailure('wrong-passphrase', 'The passphrase does not open this archive. Set LIFEBOAT_PASSPHRASE_FILE and restart.');
  },
  'targets:list': () => [],
};

async function openBrowser() {
  const bridge = installFakeBridge(handlers);
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  const store = useArchiveBrowserStore(pinia);
  await store.open(ARCHIVE);
  const wrapper = mount(ArchiveBrowser, { global: { plugins: [pinia] } });
  await flushPromises();
  return { bridge, store, wrapper };
}

const button = (wrapper: Awaited<ReturnType<typeof openBrowser>>['wrapper'], text: string) => {
  const found = wrapper.findAll('button').find((b) => b.text().includes(text));
  if (!found) throw new Error(`no button "${text}" in ${wrapper.text()}`);
  return found;
};

describe('the archive browser', () => {
  it('shows the manifest and the top of the tree, and reads a folder only when it is opened', async () => {
    const { bridge, wrapper } = await openBrowser();
    expect(wrapper.text()).toContain('laptop');
    expect(wrapper.text()).toContain('juju-client 1.0.0');
    expect(wrapper.text()).toContain('3 files, 4 entries, 3.0 KiB');
    // The plugin's metadata keys read as words.
    expect(wrapper.text()).toContain('Juju version');
    expect(bridge.callsOf('archives:tree')).toEqual([{ path: ARCHIVE, dir: '' }]);
    await button(wrapper, 'juju/').trigger('click');
    await flushPromises();
    expect(bridge.callsOf('archives:tree')).toEqual([{ path: ARCHIVE, dir: '' }, { path: ARCHIVE, dir: 'juju' }]);
    const tree = wrapper.get('[role=tree]').text();
    expect(tree).toContain('3 items');
    expect(tree).toContain('1 item');
    expect(tree).not.toContain('1 items');
    expect(tree).toContain('controllers.yaml');
    expect(tree).toContain('rw-------');
    expect(tree).toContain('1.0 KiB');
  });

  it('searches the whole tree and lists matches by their path', async () => {
    const { bridge, store, wrapper } = await openBrowser();
    await wrapper.get('#tree-search').setValue('RSA');
    await wrapper.get('form[role=search]').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('archives:tree').at(-1)).toEqual({ path: ARCHIVE, search: 'RSA', limit: 500 });
    expect(store.searchResult?.tree?.total).toBe(1);
    expect(wrapper.get('[role=tree]').text()).toContain('juju/ssh/juju_id_rsa');
    expect(wrapper.text()).toContain('1 match');
    await wrapper.get('#tree-search').setValue('nothing-like-this');
    await wrapper.get('form[role=search]').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('Nothing matches “nothing-like-this”.');
  });

  it('previews a text file and an image', async () => {
    const { wrapper } = await openBrowser();
    await button(wrapper, 'juju/').trigger('click');
    await flushPromises();
    await button(wrapper, 'controllers.yaml').trigger('click');
    await flushPromises();
    expect(wrapper.get('pre[aria-label="File content"]').text()).toContain('uuid: 1234');
    await button(wrapper, 'logo.png').trigger('click');
    await flushPromises();
    expect(wrapper.get('img').attributes('src')).toBe(`data:image/png;base64,${PNG_BASE64}`);
  });

  it('extracts the ticked files to the folder typed', async () => {
    const { bridge, wrapper } = await openBrowser();
    const extract = () => button(wrapper, 'Extract');
    expect(extract().attributes('disabled')).toBeDefined();
    await wrapper.get('input[aria-label="Select juju"]').setValue(true);
    await wrapper.get('#extract-to').setValue('/tmp/restored');
    expect(extract().attributes('disabled')).toBeUndefined();
    await wrapper.get('form:has(#extract-to)').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('archives:extract')).toEqual([{ path: ARCHIVE, entries: ['juju'], destination: '/tmp/restored' }]);
    // The answer shows in the Extract form, where the operator pressed the button.
    expect(wrapper.get('form:has(#extract-to) [role=status]').text()).toBe('Extract started: follow it in Jobs.');
  });

  it('shows a refused verification at the Verify form, then the result once the list reloads', async () => {
    const { bridge, wrapper } = await openBrowser();
    const verifyForm = () => wrapper.get('section[aria-labelledby="verify-title"]');
    expect(verifyForm().text()).toContain('Not verified yet.');
    await verifyForm().get('form').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('jobs:verify')).toEqual([{ archivePath: ARCHIVE, deep: false }]);
    expect(verifyForm().get('[role=alert]').text()).toBe('The passphrase does not open this archive. Set LIFEBOAT_PASSPHRASE_FILE and restart.');
    expect(wrapper.get('section[aria-labelledby="extract-title"]').find('[role=alert]').exists()).toBe(false);

    const verified: ArchiveInfo = {
      path: ARCHIVE,
      fileName: ARCHIVE.split('/').pop()!,
      target: 'laptop',
      createdAt: manifest.startedAt,
      size: 3072,
      encryption: { kind: 'passphrase' },
      hasIndex: true,
      lastVerification: { at: new Date().toISOString(), ok: true, message: 'All 3 files match the manifest.' },
    };
    useArchivesStore().archives = [verified];
    await flushPromises();
    expect(verifyForm().get('[aria-label="Last verification"]').text()).toMatch(/^Verified OK .*: All 3 files match the manifest\.$/);
  });
});
