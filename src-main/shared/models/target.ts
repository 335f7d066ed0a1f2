/** A configured target: which plugin backs it up, and with which options. */
export interface TargetConfig {
  readonly name: string;
  readonly plugin: string;
  readonly options: Readonly<Record<string, unknown>>;
}
