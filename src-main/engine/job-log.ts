/**
 * A job's log: timestamped lines kept with the job, each one redacted before it is stored
 * or passed on, so no listener ever sees a secret.
 */
import type { JobLogLine } from '../shared/models/job.js';
import type { Logger } from '../plugin-host/index.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { createRedactor } from './redactor.js';

/** Lines kept per job; beyond this the oldest are dropped (a marker line says so). */
export const MAX_LOG_LINES = 50_000;

export interface JobLog {
  readonly logger: Logger;
  /** Append a line (already a message; it is redacted here). */
  write(level: JobLogLine['level'], message: string): void;
  lines(): JobLogLine[];
  /** The redactor this log uses, for error messages that leave the job another way. */
  redact(text: string): string;
}

export interface JobLogOptions {
  readonly secrets?: readonly string[];
  readonly clock?: Clock;
  readonly onLine?: (line: JobLogLine) => void;
  readonly maxLines?: number;
}

export function createJobLog(options: JobLogOptions = {}): JobLog {
  const clock = options.clock ?? systemClock;
  const maxLines = options.maxLines ?? MAX_LOG_LINES;
  const redact = createRedactor(options.secrets);
  const stored: JobLogLine[] = [];
  let dropped = 0;

  const write = (level: JobLogLine['level'], message: string): void => {
    const line: JobLogLine = { at: new Date(clock.now()).toISOString(), level, message: redact(String(message)) };
    stored.push(line);
    if (stored.length > maxLines) {
      stored.shift();
      dropped += 1;
    }
    options.onLine?.(line);
  };

  return {
    logger: {
      debug: (m) => write('debug', m),
      info: (m) => write('info', m),
      warn: (m) => write('warn', m),
      error: (m) => write('error', m),
    },
    write,
    lines: () => {
      if (dropped === 0) return [...stored];
      const first = stored[0];
      const marker: JobLogLine = {
        at: first?.at ?? new Date(clock.now()).toISOString(),
        level: 'warn',
        message: `${dropped} earlier log lines were dropped (only the last ${maxLines} are kept).`,
      };
      return [marker, ...stored];
    },
    redact,
  };
}
