import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import JobList from '../../../src-renderer/src/components/jobs/JobList.vue';
import { useJobsStore } from '../../../src-renderer/src/stores/jobs.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { installFakeBridge } from './fake-bridge.js';

const running: JobSnapshot = {
  id: 'j1',
  kind: 'backup',
  target: 'shop',
  title: 'Back up shop',
  state: 'running',
  queuedAt: '2026-11-22T03:00:00Z',
  startedAt: '2026-11-22T03:00:01Z',
  progress: { phase: 'Copying volumes', bytesDone: 440_401_920, bytesTotal: 1_048_576_000, itemsDone: 12, rate: 8_388_608, etaSeconds: 75, percent: 42, currentItem: 'volumes/btcpay_datadir/_data/x.db' },
  logTail: ['03:00:01 info stopping the stack', '03:00:05 info copying volumes'],
};
const finished: JobSnapshot = {
  id: 'j0',
  kind: 'backup',
  target: 'shop',
  title: 'Back up shop',
  state: 'succeeded',
  queuedAt: '2026-11-21T03:00:00Z',
  startedAt: '2026-11-21T03:00:00Z',
  finishedAt: '2026-11-21T03:02:30Z',
  downtimeSeconds: 42,
  archivePath: '/s/shop-2026-11-21T03-00-00Z.tar.gz.gpg',
};

function mountJobs() {
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
  return { pinia, wrapper: mount(JobList, { global: { plugins: [pinia] } }) };
}

afterEach(() => vi.useRealTimers());

describe('the jobs view', () => {
  it('shows a running job’s progress, rate, ETA, phase, current item and log tail', async () => {
    installFakeBridge({});
    const { pinia, wrapper } = mountJobs();
    useJobsStore(pinia).jobs = { j1: running };
    await flushPromises();
    const item = wrapper.get('[data-job="j1"]');
    expect(item.get('progress').attributes('value')).toBe('42');
    expect(item.text()).toContain('42 %');
    expect(item.text()).toContain('8.0 MiB/s');
    expect(item.text()).toContain('1 min 15 s left');
    expect(item.text()).toContain('Copying volumes');
    expect(item.text()).toContain('420 MiB of 1000 MiB');
    expect(item.text()).toContain('volumes/btcpay_datadir/_data/x.db');
    expect(item.get('pre').text()).toContain('copying volumes');
  });

  it('shows an indeterminate bar and no ETA while the total is unknown', async () => {
    installFakeBridge({});
    const { pinia, wrapper } = mountJobs();
    useJobsStore(pinia).jobs = { j1: { ...running, progress: { phase: 'Dumping', bytesDone: 1024, itemsDone: 0 } } };
    await flushPromises();
    const item = wrapper.get('[data-job="j1"]');
    expect(item.get('progress').attributes('value')).toBeUndefined();
    expect(item.text()).not.toContain('left');
    expect(item.text()).toContain('1.0 KiB');
  });

  it('shows no byte count for a phase that has counted nothing and has no total', async () => {
    installFakeBridge({});
    const { pinia, wrapper } = mountJobs();
    useJobsStore(pinia).jobs = { j1: { ...running, progress: { phase: 'Halting Bitnobi', bytesDone: 0, itemsDone: 0 } } };
    await flushPromises();
    const facts = wrapper.get('[data-job="j1"] .job__facts').text();
    expect(facts).toContain('Halting Bitnobi');
    expect(facts).not.toContain('0 B');
  });

  it('Cancel shows canceling… until the job ends, then lists it as finished', async () => {
    const bridge = installFakeBridge({ 'jobs:cancel': () => undefined, 'jobs:list': () => [running] });
    const { pinia, wrapper } = mountJobs();
    const store = useJobsStore(pinia);
    await store.load();
    const stop = store.follow();
    await flushPromises();
    await wrapper.get('[data-job="j1"] button').trigger('click');
    await flushPromises();
    expect(bridge.callsOf('jobs:cancel')).toEqual([{ jobId: 'j1' }]);
    const item = wrapper.get('[data-job="j1"]');
    expect(item.get('.badge').text()).toBe('canceling…');
    expect(item.get('button').attributes('disabled')).toBeDefined();
    // Progress keeps arriving while the plugin puts things back: still canceling.
    bridge.emit('jobs:changed', { ...running, progress: { ...running.progress!, phase: 'Starting the stack again' } });
    await new Promise((done) => setTimeout(done, 150));
    expect(wrapper.get('[data-job="j1"] .badge').text()).toBe('canceling…');
    expect(wrapper.get('[data-job="j1"]').text()).toContain('Starting the stack again');
    // As the engine sends it: a canceled job carries no error, its log says what was put back.
    const logTail = ['03:00:01 info stopping the stack', '03:00:05 info copying volumes', '03:00:59 info the stack was started again', '03:01:00 info Canceled.'];
    bridge.emit('jobs:changed', { ...running, state: 'canceled', finishedAt: '2026-11-22T03:01:00Z', logTail });
    await flushPromises();
    expect(wrapper.text()).toContain('Nothing is running');
    const ended = wrapper.get('[data-job="j1"]');
    expect(ended.get('.badge').text()).toBe('canceled');
    expect(ended.get('pre').text()).toBe('03:00:05 info copying volumes\n03:00:59 info the stack was started again\n03:01:00 info Canceled.');
    stop();
  });

  it('shows a short downtime in tenths of a second, not as 0 s', async () => {
    installFakeBridge({});
    const { pinia, wrapper } = mountJobs();
    useJobsStore(pinia).jobs = { j0: { ...finished, downtimeSeconds: 0.43 } };
    await flushPromises();
    expect(wrapper.get('[data-job="j0"]').text()).toContain('downtime 0.4 s');
  });

  it('shows no log lines under a succeeded job until asked', async () => {
    installFakeBridge({});
    const { pinia, wrapper } = mountJobs();
    useJobsStore(pinia).jobs = { j0: { ...finished, logTail: ['03:02:30 info done'] } };
    await flushPromises();
    expect(wrapper.get('[data-job="j0"]').find('pre').exists()).toBe(false);
  });

  it('lists a finished job with its result, duration and downtime, and shows its full log on demand', async () => {
    const bridge = installFakeBridge({ 'jobs:log': () => ['03:00:00 info start', '03:02:30 info done'] });
    const { pinia, wrapper } = mountJobs();
    useJobsStore(pinia).jobs = { j0: finished };
    await flushPromises();
    const item = wrapper.get('[data-job="j0"]');
    expect(item.text()).toContain('succeeded');
    expect(item.text()).toContain('took 2 min 30 s');
    expect(item.text()).toContain('downtime 42 s');
    await item.get('button').trigger('click');
    await flushPromises();
    expect(bridge.callsOf('jobs:log')).toEqual([{ jobId: 'j0' }]);
    expect(wrapper.get('[data-job="j0"] pre').text()).toBe('03:00:00 info start\n03:02:30 info done');
  });

  it('applies bursts of updates together, and a job’s end at once', async () => {
    vi.useFakeTimers();
    const bridge = installFakeBridge({});
    const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false });
    const store = useJobsStore(pinia);
    const stop = store.follow();
    for (let i = 1; i <= 50; i++) bridge.emit('jobs:changed', { ...running, progress: { ...running.progress!, percent: i } });
    expect(store.jobs.j1).toBeUndefined();
    vi.advanceTimersByTime(100);
    expect(store.jobs.j1?.progress?.percent).toBe(50);
    bridge.emit('jobs:changed', { ...running, state: 'succeeded', finishedAt: '2026-11-22T03:05:00Z' });
    expect(store.jobs.j1?.state).toBe('succeeded');
    stop();
  });
});
