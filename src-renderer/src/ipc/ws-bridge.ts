/**
 * `window.lifeboat` for the browser: the same LifeboatBridge as the preload's, carried over a
 * WebSocket to the `lifeboat serve` that served the page, so nothing else in the renderer can
 * tell Electron from the browser. The server authenticated the page by its cookie already.
 */
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  eventBridgeName,
  invokeBridgeName,
  ipcFail,
  type EventChannel,
  type IpcResult,
  type LifeboatBridge,
} from '@shared/ipc-contract.js';

/** Must match the server's path and message limit (src-main/server). */
const IPC_PATH = '/ipc';
const MAX_MESSAGE_BYTES = 1024 * 1024;
const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 5000;

const LOST =
  'The connection to `lifeboat serve` is lost; reconnecting. If the server was restarted, open the new URL it printed.';

/** The server marks the pages it serves, so a page from anywhere else never tries a socket. */
export function isServedByLifeboatServe(doc: Document): boolean {
  return doc.querySelector('meta[name="lifeboat-ipc"][content="websocket"]') !== null;
}

/** Installs the WebSocket bridge as `window.lifeboat` unless the preload gave one. */
export function installWsBridge(win: Window): void {
  if (win.lifeboat || !isServedByLifeboatServe(win.document)) return;
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  Object.defineProperty(win, 'lifeboat', { value: createWsBridge(`${scheme}//${win.location.host}${IPC_PATH}`), enumerable: true });
}

type Pending = (result: IpcResult<unknown>) => void;

/**
 * A bridge over a socket to `url`, reconnecting with backoff. Calls made while the socket is
 * connecting wait for it; calls made while it is down (or cut off by a drop) answer with an
 * `unreachable` error, which the api turns into an IpcCallError.
 */
export function createWsBridge(url: string): LifeboatBridge {
  let socket: WebSocket | undefined;
  let retryMs = FIRST_RETRY_MS;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const waitingForOpen: (() => void)[] = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

  const failAll = (): void => {
    for (const resolve of pending.values()) resolve(ipcFail('unreachable', LOST));
    pending.clear();
  };

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      retryMs = FIRST_RETRY_MS;
      for (const send of waitingForOpen.splice(0)) send();
    });
    ws.addEventListener('message', (e: MessageEvent) => receive(e.data));
    ws.addEventListener('close', () => {
      socket = undefined;
      failAll();
      for (const send of waitingForOpen.splice(0)) send();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    });
  };

  const receive = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let message: { id?: unknown; result?: IpcResult<unknown>; event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      console.error('lifeboat serve sent a message that is not JSON.');
      return;
    }
    if (typeof message.event === 'string') {
      for (const listener of listeners.get(message.event as EventChannel) ?? []) listener(message.payload);
      return;
    }
    const resolve = typeof message.id === 'number' ? pending.get(message.id) : undefined;
    if (resolve && message.result) {
      pending.delete(message.id as number);
      resolve(message.result);
    } else if (message.result && !message.result.ok) {
      console.error(`lifeboat serve refused a message: ${message.result.error.message}`);
    }
  };

  const invoke = (channel: string, args: unknown[]): Promise<IpcResult<unknown>> =>
    new Promise((resolve) => {
      const id = nextId++;
      const text = JSON.stringify({ id, channel, args });
      if (new TextEncoder().encode(text).length > MAX_MESSAGE_BYTES) {
        resolve(ipcFail('usage', `The request to "${channel}" is larger than ${MAX_MESSAGE_BYTES} bytes; it was not sent.`));
        return;
      }
      const send = (): void => {
        if (socket?.readyState !== WebSocket.OPEN) return resolve(ipcFail('unreachable', LOST));
        pending.set(id, resolve);
        socket.send(text);
      };
      if (socket?.readyState === WebSocket.CONNECTING) waitingForOpen.push(send);
      else send();
    });

  const bridge: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) {
    bridge[invokeBridgeName(channel)] = (...args: unknown[]) => invoke(channel, args);
  }
  for (const channel of EVENT_CHANNELS) {
    bridge[eventBridgeName(channel)] = (listener: (payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      // Wrapped, so one listener added twice is two subscriptions, as with ipcRenderer.on.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    };
  }
  connect();
  // The loops above cover every channel (the contract's lists are checked against its maps).
  return bridge as LifeboatBridge;
}
