import { describe, expect, it } from 'vitest';
import { createJobLog, createRedactor, registerSecret } from '../../../src-main/engine/index.js';
import { createManualClock } from './manual-clock.js';

describe('job log', () => {
  it('timestamps lines with the clock and passes them to the listener redacted', () => {
    const clock = createManualClock(Date.UTC(2026, 5, 1));
    const passed: string[] = [];
    const log = createJobLog({ clock, secrets: ['hunter2-of-mine'], onLine: (l) => passed.push(l.message) });
    log.logger.warn('password hunter2-of-mine rejected');
    clock.advance(1500);
    log.logger.error('again: hunter2-of-minehunter2-of-mine');
    expect(log.lines()).toEqual([
      { at: '2026-06-01T00:00:00.000Z', level: 'warn', message: 'password *** rejected' },
      { at: '2026-06-01T00:00:01.500Z', level: 'error', message: 'again: ******' },
    ]);
    expect(passed).toEqual(['password *** rejected', 'again: ******']);
  });

  it('redacts secrets registered after the job started, until they are forgotten', () => {
    const log = createJobLog();
    const forget = registerSecret('late-secret');
    log.logger.info('late-secret here');
    forget();
    log.logger.info('late-secret there');
    expect(log.lines().map((l) => l.message)).toEqual(['*** here', 'late-secret there']);
  });

  it('replaces a longer secret whole when it contains a shorter one', () => {
    const redact = createRedactor(['abc', 'abcdef']);
    expect(redact('x abcdef y abc')).toBe('x *** y ***');
  });

  it('keeps the newest lines when a job logs a great deal, and says how many were dropped', () => {
    const log = createJobLog({ maxLines: 3 });
    for (let i = 1; i <= 5; i++) log.logger.info(`line ${i}`);
    expect(log.lines().map((l) => l.message)).toEqual([
      '2 earlier log lines were dropped (only the last 3 are kept).',
      'line 3',
      'line 4',
      'line 5',
    ]);
  });
});
