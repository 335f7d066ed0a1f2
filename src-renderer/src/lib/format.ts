/** How numbers, dates and encryption read in the UI. Pure, so it is tested without a browser. */
import { assertNever } from '../../../src-main/shared/app-error.js';
import type { EncryptionInfo } from '../../../src-main/shared/models/archive.js';

import { formatBytes } from '../../../src-main/shared/format-bytes.js';

export { formatBytes };

/** An ISO 8601 time in the user's locale and time zone; unreadable input is shown as is. */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function describeEncryption(encryption: EncryptionInfo): string {
  switch (encryption.kind) {
    case 'none':
      return 'Not encrypted';
    case 'passphrase':
      return 'Passphrase';
    case 'keys': {
      const n = encryption.recipients.length;
      return n === 1 ? 'Key of 1 recipient' : `Keys of ${n} recipients`;
    }
    default:
      return assertNever(encryption, 'encryption kind');
  }
}

/** `75` → `1 min 15 s`; `3700` → `1 h 1 min`. For ETAs, durations and downtime. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  const rest = s % 60;
  return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
}

/** Bytes per second, e.g. `12 MiB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** `1 file`, `2 files`; `countOf(2, 'match', 'matches')` for irregular plurals. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** How long ago an ISO time was, in the largest whole unit: `3 days ago`, `5 hours ago`. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const minutes = Math.max(0, Math.floor((now - then) / 60_000));
  const plural = (n: number, unit: string): string => `${countOf(n, unit)} ago`;
  if (minutes < 1) return 'just now';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/** `0o640` → `rw-r-----`. */
export function formatMode(mode: number): string {
  const bits = 'rwxrwxrwx';
  let out = '';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}
