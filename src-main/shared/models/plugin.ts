/** Plugins as discovery found them: enabled, or disabled with the reason. */
export interface PluginInfo {
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  readonly apiVersion: string;
  /** Folder the plugin was loaded from. */
  readonly folder: string;
  readonly source: 'builtin' | 'user';
  readonly status: 'enabled' | 'disabled';
  readonly reason?: string;
  /** JSON Schema of the target's options. */
  readonly optionsSchema?: Readonly<Record<string, unknown>>;
}
