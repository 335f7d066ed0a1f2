// Which jobs:changed snapshots become a desktop notification, and what it says: once per job,
// when it ends; a failure carries the error message and stays on screen.
import { describe, expect, it } from 'vitest';
import { createJobNotices } from '../../../src-main/app/job-notices.js';
import { job } from './job-fixtures.js';

const ARCHIVE = '/home/op/.local/share/lifeboat/archives/laptop-20261122-010203.tar.gz.gpg';

describe('createJobNotices', () => {
  it('says nothing while a job is queued, running or canceling', () => {
    const notices = createJobNotices();
    for (const state of ['queued', 'running', 'canceling'] as const) expect(notices.noticeFor(job('a', { state }))).toBeUndefined();
  });

  it('names the archive a backup saved, and the downtime its plugin reported', () => {
    const notices = createJobNotices();
    expect(notices.noticeFor(job('a', { state: 'succeeded', archivePath: ARCHIVE, target: 'btcpay', title: 'Back up btcpay', downtimeSeconds: 75 }))).toEqual({
      jobId: 'a',
      outcome: 'succeeded',
      title: 'Back up btcpay: done',
      body: 'Saved laptop-20261122-010203.tar.gz.gpg. btcpay was stopped for 1 min 15 s.',
      urgent: false,
      silent: false,
    });
  });

  it('gives a failure its error message, urgent', () => {
    const notice = createJobNotices().noticeFor(
      job('a', { state: 'failed', error: { code: 'unreachable', message: 'Cannot reach prod.example.org:22: connection refused.' } }),
    );
    expect(notice).toMatchObject({ outcome: 'failed', title: 'Back up laptop failed', body: 'Cannot reach prod.example.org:22: connection refused.', urgent: true });
  });

  it('never makes a failure silent, even without an error message', () => {
    const notice = createJobNotices().noticeFor(job('a', { state: 'failed' }));
    expect(notice?.silent).toBe(false);
    expect(notice?.body).toMatch(/log in Lifeboat’s Jobs view/);
  });

  it('tells a cancel quietly', () => {
    const notice = createJobNotices().noticeFor(job('a', { state: 'canceled', error: { code: 'canceled', message: 'Back up laptop: canceled.' } }));
    expect(notice).toMatchObject({ outcome: 'canceled', title: 'Back up laptop: canceled', body: 'Canceled before it finished; no archive was kept.', silent: true });
  });

  it('says what each kind of job did', () => {
    const notices = createJobNotices();
    const body = (id: string, kind: 'restore' | 'verify' | 'import' | 'extract'): string | undefined =>
      notices.noticeFor(job(id, { kind, state: 'succeeded', archivePath: ARCHIVE }))?.body;
    expect(body('r', 'restore')).toBe('laptop was restored from laptop-20261122-010203.tar.gz.gpg.');
    expect(body('v', 'verify')).toBe('laptop-20261122-010203.tar.gz.gpg is intact: every file matches its checksum.');
    expect(body('i', 'import')).toBe('Imported as laptop-20261122-010203.tar.gz.gpg.');
    expect(body('e', 'extract')).toBe('Extracted from laptop-20261122-010203.tar.gz.gpg.');
  });

  it('notifies once per job, however many finished snapshots arrive', () => {
    const notices = createJobNotices();
    notices.noticeFor(job('a', { state: 'running' }));
    expect(notices.noticeFor(job('a', { state: 'failed' }))).toBeDefined();
    expect(notices.noticeFor(job('a', { state: 'failed' }))).toBeUndefined();
    expect(notices.noticeFor(job('b', { state: 'succeeded' }))).toBeDefined();
  });
});
