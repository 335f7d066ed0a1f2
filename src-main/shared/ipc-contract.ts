/**
 * The one contract between the main process and the renderer. Invoke channels are requests
 * from the renderer answered by main; event channels are pushed from main. Both sides' typed
 * wrappers (src-main/ipc, src-main/preload, src-renderer/src/ipc) are derived from these maps,
 * and `lifeboat serve` carries the same channels over WebSocket.
 *
 * Handlers never throw across the boundary: Electron keeps only an error's message, so every
 * answer is an {@link IpcResult} carrying the error's code as data.
 */
import type { AppErrorCode } from './app-error.js';
import type { ArchiveInfo } from './models/archive.js';
import type { JobSnapshot } from './models/job.js';
import type { PluginInfo } from './models/plugin.js';

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
}

/** Main → renderer channels and their payloads. */
export interface EventChannels {
  'jobs:changed': JobSnapshot;
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;
export type InvokeRequest<C extends InvokeChannel> = InvokeChannels[C]['request'];
export type InvokeResponse<C extends InvokeChannel> = InvokeChannels[C]['response'];
export type EventPayload<C extends EventChannel> = EventChannels[C];

/** The arguments of a call: none for `void` requests, else exactly the request. */
export type InvokeArgs<C extends InvokeChannel> = InvokeRequest<C> extends void ? [] : [request: InvokeRequest<C>];

// Runtime lists, checked against the maps so a channel cannot be forgotten on one side.
export const INVOKE_CHANNELS = ['plugins:list', 'archives:list', 'app:info'] as const satisfies readonly InvokeChannel[];
export const EVENT_CHANNELS = ['jobs:changed'] as const satisfies readonly EventChannel[];
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
}

export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export function ipcOk<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function ipcFail(code: IpcErrorCode, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

/** Thrown on the renderer side when a call answered `ok: false`; keeps the code. */
export class IpcCallError extends Error {
  override readonly name = 'IpcCallError';
  constructor(
    readonly channel: string,
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The value of a successful answer; throws {@link IpcCallError} otherwise. */
export function unwrapIpcResult<T>(channel: string, result: IpcResult<T>): T {
  if (result.ok) return result.value;
  throw new IpcCallError(channel, result.error.code, result.error.message);
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
