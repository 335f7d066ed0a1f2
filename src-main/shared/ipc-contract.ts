/**
 * The one contract between the main process and the renderer. Invoke channels are requests
 * from the renderer answered by main; event channels are pushed from main. Both sides' typed
 * wrappers (src-main/ipc, src-main/preload, src-renderer/src/ipc) are derived from these maps,
 * and `lifeboat serve` carries the same channels over WebSocket.
 *
 * Handlers never throw across the boundary: Electron keeps only an error's message, so every
 * answer is an {@link IpcResult} carrying the error's code as data.
 */
import type { AppErrorCode, FieldProblems } from './app-error.js';
import type { ArchiveInfo } from './models/archive.js';
import type {
  ArchiveExtractRequest,
  ArchivePreview,
  ArchivePreviewRequest,
  ArchiveTree,
  ArchiveTreeRequest,
  ManifestHeader,
} from './models/archive-browser.js';
import type { JobSnapshot, JobStarted } from './models/job.js';
import type { PluginInfo } from './models/plugin.js';
import type { JobQuestion, JobQuestionClosed } from './models/question.js';
import type { SecretsStatus } from './models/secrets.js';
import type { AppSettings } from './models/settings.js';
import type { TargetProbe, TargetSaveRequest, TargetView } from './models/target.js';

/** A restore plan as `archives:plan` answers it (what the plugin would do; nothing changed). */
export interface RestorePlanView {
  /** The archive's plugin, target and time. */
  readonly made: { readonly plugin: { readonly id: string; readonly version: string }; readonly target: string; readonly startedAt: string };
  readonly steps: readonly string[];
  readonly warnings?: readonly string[];
  /** Said with every plan: made from the manifest only, the real restore verifies first. */
  readonly note: string;
}

/** The origin the renderer is served from; the only one whose frames may call main. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lifeboat';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface AppInfo {
  readonly version: string;
  /** Folder where archives are written and listed. */
  readonly store: string;
  /** Folder where drop-in plugins are looked for. */
  readonly pluginsDir: string;
}

/**
 * Request → response channels. `request: void` means the call takes no argument.
 * Add channels here first; the compiler then asks for a handler and a bridge function.
 */
export interface InvokeChannels {
  'plugins:list': { request: void; response: readonly PluginInfo[] };
  'archives:list': { request: void; response: readonly ArchiveInfo[] };
  'app:info': { request: void; response: AppInfo };
  /**
   * Opens the drop-in plugins folder (made if missing) in the desktop's file manager. Where
   * there is no desktop (`lifeboat serve`) it fails with a message naming the folder.
   */
  'app:openPluginsFolder': { request: void; response: void };

  'targets:list': { request: void; response: readonly TargetView[] };
  /** Validated against the plugin's schema (errors name the bad key), then written to config.yaml. */
  'targets:save': { request: TargetSaveRequest; response: TargetView };
  'targets:remove': { request: { readonly name: string }; response: void };
  'targets:probe': { request: { readonly name: string }; response: TargetProbe };

  /** Running, queued and recently finished jobs, oldest first. */
  'jobs:list': { request: void; response: readonly JobSnapshot[] };
  'jobs:backup': { request: { readonly target: string }; response: JobStarted };
  /** Refused unless confirmTargetName equals target (the operator typed the target's name). */
  'jobs:restore': { request: { readonly archivePath: string; readonly target: string; readonly confirmTargetName: string }; response: JobStarted };
  'jobs:verify': { request: { readonly archivePath: string; readonly deep?: boolean }; response: JobStarted };
  'jobs:import': { request: { readonly path: string }; response: JobStarted };
  'jobs:cancel': { request: { readonly jobId: string }; response: void };
  /** The job's full log, redacted, one formatted line each. */
  'jobs:log': { request: { readonly jobId: string }; response: readonly string[] };
  /** Answers a `questions:asked` question; an unknown or already closed id is 'not-found'. */
  'questions:answer': { request: { readonly id: string; readonly yes: boolean }; response: void };
  /** Questions still waiting, for a window opened (or reconnected) after they were asked. */
  'questions:list': { request: void; response: readonly JobQuestion[] };

  'archives:manifest': { request: { readonly path: string }; response: ManifestHeader };
  'archives:tree': { request: ArchiveTreeRequest; response: ArchiveTree };
  'archives:preview': { request: ArchivePreviewRequest; response: ArchivePreview };
  'archives:extract': { request: ArchiveExtractRequest; response: JobStarted };
  'archives:plan': { request: { readonly archivePath: string; readonly target: string }; response: RestorePlanView };

  'settings:get': { request: void; response: AppSettings };
  /** Changes the given settings only; persisted in config.yaml. Answers all settings. */
  'settings:set': { request: Partial<AppSettings>; response: AppSettings };

  /** Which backend keeps the window's secrets, whether they reach the disk, where the passphrase comes from. */
  'secrets:status': { request: void; response: SecretsStatus };
  /** Keeps the archive passphrase (stored or until quit, as the status says). Refused in `lifeboat serve`. */
  'secrets:setPassphrase': { request: { readonly passphrase: string }; response: SecretsStatus };
  /** Forgets the kept archive passphrase, on disk and in memory (one from the environment stays). Refused in `lifeboat serve`. */
  'secrets:forgetPassphrase': { request: void; response: SecretsStatus };
  /**
   * `storing: false` keeps the window's secrets only until Lifeboat quits and removes them
   * from disk; `true` writes them, encrypted, to disk. Refused in `lifeboat serve`.
   */
  'secrets:setStoring': { request: { readonly storing: boolean }; response: SecretsStatus };
}

/** Main → renderer channels and their payloads. */
export interface EventChannels {
  'jobs:changed': JobSnapshot;
  /** A job waits for the operator's yes/no (`questions:answer`). */
  'questions:asked': JobQuestion;
  /** A question was answered or its job canceled: close its dialog. */
  'questions:closed': JobQuestionClosed;
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;
export type InvokeRequest<C extends InvokeChannel> = InvokeChannels[C]['request'];
export type InvokeResponse<C extends InvokeChannel> = InvokeChannels[C]['response'];
export type EventPayload<C extends EventChannel> = EventChannels[C];

/** The arguments of a call: none for `void` requests, else exactly the request. */
export type InvokeArgs<C extends InvokeChannel> = InvokeRequest<C> extends void ? [] : [request: InvokeRequest<C>];

// Runtime lists, checked against the maps so a channel cannot be forgotten on one side.
export const INVOKE_CHANNELS = [
  'plugins:list',
  'archives:list',
  'app:info',
  'app:openPluginsFolder',
  'targets:list',
  'targets:save',
  'targets:remove',
  'targets:probe',
  'jobs:list',
  'jobs:backup',
  'jobs:restore',
  'jobs:verify',
  'jobs:import',
  'jobs:cancel',
  'jobs:log',
  'questions:answer',
  'questions:list',
  'archives:manifest',
  'archives:tree',
  'archives:preview',
  'archives:extract',
  'archives:plan',
  'settings:get',
  'settings:set',
  'secrets:status',
  'secrets:setPassphrase',
  'secrets:forgetPassphrase',
  'secrets:setStoring',
] as const satisfies readonly InvokeChannel[];
export const EVENT_CHANNELS = ['jobs:changed', 'questions:asked', 'questions:closed'] as const satisfies readonly EventChannel[];
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const _allInvokeListed: Missing<InvokeChannel, (typeof INVOKE_CHANNELS)[number]> = true;
const _allEventsListed: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> = true;

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}

/**
 * Codes on the wire: an AppError's own code, or one of the boundary's: `untrusted-sender`
 * (a frame not served from {@link APP_ORIGIN} called), `unknown-channel`, and `internal`
 * (a bug: anything thrown that is not an AppError).
 */
export type IpcErrorCode = AppErrorCode | 'untrusted-sender' | 'unknown-channel' | 'internal';

export interface IpcError {
  readonly code: IpcErrorCode;
  readonly message: string;
  /** The problems at each field of a submitted form (see AppError's `fields`), when the error has them. */
  readonly fields?: FieldProblems;
}

export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export function ipcOk<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function ipcFail(code: IpcErrorCode, message: string, fields?: FieldProblems): IpcResult<never> {
  return { ok: false, error: fields === undefined ? { code, message } : { code, message, fields } };
}

/** Thrown on the renderer side when a call answered `ok: false`; keeps the code and any field problems. */
export class IpcCallError extends Error {
  override readonly name = 'IpcCallError';
  constructor(
    readonly channel: string,
    readonly code: IpcErrorCode,
    message: string,
    readonly fields?: FieldProblems,
  ) {
    super(message);
  }
}

/** The value of a successful answer; throws {@link IpcCallError} otherwise. */
export function unwrapIpcResult<T>(channel: string, result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw new IpcCallError(channel, result.error.code, result.error.message, result.error.fields);
}

/**
 * The name of a channel's function on `window.lifeboat`: `plugins:list` → `pluginsList`,
 * event `jobs:changed` → `onJobsChanged`. Types and runtime agree on this one rule.
 */
export type CamelChannel<S extends string> = S extends `${infer Head}:${infer Tail}`
  ? `${CamelChannel<Head>}${Capitalize<CamelChannel<Tail>>}`
  : S extends `${infer Head}-${infer Tail}`
    ? `${Head}${Capitalize<CamelChannel<Tail>>}`
    : S;
export type EventBridgeName<C extends EventChannel> = `on${Capitalize<CamelChannel<C>>}`;

export function invokeBridgeName<C extends InvokeChannel>(channel: C): CamelChannel<C> {
  return camelCase(channel) as CamelChannel<C>;
}

export function eventBridgeName<C extends EventChannel>(channel: C): EventBridgeName<C> {
  const camel = camelCase(channel);
  return `on${camel.charAt(0).toUpperCase()}${camel.slice(1)}` as EventBridgeName<C>;
}

function camelCase(channel: string): string {
  return channel.replace(/[:-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Removes a listener added with an `on…` bridge function. */
export type Unsubscribe = () => void;

/** What the preload exposes as `window.lifeboat`: one function per channel. */
export type LifeboatBridge = {
  readonly [C in InvokeChannel as CamelChannel<C>]: (...args: InvokeArgs<C>) => Promise<IpcResult<InvokeResponse<C>>>;
} & {
  readonly [C in EventChannel as EventBridgeName<C>]: (listener: (payload: EventPayload<C>) => void) => Unsubscribe;
};
