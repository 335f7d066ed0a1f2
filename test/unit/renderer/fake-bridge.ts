/**
 * A stand-in `window.lifeboat` for the renderer's tests: each invoke channel answers from a
 * handler (or fails with main's error shape when the handler throws), every call is recorded,
 * and events are pushed with `emit`, as the preload would.
 */
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventBridgeName,
  invokeBridgeName,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcErrorCode,
} from '../../../src-main/shared/ipc-contract.js';

export type Handlers = {
  [C in InvokeChannel]?: (request: InvokeRequest<C>) => InvokeResponse<C> | Promise<InvokeResponse<C>>;
};

/** Thrown by a handler to answer `{ ok: false, error: { code, message, fields? } }`. */
export class FakeFailure extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly fields?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export interface FakeBridge {
  readonly calls: { channel: InvokeChannel; request: unknown }[];
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  callsOf(channel: InvokeChannel): unknown[];
}

export function installFakeBridge(handlers: Handlers): FakeBridge {
  const calls: FakeBridge['calls'] = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const bridge: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) {
    bridge[invokeBridgeName(channel)] = async (request?: unknown) => {
      calls.push({ channel, request });
      const handler = handlers[channel] as ((r: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'internal', message: `No fake answer for ${channel}.` } };
      try {
        return { ok: true, value: await handler(request) };
      } catch (e) {
        if (!(e instanceof FakeFailure)) return { ok: false, error: { code: 'internal', message: (e as Error).message } };
        return { ok: false, error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } };
      }
    };
  }
  for (const channel of EVENT_CHANNELS) {
    bridge[eventBridgeName(channel)] = (listener: (payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    };
  }
  Object.defineProperty(window, 'lifeboat', { value: bridge, configurable: true });
  return {
    calls,
    emit: (channel, payload) => listeners.get(channel)?.forEach((l) => l(payload)),
    callsOf: (channel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
  };
}
