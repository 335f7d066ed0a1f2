/**
 * The app as a service, with no Electron in it: plugins, the archive store, the job runner and
 * every invoke handler of the IPC contract, plus its events. The Electron shell and
 * `lifeboat serve` are thin carriers of this one object.
 */
import type { EventChannel, EventPayload } from '../shared/ipc-contract.js';
import type { InvokeHandlers } from '../ipc/invoke-dispatcher.js';
import type { SecretSource } from './secret-source.js';

export type { SecretSource, PassphrasePurpose } from './secret-source.js';

export interface AppServiceOptions {
  /** Archive store folder used unless config.yaml's settings.store says otherwise. */
  readonly store: string;
  readonly pluginsDirs: { readonly builtin: string; readonly user: string };
  /** config.yaml (targets and settings); default: defaultConfigPath(). */
  readonly configPath?: string;
  readonly version: string;
  /** Asked for the archive passphrase when a job needs it. */
  readonly secrets: SecretSource;
}

export type AppEventListener = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

export interface AppService {
  /** One handler for every invoke channel; give them to an InvokeDispatcher. */
  readonly handlers: InvokeHandlers;
  /** Every event (jobs:changed, questions:asked, questions:closed); returns the unsubscribe. */
  onEvent(listener: AppEventListener): () => void;
  /** Cancels running jobs cleanly (plugins restart what they stopped) and waits for them. */
  close(): Promise<void>;
}

export { createAppService } from './create-app-service.js';
