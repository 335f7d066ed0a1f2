/**
 * The job engine: a queue that runs backups, restores and verifications with a concurrency
 * limit and one job per target, cooperative cancellation, throttled progress with rate and
 * ETA, and per-job logs with secrets redacted.
 */
export * from './clock.js';
export * from './redactor.js';
export * from './job-log.js';
export * from './progress-tracker.js';
export * from './event-budget.js';
export * from './job-runner.js';
export * from './job-history.js';
