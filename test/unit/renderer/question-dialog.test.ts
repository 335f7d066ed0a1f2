import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import TheQuestionDialog from '../../../src-renderer/src/components/questions/TheQuestionDialog.vue';
import { useQuestionsStore } from '../../../src-renderer/src/stores/questions.js';
import { installFakeBridge } from './fake-bridge.js';

const FINGERPRINT = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';
const hostKey = {
  id: 'q1',
  jobId: 'j1',
  trust: true,
  question: `The authenticity of host btcpay.example can't be established. ED25519 key fingerprint is ${FINGERPRINT}. Trust it and connect?`,
  hostKey: { host: 'btcpay.example', keyType: 'ED25519', fingerprint: FINGERPRINT, changed: false },
};

function mountDialog() {
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  const store = useQuestionsStore(pinia);
  const stop = store.follow();
  return { stop, wrapper: mount(TheQuestionDialog, { global: { plugins: [pinia] }, attachTo: document.body }) };
}

describe('the question dialog', () => {
  it('asks about an unknown host key in its own words, with the fingerprint apart, and sends the answer', async () => {
    const bridge = installFakeBridge({ 'questions:answer': () => undefined });
    const { stop, wrapper } = mountDialog();
    expect(wrapper.find('[role=alertdialog]').exists()).toBe(false);
    bridge.emit('questions:asked', hostKey);
    await flushPromises();
    const dialog = wrapper.get('[role=alertdialog]');
    expect(dialog.get('h2').text()).toBe('Trust this host key?');
    expect(dialog.get('#question-text').text()).toContain('has not connected to btcpay.example before');
    expect(dialog.get('.dialog__fingerprint').text()).toBe(`Its ED25519 key fingerprint: ${FINGERPRINT}`);
    expect(dialog.get('.dialog__fingerprint code').text()).toBe(FINGERPRINT);
    expect(dialog.find('.dialog__warning').exists()).toBe(false);
    expect(dialog.text()).not.toContain('CHANGED');
    const buttons = dialog.findAll('button').map((b) => b.text());
    expect(buttons).toEqual(['Do not trust', 'Trust and connect']);
    // The safe answer has the focus.
    expect(document.activeElement?.textContent?.trim()).toBe('Do not trust');
    await dialog.findAll('button')[1]!.trigger('click');
    await flushPromises();
    expect(bridge.callsOf('questions:answer')).toEqual([{ id: 'q1', yes: true }]);
    expect(wrapper.find('[role=alertdialog]').exists()).toBe(false);
    stop();
    wrapper.unmount();
  });

  it('says a changed host key is a possible attack, apart from a new one, and keeps the focus on not trusting it', async () => {
    const bridge = installFakeBridge({ 'questions:answer': () => undefined });
    const { stop, wrapper } = mountDialog();
    const changed = { ...hostKey, id: 'q3', question: 'The host key of btcpay.example changed. Trust the new key?', hostKey: { ...hostKey.hostKey, changed: true } };
    bridge.emit('questions:asked', changed);
    await flushPromises();
    const dialog = wrapper.get('[role=alertdialog]');
    expect(dialog.classes()).toContain('dialog--danger');
    expect(dialog.get('h2').text()).toBe('The host key CHANGED');
    expect(dialog.get('.dialog__warning').text()).toContain('the host key of btcpay.example CHANGED — this can be an attack');
    // The warning is what the dialog is described by, so a screen reader says it first.
    expect(dialog.attributes('aria-describedby')).toBe(dialog.get('.dialog__warning').attributes('id'));
    expect(dialog.get('.dialog__fingerprint').text()).toBe(`New ED25519 key fingerprint: ${FINGERPRINT}`);
    expect(dialog.findAll('button').map((b) => b.text())).toEqual(['Do not trust', 'Trust the new key']);
    expect(document.activeElement?.textContent?.trim()).toBe('Do not trust');
    await dialog.trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(bridge.callsOf('questions:answer')).toEqual([{ id: 'q3', yes: false }]);
    stop();
    wrapper.unmount();
  });

  it('shows a trust question that carries no key in its own words, without a fingerprint line', async () => {
    const bridge = installFakeBridge({});
    const { stop, wrapper } = mountDialog();
    const { hostKey: _key, ...textOnly } = hostKey;
    bridge.emit('questions:asked', textOnly);
    await flushPromises();
    expect(wrapper.get('h2').text()).toBe('Trust this host key?');
    expect(wrapper.get('#question-text').text()).toBe(textOnly.question);
    expect(wrapper.find('.dialog__fingerprint').exists()).toBe(false);
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Do not trust', 'Trust and connect']);
    stop();
    wrapper.unmount();
  });

  it('asks a plugin’s plain question with Yes and No, and closes when main says it was answered elsewhere', async () => {
    const bridge = installFakeBridge({});
    const { stop, wrapper } = mountDialog();
    bridge.emit('questions:asked', { id: 'q2', jobId: 'j2', trust: false, question: 'Stop the BTCPay stack now?' });
    await flushPromises();
    expect(wrapper.get('h2').text()).toBe('A job asks');
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['No', 'Yes']);
    expect(wrapper.find('.dialog__fingerprint').exists()).toBe(false);
    bridge.emit('questions:closed', { id: 'q2', jobId: 'j2', answer: false });
    await flushPromises();
    expect(wrapper.find('[role=alertdialog]').exists()).toBe(false);
    stop();
    wrapper.unmount();
  });
});
