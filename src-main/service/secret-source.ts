import type { PassphraseOrigin } from '../shared/models/secrets.js';

/** Where the service gets the archive passphrase: never a prompt, a source the front end chose. */
export type PassphrasePurpose = 'new-archive' | 'open-archive';

export interface SecretSource {
  /**
   * The passphrase for a new archive, or to open `archive` (its path). Undefined when this
   * source has none: the job then fails with AppError('secret-required').
   */
  passphrase(purpose: PassphrasePurpose, archive?: string): Promise<string | undefined>;
  /** Where the passphrase would come from now, for Settings; undefined when there is none. */
  origin?(): PassphraseOrigin | undefined;
}
