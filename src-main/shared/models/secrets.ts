/**
 * Where Lifeboat keeps the secrets typed in its window (the archive passphrase, target options
 * marked `secret: true`) and where the archive passphrase comes from, as Settings shows it.
 */

/**
 * What encrypts the secrets the window keeps.
 * - `keyring`: Electron's safeStorage with the OS keyring (`name`: gnome_libsecret, kwallet5,
 *   kwallet6, keychain, dpapi…); only this user's session can read them.
 * - `plain-text`: safeStorage fell back to its built-in key on Linux (`name`: basic_text), no
 *   keyring was found: anyone who can read the file can read the secrets.
 * - `unavailable`: nothing can encrypt here; secrets typed in the window last until Lifeboat quits.
 * - `environment`: `lifeboat serve`; the window cannot keep secrets, they come from
 *   --passphrase-file, LIFEBOAT_PASSPHRASE or LIFEBOAT_PASSPHRASE_FILE, as for the CLI.
 */
export type SecretBackend =
  | { readonly kind: 'keyring'; readonly name: string }
  | { readonly kind: 'plain-text'; readonly name: string }
  | { readonly kind: 'unavailable'; readonly detail: string }
  | { readonly kind: 'environment' };

/**
 * Where the archive passphrase in use comes from: `stored` (the encrypted secrets file),
 * `memory` (typed in the window, kept until Lifeboat quits), `environment` (LIFEBOAT_PASSPHRASE),
 * `file` (LIFEBOAT_PASSPHRASE_FILE or --passphrase-file; `path` is the file).
 */
export type PassphraseOrigin =
  | { readonly kind: 'stored' }
  | { readonly kind: 'memory' }
  | { readonly kind: 'environment'; readonly variable: string }
  | { readonly kind: 'file'; readonly path: string };

/** `secrets:status` and the answer of every secrets call. */
export interface SecretsStatus {
  readonly backend: SecretBackend;
  /**
   * True when secrets typed in the window are written to disk (encrypted by the backend);
   * false when they are kept only until Lifeboat quits. Always false for `environment`.
   */
  readonly storing: boolean;
  /** Whether the window may set secrets and switch storing (false in `lifeboat serve`). */
  readonly canChange: boolean;
  /** The encrypted secrets file, when storing. */
  readonly file?: string;
  /** Where the archive passphrase comes from; absent when there is none. */
  readonly passphrase?: PassphraseOrigin;
  /** How many target options marked secret the window keeps (stored or in memory). */
  readonly targetSecrets: number;
  /** A problem with the stored secrets (say, a damaged file), worded for the operator. */
  readonly problem?: string;
}

/**
 * What config.yaml holds for a target's secret option whose value the app keeps in its secret
 * store. The CLI cannot read that store; meeting this value it says how to give the option.
 */
export const SECRET_PLACEHOLDER = '(kept by the Lifeboat app)';
