// Dropping an archive on the Import form: in Lifeboat's Electron window the preload's
// `window.lifeboatFiles` gives the file's path, which fills the field for Import; a browser on
// `lifeboat serve` has no local path, so the form says to type it instead.
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ImportForm from '../../../src-renderer/src/components/archives/ImportForm.vue';
import { installFakeBridge } from './fake-bridge.js';

const DROPPED = '/home/op/old/juju-2014.tar.gz.gpg';

/** Stands in for the Electron preload: paths of the files it was told about, '' for others. */
function installFilesBridge(paths: ReadonlyMap<File, string>): void {
  Object.defineProperty(window, 'lifeboatFiles', { value: { pathFor: (file: File) => paths.get(file) ?? '' }, configurable: true });
}

function removeFilesBridge(): void {
  Object.defineProperty(window, 'lifeboatFiles', { value: undefined, configurable: true });
}

function mountForm(): VueWrapper {
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  return mount(ImportForm, { global: { plugins: [pinia] } });
}

async function drop(wrapper: VueWrapper, ...files: File[]): Promise<void> {
  await wrapper.get('form').trigger('dragover', { dataTransfer: { files } });
  await wrapper.get('form').trigger('drop', { dataTransfer: { files } });
}

const archive = (name = 'juju-2014.tar.gz.gpg'): File => new File([new Uint8Array([1, 2, 3])], name);
const pathField = (wrapper: VueWrapper): string => (wrapper.get('#import-path').element as HTMLInputElement).value;
const importButton = (wrapper: VueWrapper) => wrapper.get('button[type=submit]');

afterEach(removeFilesBridge);

describe('dropping an archive on the Import form', () => {
  it('in the Electron window fills in the dropped file’s path, and Import imports that path', async () => {
    const bridge = installFakeBridge({ 'jobs:import': () => ({ jobId: 'i1' }) });
    const file = archive();
    installFilesBridge(new Map([[file, DROPPED]]));
    const wrapper = mountForm();
    expect(wrapper.text()).toContain('drop the file here');
    expect(importButton(wrapper).attributes('disabled')).toBeDefined();

    await drop(wrapper, file);
    expect(pathField(wrapper)).toBe(DROPPED);
    expect(wrapper.find('[role=status]').exists()).toBe(false);
    expect(importButton(wrapper).attributes('disabled')).toBeUndefined();

    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('jobs:import')).toEqual([{ path: DROPPED }]);
    expect(wrapper.text()).toContain('Import started: follow it in Jobs.');
  });

  it('in the Electron window says so when the dropped item is not a file on this computer', async () => {
    installFakeBridge({});
    installFilesBridge(new Map());
    const wrapper = mountForm();
    await drop(wrapper, archive('from-a-web-page.tar.gz'));
    expect(pathField(wrapper)).toBe('');
    expect(wrapper.get('[role=status]').text()).toBe('"from-a-web-page.tar.gz" is not a file on this computer. Type the archive\'s path instead.');
  });

  it('asks for one archive at a time', async () => {
    installFakeBridge({});
    const a = archive('a.tar.gz');
    const b = archive('b.tar.gz');
    installFilesBridge(
      new Map([
        [a, '/tmp/a.tar.gz'],
        [b, '/tmp/b.tar.gz'],
      ]),
    );
    const wrapper = mountForm();
    await drop(wrapper, a, b);
    expect(pathField(wrapper)).toBe('');
    expect(wrapper.get('[role=status]').text()).toBe('2 files were dropped: import one archive at a time.');
  });

  it('in a browser on lifeboat serve says to type the path, before and after a drop, and imports nothing', async () => {
    const bridge = installFakeBridge({ 'jobs:import': () => ({ jobId: 'i1' }) });
    const wrapper = mountForm();
    expect(wrapper.text()).not.toContain('drop the file here');
    expect(wrapper.text()).toContain('type its path on the machine Lifeboat runs on');

    await drop(wrapper, archive());
    expect(pathField(wrapper)).toBe('');
    expect(wrapper.get('[role=status]').text()).toBe(
      'This browser does not tell Lifeboat where "juju-2014.tar.gz.gpg" is. Type its path on the machine Lifeboat runs on instead.',
    );
    expect(importButton(wrapper).attributes('disabled')).toBeDefined();
    expect(bridge.callsOf('jobs:import')).toEqual([]);
  });

  it('clears the note once a file with a path is dropped', async () => {
    installFakeBridge({});
    const good = archive('good.tar.gz');
    installFilesBridge(new Map([[good, '/srv/good.tar.gz']]));
    const wrapper = mountForm();
    await drop(wrapper, archive('nowhere.tar.gz'));
    expect(wrapper.find('[role=status]').exists()).toBe(true);
    await drop(wrapper, good);
    expect(wrapper.find('[role=status]').exists()).toBe(false);
    expect(pathField(wrapper)).toBe('/srv/good.tar.gz');
  });
});
