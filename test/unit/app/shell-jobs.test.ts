// The shell's view of the jobs: which are in flight (tray, close question) and which failures
// happened while nobody was looking at the window (the tray keeps saying so until it is seen).
import { describe, expect, it } from 'vitest';
import { createShellJobs } from '../../../src-main/app/shell-jobs.js';
import { job } from './job-fixtures.js';

describe('createShellJobs', () => {
  it('keeps jobs in flight with their latest snapshot and drops them once finished', () => {
    const jobs = createShellJobs();
    jobs.apply(job('a', { state: 'queued' }), true);
    jobs.apply(job('b', { title: 'Back up btcpay' }), true);
    jobs.apply(job('a', { state: 'running' }), true);
    expect(jobs.active().map((j) => [j.id, j.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
    ]);
    jobs.apply(job('a', { state: 'succeeded' }), true);
    jobs.apply(job('b', { state: 'canceled' }), true);
    expect(jobs.active()).toEqual([]);
  });

  it('remembers a failure that happened while the window was hidden, until the window is seen', () => {
    const jobs = createShellJobs();
    jobs.apply(job('a'), false);
    jobs.apply(job('a', { state: 'failed', error: { code: 'unreachable', message: 'laptop is unreachable' } }), false);
    expect(jobs.unseenFailures().map((j) => j.error?.message)).toEqual(['laptop is unreachable']);
    jobs.markSeen();
    expect(jobs.unseenFailures()).toEqual([]);
    // A repeated snapshot of the same failure does not bring it back.
    jobs.apply(job('a', { state: 'failed' }), false);
    expect(jobs.unseenFailures()).toEqual([]);
  });

  it('does not flag failures the operator saw happen in the window', () => {
    const jobs = createShellJobs();
    jobs.apply(job('a', { state: 'failed' }), true);
    jobs.apply(job('a', { state: 'failed' }), false);
    expect(jobs.unseenFailures()).toEqual([]);
  });

  it('ignores successes and cancels for attention', () => {
    const jobs = createShellJobs();
    jobs.apply(job('a', { state: 'succeeded' }), false);
    jobs.apply(job('b', { state: 'canceled' }), false);
    expect(jobs.unseenFailures()).toEqual([]);
  });

  it('keeps the newest few unseen failures, oldest first', () => {
    const jobs = createShellJobs();
    for (let i = 0; i < 8; i++) jobs.apply(job(`f${i}`, { state: 'failed' }), false);
    expect(jobs.unseenFailures().map((j) => j.id)).toEqual(['f3', 'f4', 'f5', 'f6', 'f7']);
  });
});
