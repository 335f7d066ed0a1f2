// Settings' Secrets section: which backend keeps the window's secrets, the plain-text
// warning and its keep-until-quit switch, the archive passphrase typed twice, serve mode.
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import SettingsView from '../../../src-renderer/src/components/settings/SettingsView.vue';
import { useSettingsStore } from '../../../src-renderer/src/stores/settings.js';
import type { SecretsStatus } from '../../../src-main/shared/models/secrets.js';
import type { AppSettings } from '../../../src-main/shared/models/settings.js';
import { FakeFailure, installFakeBridge, type Handlers } from './fake-bridge.js';

const settings: AppSettings = { store: '/s', warnAfterDays: 7, concurrency: 2, theme: 'light', encryption: { kind: 'passphrase' } };
const FILE = '/home/op/.config/lifeboat/secrets.json';

async function open(handlers: Handlers) {
  const bridge = installFakeBridge({ 'settings:get': () => settings, ...handlers });
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  await useSettingsStore(pinia).load();
  const wrapper = mount(SettingsView, { global: { plugins: [pinia] } });
  await flushPromises();
  const section = () => wrapper.get('fieldset.secrets');
  return { bridge, wrapper, section };
}

/** A main side that keeps the passphrase and the storing choice, as the service does. */
function keeping(initial: SecretsStatus): Handlers {
  let status = initial;
  const kept = () => ({ kind: status.storing ? 'stored' : 'memory' }) as const;
  return {
    'secrets:status': () => status,
    'secrets:setPassphrase': () => (status = { ...status, passphrase: kept() }),
    'secrets:forgetPassphrase': () => {
      const { passphrase: _gone, ...rest } = status;
      return (status = rest);
    },
    'secrets:setStoring': ({ storing }) => {
      const { file: _file, ...rest } = status;
      status = { ...rest, storing, ...(storing ? { file: FILE } : {}) };
      if (status.passphrase) status = { ...status, passphrase: kept() };
      return status;
    },
  };
}

describe('settings: secrets', () => {
  it('names the keyring, sets the passphrase typed twice, then offers to change or forget it', async () => {
    const { bridge, section } = await open(keeping({ backend: { kind: 'keyring', name: 'gnome_libsecret' }, storing: true, canChange: true, file: FILE, targetSecrets: 0 }));
    expect(section().text()).toContain('system keyring (gnome_libsecret)');
    expect(section().find('[role=alert]').exists()).toBe(false);
    expect(section().get('[data-test=storing]').text()).toContain(`written, encrypted, to ${FILE}`);
    expect(section().get('[data-test=passphrase-origin]').text()).toMatch(/None is set/);
    expect((section().get('input[name=keep-until-quit]').element as HTMLInputElement).checked).toBe(false);
    expect(section().text()).toContain('cannot read secrets kept here: give it the passphrase with --passphrase-file');

    await section().get('#new-passphrase').setValue('correct horse');
    await section().get('#new-passphrase-again').setValue('correct horse');
    await section().get('form').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('secrets:setPassphrase')).toEqual([{ passphrase: 'correct horse' }]);
    expect(section().get('[data-test=passphrase-origin]').text()).toBe('Set in this window and stored, encrypted.');
    expect(section().get('[role=status]').text()).toBe('Passphrase set.');
    expect((section().get('#new-passphrase').element as HTMLInputElement).value).toBe('');
    expect(section().get('button[type=submit]').text()).toBe('Change passphrase');

    await section().findAll('button').find((b) => b.text() === 'Forget passphrase')!.trigger('click');
    await flushPromises();
    expect(bridge.callsOf('secrets:forgetPassphrase')).toEqual([undefined]);
    expect(section().get('[data-test=passphrase-origin]').text()).toMatch(/None is set/);
  });

  it('sends nothing when the two passphrases differ', async () => {
    const { bridge, section } = await open(keeping({ backend: { kind: 'keyring', name: 'kwallet5' }, storing: true, canChange: true, file: FILE, targetSecrets: 0 }));
    await section().get('#new-passphrase').setValue('correct horse');
    await section().get('#new-passphrase-again').setValue('correct hose');
    await section().get('form').trigger('submit');
    await flushPromises();
    expect(bridge.callsOf('secrets:setPassphrase')).toEqual([]);
    expect(section().get('[role=alert]').text()).toMatch(/The two passphrases differ/);
  });

  it('warns loudly about the plain-text backend and keeps secrets only until quit when asked', async () => {
    const { bridge, section } = await open(
      keeping({ backend: { kind: 'plain-text', name: 'basic_text' }, storing: true, canChange: true, file: FILE, passphrase: { kind: 'stored' }, targetSecrets: 2 }),
    );
    const warning = section().get('[role=alert]').text();
    expect(warning).toContain('No system keyring was found');
    expect(warning).toContain('basic_text');
    expect(warning).toContain('anyone who can read your files can read them');
    expect(section().get('[data-test=storing]').text()).toContain("Targets' secrets kept: 2.");

    await section().get('input[name=keep-until-quit]').setValue(true);
    await flushPromises();
    expect(bridge.callsOf('secrets:setStoring')).toEqual([{ storing: false }]);
    expect(section().get('[data-test=storing]').text()).toContain('kept only until Lifeboat quits');
    expect(section().get('[data-test=passphrase-origin]').text()).toBe('Set in this window and kept until Lifeboat quits.');
  });

  it('shows why a change was refused', async () => {
    const { section } = await open({
      'secrets:status': () => ({ backend: { kind: 'keyring', name: 'keychain' }, storing: true, canChange: true, file: FILE, targetSecrets: 0 }),
      'secrets:setPassphrase': () => {
        throw new FakeFailure('io', `Could not write Lifeboat's secrets file ${FILE}: disk full.`);
      },
    });
    await section().get('#new-passphrase').setValue('p');
    await section().get('#new-passphrase-again').setValue('p');
    await section().get('form').trigger('submit');
    await flushPromises();
    expect(section().get('[role=alert]').text()).toContain('disk full');
    expect(section().find('[role=status]').exists()).toBe(false);
  });

  it('in lifeboat serve, says where the passphrase comes from and offers no form', async () => {
    const { section } = await open({
      'secrets:status': () => ({ backend: { kind: 'environment' }, storing: false, canChange: false, passphrase: { kind: 'file', path: '/root/.lifeboat-pass' }, targetSecrets: 0 }),
    });
    const text = section().text();
    expect(text).toContain('served by lifeboat serve, which keeps no secrets');
    expect(text).toContain('--passphrase-file FILE');
    expect(section().get('[data-test=passphrase-origin]').text()).toBe('Read from the file /root/.lifeboat-pass.');
    expect(section().find('form').exists()).toBe(false);
    expect(section().find('input[name=keep-until-quit]').exists()).toBe(false);
  });

  it('says when the keyring cannot be used, without the switch', async () => {
    const { section } = await open({
      'secrets:status': () => ({
        backend: { kind: 'unavailable', detail: 'The system keyring (gnome_libsecret) cannot encrypt right now: it may be locked or missing.' },
        storing: false,
        canChange: true,
        passphrase: { kind: 'environment', variable: 'LIFEBOAT_PASSPHRASE' },
        targetSecrets: 0,
      }),
    });
    expect(section().get('[role=alert]').text()).toContain('locked or missing. Secrets typed here are kept only until Lifeboat quits.');
    expect(section().find('input[name=keep-until-quit]').exists()).toBe(false);
    expect(section().get('[data-test=passphrase-origin]').text()).toBe('From the environment variable LIFEBOAT_PASSPHRASE.');
    expect(section().find('form').exists()).toBe(true);
  });
});
