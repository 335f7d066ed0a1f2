/** The operator's settings as the window edits them; kept in config.yaml under `settings:`. */
export type Theme = 'system' | 'light' | 'dark';

/** How new archives are encrypted by default. */
export type EncryptionSetting =
  | { readonly kind: 'passphrase' }
  /** Public key files (armored or binary OpenPGP) of the recipients. */
  | { readonly kind: 'recipients'; readonly recipients: readonly string[] };

export interface AppSettings {
  /** Folder where archives are written and listed. */
  readonly store: string;
  /** A target whose last backup is older than this many days is shown as stale (default 7). */
  readonly warnAfterDays: number;
  /** Jobs running at once (default 2); a change applies when the app next starts. */
  readonly concurrency: number;
  readonly theme: Theme;
  readonly encryption: EncryptionSetting;
}

export const DEFAULT_WARN_AFTER_DAYS = 7;
export const DEFAULT_CONCURRENCY = 2;
