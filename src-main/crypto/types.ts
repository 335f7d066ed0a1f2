import type { PrivateKey, PublicKey } from 'openpgp';

/** How a new archive is encrypted. `none` only on the operator's explicit `--no-encrypt`. */
export type Encryption =
  | { readonly kind: 'none' }
  | { readonly kind: 'passphrase'; readonly passphrase: string }
  | { readonly kind: 'keys'; readonly publicKeys: readonly PublicKey[] };

/** What may open an archive: a passphrase, private keys (already unlocked), or both. */
export interface Decryption {
  readonly passphrase?: string;
  readonly privateKeys?: readonly PrivateKey[];
}
