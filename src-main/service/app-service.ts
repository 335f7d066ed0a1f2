/**
 * The app as a service, with no Electron in it: plugins, the archive store, the job runner and
 * every invoke handler of the IPC contract, plus its events. The Electron shell and
 * `lifeboat serve` are thin carriers of this one object.
 */
import type { EventChannel, EventPayload } from '../shared/ipc-contract.js';
import type { InvokeHandlers } from '../ipc/invoke-dispatcher.js';
import type { FolderOpener } from './plugins-folder.js';
import type { SecretCipher } from './secret-cipher.js';
import type { SecretSource } from './secret-source.js';

export type { SecretSource, PassphrasePurpose } from './secret-source.js';
export type { SecretCipher } from './secret-cipher.js';
export type { FolderOpener } from './plugins-folder.js';

export interface AppServiceOptions {
  /** Archive store folder used unless config.yaml's settings.store says otherwise. */
  readonly store: string;
  readonly pluginsDirs: { readonly builtin: string; readonly user: string };
  /** config.yaml (targets and settings); default: defaultConfigPath(). */
  readonly configPath?: string;
  readonly version: string;
  /**
   * Asked for the archive passphrase when a job needs it and the window keeps none (the
   * environment, as the CLI reads it).
   */
  readonly secrets: SecretSource;
  /**
   * The desktop app's encryption for the secrets typed in the window (Electron's safeStorage,
   * see src-main/app/safe-storage-cipher.ts). Absent in `lifeboat serve`: the window then keeps
   * no secrets and Settings says they come from --passphrase-file / LIFEBOAT_PASSPHRASE(_FILE).
   */
  readonly secretCipher?: SecretCipher;
  /** Opens a folder in the desktop's file manager (Electron's shell.openPath); absent in `lifeboat serve`. */
  readonly openFolder?: FolderOpener;
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
