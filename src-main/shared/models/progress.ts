/** What a long operation reports while it runs; the host turns these into job snapshots. */
export type ProgressUpdate =
  | { readonly kind: 'phase'; readonly phase: string; readonly bytesTotal?: number; readonly itemsTotal?: number }
  | { readonly kind: 'bytes'; readonly done: number; readonly total?: number }
  | { readonly kind: 'item'; readonly path: string; readonly itemsDone?: number };

/** Receives progress; all members are cheap to call often (the host throttles). */
export interface ProgressSink {
  report(update: ProgressUpdate): void;
}

export const noProgress: ProgressSink = { report: () => {} };

/** What the UI and CLI show: one throttled snapshot of a running job. */
export interface ProgressSnapshot {
  readonly phase: string;
  readonly bytesDone: number;
  readonly bytesTotal?: number;
  readonly itemsDone: number;
  readonly itemsTotal?: number;
  readonly currentItem?: string;
  /** Bytes per second over the last few seconds. */
  readonly rate?: number;
  /** Seconds left; only when a total is known. */
  readonly etaSeconds?: number;
  readonly percent?: number;
}
