// What the tray menu shows for the jobs in flight: each job with its percent and a Cancel,
// failures not yet seen, then Show Lifeboat and Quit.
import { describe, expect, it } from 'vitest';
import { TRAY_MAX_JOBS, trayModel, type TrayMenuEntry } from '../../../src-main/app/tray-menu-model.js';
import { job } from './job-fixtures.js';

const labels = (entries: readonly TrayMenuEntry[]): string[] => entries.map((e) => (e.kind === 'separator' ? '---' : e.label));

describe('trayModel', () => {
  it('offers only Show and Quit when nothing runs', () => {
    const model = trayModel({ jobs: [] });
    expect(labels(model.entries)).toEqual(['Show Lifeboat', 'Quit']);
    expect(model.tooltip).toBe('Lifeboat');
    expect(model.attention).toBe(false);
  });

  it('lists running jobs with their percent first, then queued ones, each with a Cancel', () => {
    const model = trayModel({
      jobs: [
        job('q', { title: 'Back up btcpay', target: 'btcpay', state: 'queued', queuedAt: '2026-11-22T05:00:01.000Z' }),
        job('r', { progress: { phase: 'archiving', bytesDone: 42, bytesTotal: 100, itemsDone: 3, percent: 42.7 } }),
      ],
    });
    expect(labels(model.entries)).toEqual([
      'Back up laptop — 42 %',
      'Cancel Back up laptop',
      'Back up btcpay — queued',
      'Cancel Back up btcpay',
      '---',
      'Show Lifeboat',
      'Quit',
    ]);
    const cancels = model.entries.filter((e) => e.kind === 'cancel');
    expect(cancels.map((c) => [c.jobId, c.enabled])).toEqual([
      ['r', true],
      ['q', true],
    ]);
    expect(model.tooltip).toBe('Lifeboat — 2 jobs in progress');
  });

  it('says the phase when the total is unknown, and "canceling…" with Cancel disabled while a job winds down', () => {
    const model = trayModel({
      jobs: [
        job('a', { title: 'Restore prod', progress: { phase: 'stopping the controller', bytesDone: 0, itemsDone: 0 } }),
        job('b', { title: 'Back up laptop', state: 'canceling' }),
      ],
    });
    expect(labels(model.entries).slice(0, 4)).toEqual([
      'Restore prod — stopping the controller',
      'Cancel Restore prod',
      'Back up laptop — canceling…',
      'Cancel Back up laptop',
    ]);
    expect(model.entries.filter((e) => e.kind === 'cancel').map((c) => c.enabled)).toEqual([true, false]);
  });

  it('names the one job in the tooltip', () => {
    const model = trayModel({ jobs: [job('r', { progress: { phase: 'x', bytesDone: 1, bytesTotal: 4, itemsDone: 0, percent: 25 } })] });
    expect(model.tooltip).toBe('Lifeboat — Back up laptop 25 %');
  });

  it('leaves finished jobs out', () => {
    const model = trayModel({ jobs: [job('s', { state: 'succeeded' }), job('f', { state: 'failed' }), job('c', { state: 'canceled' })] });
    expect(labels(model.entries)).toEqual(['Show Lifeboat', 'Quit']);
  });

  it('sums up jobs beyond what a menu can hold', () => {
    const jobs = Array.from({ length: TRAY_MAX_JOBS + 3 }, (_, i) => job(`j${i}`, { title: `Back up t${i}`, state: 'queued' }));
    const model = trayModel({ jobs });
    expect(model.entries.filter((e) => e.kind === 'job')).toHaveLength(TRAY_MAX_JOBS);
    expect(labels(model.entries)).toContain("3 more in Lifeboat's Jobs view");
  });

  it('puts failures the operator has not seen on top, newest first, and asks for attention', () => {
    const model = trayModel({
      jobs: [job('r')],
      unseenFailures: [
        job('f1', { title: 'Back up btcpay', state: 'failed' }),
        job('f2', { title: 'Verify prod-20261122-010203.tar.gz.gpg', state: 'failed' }),
      ],
    });
    expect(labels(model.entries).slice(0, 3)).toEqual([
      'Failed: Verify prod-20261122-010203.tar.gz.gpg — show Lifeboat',
      'Failed: Back up btcpay — show Lifeboat',
      '---',
    ]);
    expect(model.attention).toBe(true);
    expect(model.tooltip).toBe('Lifeboat — 2 jobs failed; Back up laptop running');
  });

  it('says which job failed in the tooltip when it is the only one', () => {
    const model = trayModel({ jobs: [], unseenFailures: [job('f', { title: 'Back up btcpay', state: 'failed' })] });
    expect(model.tooltip).toBe('Lifeboat — Back up btcpay failed');
  });
});
