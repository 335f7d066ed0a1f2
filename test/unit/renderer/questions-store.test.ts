/**
 * A window that opens late, or reconnects after missing events, asks main which questions
 * jobs wait on; events that arrive while that list is on its way are not lost or undone.
 */
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import TheQuestionDialog from '../../../src-renderer/src/components/questions/TheQuestionDialog.vue';
import type { JobQuestion } from '../../../src-main/shared/models/question.js';
import { useQuestionsStore } from '../../../src-renderer/src/stores/questions.js';
import { installFakeBridge } from './fake-bridge.js';

const question = (id: string, text: string): JobQuestion => ({ id, jobId: `job-${id}`, trust: false, question: text });
const lightning = question('q1', 'Back up the Lightning channel state too?');
const restart = question('q2', 'Restart the stack now?');
const later = question('q3', 'Stop BTCPay for the restore?');

function setup() {
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  const store = useQuestionsStore(pinia);
  return { pinia, store, stop: store.follow() };
}

describe('the questions a window loads', () => {
  it('shows a question asked before the window opened', async () => {
    installFakeBridge({ 'questions:list': () => [lightning] });
    const { pinia, store, stop } = setup();
    const wrapper = mount(TheQuestionDialog, { global: { plugins: [pinia] }, attachTo: document.body });
    await store.load();
    await flushPromises();
    expect(wrapper.get('[role=alertdialog]').text()).toContain('Back up the Lightning channel state too?');
    wrapper.unmount();
    stop();
  });

  it('keeps a question asked while the list was on its way, and drops one closed meanwhile', async () => {
    let answerList: (list: JobQuestion[]) => void = () => undefined;
    const bridge = installFakeBridge({ 'questions:list': () => new Promise<JobQuestion[]>((resolve) => (answerList = resolve)) });
    const { store, stop } = setup();
    const loading = store.load();
    await flushPromises();
    // The list was made before these two events.
    bridge.emit('questions:asked', later);
    bridge.emit('questions:closed', { id: restart.id, jobId: restart.jobId, answer: false });
    answerList([lightning, restart]);
    await loading;
    expect(store.open.map((q) => q.id)).toEqual(['q1', 'q3']);
    stop();
  });

  it('a list that cannot be read leaves the dialog without an error of its own', async () => {
    installFakeBridge({});
    const { store, stop } = setup();
    await store.load();
    expect(store.loadError).toContain('questions:list');
    expect(store.error).toBeUndefined();
    stop();
  });
});
