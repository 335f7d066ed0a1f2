import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import TargetForm from '../../../src-renderer/src/components/targets/TargetForm.vue';
import TargetList from '../../../src-renderer/src/components/targets/TargetList.vue';
import { usePluginsStore } from '../../../src-renderer/src/stores/plugins.js';
import { useTargetsStore } from '../../../src-renderer/src/stores/targets.js';
import type { TargetSaveRequest, TargetView } from '../../../src-main/shared/models/target.js';
import { FakeFailure, installFakeBridge } from './fake-bridge.js';
import { btcpayPlugin } from './fixtures.js';

function mountForm(target?: TargetView) {
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  usePluginsStore(pinia).plugins = [btcpayPlugin];
  return mount(TargetForm, { props: { target }, global: { plugins: [pinia] } });
}

const saved: TargetView = { name: 'shop', plugin: 'btcpay', pluginStatus: 'enabled', options: { ssh: { host: 'btcpay.example', password: '***' } }, stale: true, busy: false };

describe('the target form', () => {
  it('is generated from the plugin’s schema: ssh as a fieldset, secrets as password inputs, help and built-in items shown', async () => {
    installFakeBridge({});
    const wrapper = mountForm();
    await flushPromises();
    const ssh = wrapper.get('fieldset[data-field="ssh"]');
    expect(ssh.get('legend').text()).toBe('ssh');
    expect(ssh.get('#opt-ssh-host').attributes('type')).toBe('text');
    // The ssh group is optional, so the browser must not block Save on an empty host.
    expect(ssh.get('#opt-ssh-host').attributes('required')).toBeUndefined();
    expect(ssh.get('#opt-ssh-password').attributes('type')).toBe('password');
    expect(ssh.get('#opt-ssh-port').attributes('type')).toBe('number');
    expect(ssh.get('[data-field="ssh.useAgent"] input').attributes('type')).toBe('checkbox');
    expect(ssh.text()).toContain('Login password');
    const exclude = wrapper.get('[data-field="exclude"]');
    expect(exclude.find('textarea').exists()).toBe(true);
    expect(exclude.text()).toContain('**/logs/*');
    expect(wrapper.get('#opt-stopTimeoutSeconds').attributes('placeholder')).toBe('default 30');
  });

  it('shows each problem main reports at its field, and one the form has no field for in its own line', async () => {
    installFakeBridge({
      'targets:save': () => {
        throw new FakeFailure(
          'config',
          'Options for plugin "btcpay" are not valid: option "ssh.port" must be integer; option "exclude.1" must be string; unknown option "colour". Fix the target\'s options and try again.',
          { 'ssh.port': 'must be integer', exclude: 'item 2 must be string', colour: 'unknown option' },
        );
      },
    });
    const wrapper = mountForm();
    await flushPromises();
    await wrapper.get('#target-name').setValue('shop');
    await wrapper.get('#opt-ssh-host').setValue('btcpay.example');
    await wrapper.get('#opt-ssh-port').setValue('22.5');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const port = wrapper.get('[data-field="ssh.port"]');
    expect(port.get('[role=alert]').text()).toBe('must be integer');
    expect(port.get('input').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('[data-field="exclude"] [role=alert]').text()).toBe('item 2 must be string');
    expect(wrapper.get('[data-field="ssh.host"]').find('[role=alert]').exists()).toBe(false);
    expect(wrapper.get('.target-form > .error[role=alert]').text()).toBe('Option "colour": unknown option');
  });

  it('shows a name main refuses at the name field, and the form stays open', async () => {
    installFakeBridge({
      'targets:save': () => {
        throw new FakeFailure('usage', 'A target named "shop" already exists; choose another name or edit that one.', {
          name: 'a target named "shop" already exists; choose another name or edit that one',
        });
      },
    });
    const wrapper = mountForm();
    await flushPromises();
    await wrapper.get('#target-name').setValue('shop');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const name = wrapper.get('[data-field="name"]');
    expect(name.get('[role=alert]').text()).toBe('a target named "shop" already exists; choose another name or edit that one');
    expect(name.get('input').attributes('aria-invalid')).toBe('true');
    expect(wrapper.emitted('done')).toBeUndefined();
  });

  it('shows an error that names no field in full, above the buttons', async () => {
    installFakeBridge({
      'targets:save': () => {
        throw new FakeFailure('io', 'The config file /home/op/.config/lifeboat/config.yaml could not be written: disk full. Free some space and save again.');
      },
    });
    const wrapper = mountForm();
    await flushPromises();
    await wrapper.get('#target-name').setValue('shop');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.findAll('[role=alert]').map((a) => a.text())).toEqual([
      'The config file /home/op/.config/lifeboat/config.yaml could not be written: disk full. Free some space and save again.',
    ]);
  });

  it('Test connection saves first, then probes the saved target and says what it found', async () => {
    const requests: TargetSaveRequest[] = [];
    const bridge = installFakeBridge({
      'targets:save': (r) => {
        requests.push(r);
        return saved;
      },
      'targets:list': () => [saved],
      'targets:probe': () => ({ reachable: true, running: true, version: 'BTCPay 2.0.4' }),
    });
    const wrapper = mountForm(saved);
    await flushPromises();
    // The stored secret comes back as ***; sent back unchanged it keeps the secret.
    expect((wrapper.get('#opt-ssh-password').element as HTMLInputElement).value).toBe('***');
    await wrapper.get('#opt-ssh-host').setValue('btcpay2.example');
    await wrapper.findAll('button').find((b) => b.text() === 'Test connection')!.trigger('click');
    await flushPromises();
    expect(requests[0]).toEqual({ name: 'shop', plugin: 'btcpay', options: { ssh: { host: 'btcpay2.example', password: '***' } }, previousName: 'shop' });
    expect(bridge.callsOf('targets:probe')).toEqual([{ name: 'shop' }]);
    expect(wrapper.get('[role=status]').text()).toBe('Connected: running, BTCPay 2.0.4.');
  });

  it('a target saved from the list’s form is probed at once, so its reachability is shown', async () => {
    let stored: TargetView[] = [];
    const bridge = installFakeBridge({
      'targets:list': () => stored,
      'targets:save': (r) => {
        stored = [{ name: r.name, plugin: r.plugin, pluginStatus: 'enabled', options: r.options, stale: true, busy: false }];
        return stored[0]!;
      },
      'targets:probe': () => ({ reachable: true, running: true, version: 'BTCPay 2.0.4' }),
    });
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
    usePluginsStore(pinia).plugins = [btcpayPlugin];
    await useTargetsStore(pinia).load();
    const wrapper = mount(TargetList, { global: { plugins: [pinia] } });
    await flushPromises();
    await wrapper.findAll('button').find((b) => b.text() === 'Add target')!.trigger('click');
    await wrapper.get('#target-name').setValue('shop');
    await wrapper.get('#opt-ssh-host').setValue('btcpay.example');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('form').exists()).toBe(false);
    expect(bridge.callsOf('targets:probe')).toEqual([{ name: 'shop' }]);
    expect(wrapper.get('[data-target="shop"]').text()).toContain('running · BTCPay 2.0.4');
  });

  it('says which secrets the app no longer keeps, so the operator types them before the next backup', async () => {
    installFakeBridge({ 'targets:list': () => [{ ...saved, missingSecrets: ['ssh.password'] }, { ...saved, name: 'other' }] });
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
    usePluginsStore(pinia).plugins = [btcpayPlugin];
    await useTargetsStore(pinia).load();
    const wrapper = mount(TargetList, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(wrapper.get('[data-target="shop"]').text()).toContain('The secret ssh.password is no longer kept');
    expect(wrapper.get('[data-target="other"]').text()).not.toContain('no longer kept');
  });
});
