/** Archives as the catalog lists them. */
export type EncryptionInfo =
  | { readonly kind: 'none' }
  | { readonly kind: 'passphrase' }
  | { readonly kind: 'keys'; readonly recipients: readonly RecipientInfo[] };

export interface RecipientInfo {
  /** Long key ID (16 hex digits) as gpg shows it. */
  readonly keyId: string;
  readonly fingerprint?: string;
  readonly userIds?: readonly string[];
}

export interface VerificationRecord {
  /** ISO 8601. */
  readonly at: string;
  readonly ok: boolean;
  readonly message: string;
  readonly entries?: number;
}

export interface ArchiveInfo {
  /** Absolute path of the archive file. */
  readonly path: string;
  readonly fileName: string;
  readonly target: string;
  readonly plugin?: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly size: number;
  readonly encryption: EncryptionInfo;
  readonly hasIndex: boolean;
  readonly lastVerification?: VerificationRecord;
  /** Set for archives made by the targets' own tools and imported. */
  readonly origin?: string;
}
