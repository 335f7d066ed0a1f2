/** The SSH host key a trust question is about, for the window to show apart from the question's text. */
export interface QuestionHostKey {
  /** The host as the operator named it, with the name known_hosts uses: `btcpay (10.0.0.5:2222)`. */
  readonly host: string;
  /** The key's kind as `ssh-keygen -lf` says it: `ED25519`, `ECDSA`, `RSA`. */
  readonly keyType: string;
  /** `SHA256:…`, exactly as `ssh-keygen -lf` prints it, to compare with the server's console. */
  readonly fingerprint: string;
  /**
   * True when the host showed a different key before (this can be an attack); false when it
   * was never seen. Lifeboat's SSH transport refuses changed keys without asking, so it only
   * asks with false; the window still says a changed key in stronger words than a new one.
   */
  readonly changed: boolean;
}

/** A yes/no question a running job asks the operator (a plugin's confirm, an unknown SSH host key). */
export interface JobQuestion {
  readonly id: string;
  /** The asking job; `plan:<target>` for a host-key question while `archives:plan` looks at the target. */
  readonly jobId: string;
  readonly question: string;
  /** A trust decision (a new or changed host key): never answered by default. */
  readonly trust: boolean;
  /** Set on a host-key question: the host, the key's fingerprint and whether it changed. */
  readonly hostKey?: QuestionHostKey;
}

/** Sent when a question no longer waits: answered (by any window) or declined because its job was canceled. */
export interface JobQuestionClosed {
  readonly id: string;
  readonly jobId: string;
  readonly answer: boolean;
}
