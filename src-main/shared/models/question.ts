/** A yes/no question a running job asks the operator (a plugin's confirm, an unknown SSH host key). */
export interface JobQuestion {
  readonly id: string;
  /** The asking job; `plan:<target>` for a host-key question while `archives:plan` looks at the target. */
  readonly jobId: string;
  readonly question: string;
  /** A trust decision (a new or changed host key): never answered by default. */
  readonly trust: boolean;
}

/** Sent when a question no longer waits: answered (by any window) or declined because its job was canceled. */
export interface JobQuestionClosed {
  readonly id: string;
  readonly jobId: string;
  readonly answer: boolean;
}
