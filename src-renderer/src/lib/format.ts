/** How numbers, dates and encryption read in the UI. Pure, so it is tested without a browser. */
import { assertNever } from '@shared/app-error.js';
import type { EncryptionInfo } from '@shared/models/archive.js';

export { formatBytes } from '@shared/format-bytes.js';

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
