/** A configured target: which plugin backs it up, and with which options. */
export interface TargetConfig {
  readonly name: string;
  readonly plugin: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** A target as the window lists it: its config with secrets redacted, and its last backup. */
export interface TargetView {
  readonly name: string;
  readonly plugin: string;
  /** Whether the target's plugin can run: `missing` when no plugin has that id. */
  readonly pluginStatus: 'enabled' | 'disabled' | 'missing';
  /** Options with every secret option replaced by `***` (send `***` back to keep a secret unchanged). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The newest archive of this target in the store. */
  readonly lastBackup?: {
    /** ISO 8601, UTC. */
    readonly at: string;
    /** Absolute path of the archive. */
    readonly archive: string;
    /** False when its last verification failed. */
    readonly ok: boolean;
  };
  /** True when there is no backup, or the last one is older than settings.warnAfterDays. */
  readonly stale: boolean;
  /** A job of this target is queued or running. */
  readonly busy: boolean;
  /**
   * Secret options (dotted, e.g. `ssh.password`) left to the app's secret store, which no longer
   * holds them (kept only until Lifeboat quit, or the store was reset): type them again.
   */
  readonly missingSecrets?: readonly string[];
}

/** `targets:save`: a new target, or an edit (rename with previousName). */
export interface TargetSaveRequest {
  readonly name: string;
  readonly plugin: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** The name being edited; omit for a new target. */
  readonly previousName?: string;
}

/** What a target's plugin answered to `probe` (same shape as the plugin API's ProbeResult). */
export interface TargetProbe {
  readonly reachable: boolean;
  readonly running: boolean;
  readonly version?: string;
  /** A sentence for the operator, e.g. why it is unreachable. */
  readonly detail?: string;
}
