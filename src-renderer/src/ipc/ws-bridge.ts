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
  type Unsubscribe,
} from '../../../src-main/shared/ipc-contract.js';

/** Must match the server's path and message limit (src-main/server). */
const IPC_PATH = '/ipc';
const MAX_MESSAGE_BYTES = 1024 * 1024;
const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 5000;
/** The server's default; the page it serves says which it uses (see heartbeatFrom). */
const DEFAULT_HEARTBEAT_MS = 10_000;

// WebSocket.readyState values, spelled out so any WebSocket-like class will do.
const CONNECTING = 0;
const OPEN = 1;

export const LOST_MESSAGE =
  'The connection to `lifeboat serve` is lost; reconnecting. If the server was restarted, open the new URL it printed.';
export const REFUSED_MESSAGE =
  '`lifeboat serve` no longer accepts this page: it was restarted with a new access token. Open the new URL it printed.';

/**
 * `connecting`: the first connection is being made (calls wait for it). `connected`: calls go
 * through. `lost`: the connection dropped or stopped answering; calls fail at once as
 * 'unreachable' while the bridge reconnects with backoff. `refused`: the server answers again but
 * turns this page's token away (it was restarted without --token-file); only a new URL helps.
 */
export type ConnectionState = 'connecting' | 'connected' | 'lost' | 'refused';

/** The bridge's connection, for the window to show and to catch up after a drop. */
export interface BridgeConnection {
  readonly state: ConnectionState;
  onDidChangeState(listener: (state: ConnectionState) => void): Unsubscribe;
  /**
   * Called when a connection opens after one was lost (or the first one failed). Events sent
   * meanwhile are not replayed: whoever shows server state reloads it here.
   */
  onDidReconnect(listener: () => void): Unsubscribe;
}

export interface WsBridge {
  readonly bridge: LifeboatBridge;
  readonly connection: BridgeConnection;
  /** Closes the socket and stops reconnecting (pages never need it; tests do). */
  dispose(): void;
}

export interface WsBridgeOptions {
  /**
   * A ping goes out this often (ms); a connection that sends nothing back for as long after a
   * ping, or that takes as long to open, is treated as dead.
   */
  readonly heartbeatMs?: number;
}

/** The server marks the pages it serves, so a page from anywhere else never tries a socket. */
export function isServedByLifeboatServe(doc: Document): boolean {
  return doc.querySelector('meta[name="lifeboat-ipc"][content="websocket"]') !== null;
}

/** The heartbeat the server asks for in its page, or the default. */
export function heartbeatFrom(doc: Document): number {
  const raw = doc.querySelector('meta[name="lifeboat-heartbeat-ms"]')?.getAttribute('content');
  const ms = Number(raw);
  return raw && Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_HEARTBEAT_MS;
}

let installed: BridgeConnection | undefined;

/** The WebSocket bridge's connection, or undefined in Electron (the preload has no socket). */
export function wsConnection(): BridgeConnection | undefined {
  return installed;
}

/** Installs the WebSocket bridge as `window.lifeboat` unless the preload gave one. */
export function installWsBridge(win: Window): void {
  if (win.lifeboat || !isServedByLifeboatServe(win.document)) return;
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const { bridge, connection } = createWsBridge(`${scheme}//${win.location.host}${IPC_PATH}`, { heartbeatMs: heartbeatFrom(win.document) });
  installed = connection;
  Object.defineProperty(win, 'lifeboat', { value: bridge, enumerable: true });
}

type Pending = (result: IpcResult<unknown>) => void;

/** One socket's life: its heartbeat timers go with it when it is dropped. */
interface Link {
  readonly ws: WebSocket;
  opened: boolean;
  /** Set while the connection owes an answer (to a ping, or its opening). */
  deadline?: ReturnType<typeof setTimeout>;
  pinger?: ReturnType<typeof setInterval>;
}

/**
 * A bridge over a socket to `url`, reconnecting with backoff. Calls made while the first
 * socket is connecting wait for it; calls made while it is down, or cut off by a drop, answer
 * with an `unreachable` error, which the api turns into an IpcCallError. A heartbeat finds
 * connections that died without a close (a suspended laptop, a dropped NAT entry).
 */
export function createWsBridge(url: string, options: WsBridgeOptions = {}): WsBridge {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  let link: Link | undefined;
  let state: ConnectionState = 'connecting';
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let probing = false;
  let nextId = 1;
  let nextPing = 1;
  const pending = new Map<number, Pending>();
  const waitingForOpen: (() => void)[] = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const reconnectListeners = new Set<() => void>();

  const setState = (next: ConnectionState): void => {
    if (state === next) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  const failAll = (): void => {
    for (const resolve of pending.values()) resolve(ipcFail('unreachable', LOST_MESSAGE));
    pending.clear();
  };

  const stopTimers = (l: Link): void => {
    clearTimeout(l.deadline);
    clearInterval(l.pinger);
    l.deadline = undefined;
    l.pinger = undefined;
  };

  /** The link is over (closed, or silent too long): fail what waits on it and reconnect. */
  const drop = (l: Link, closeIt: boolean): void => {
    if (link !== l) return;
    link = undefined;
    stopTimers(l);
    if (closeIt) {
      try {
        l.ws.close();
      } catch {
        // Already closing; its close event is ignored either way.
      }
    }
    // A refused page stays refused while its attempts keep failing; the probe may lift it.
    if (state !== 'refused') setState('lost');
    if (!l.opened) probeRefusal();
    failAll();
    for (const send of waitingForOpen.splice(0)) send();
    if (disposed) return;
    retryTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  };

  /**
   * A browser hides why a WebSocket failed; a plain request shows whether the server is up and
   * refuses the page's cookie (401) or accepts it.
   */
  const probeRefusal = (): void => {
    if (probing || disposed || typeof fetch !== 'function') return;
    probing = true;
    const page = new URL(url);
    page.protocol = page.protocol === 'wss:' ? 'https:' : 'http:';
    page.pathname = '/';
    fetch(page.href, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin', redirect: 'manual' })
      .then((res) => {
        if (state === 'lost' && res.status === 401) setState('refused');
        else if (state === 'refused' && res.status !== 401) setState('lost');
      })
      .catch(() => undefined)
      .finally(() => (probing = false));
  };

  const expectAnswer = (l: Link): void => {
    l.deadline ??= setTimeout(() => drop(l, true), heartbeatMs);
  };

  const ping = (l: Link): void => {
    if (l.ws.readyState !== OPEN) return;
    l.ws.send(JSON.stringify({ ping: nextPing++ }));
    expectAnswer(l);
  };

  const connect = (): void => {
    retryTimer = undefined;
    const l: Link = { ws: new WebSocket(url), opened: false };
    link = l;
    // A connection that neither opens nor fails (packets dropped) counts as failed.
    expectAnswer(l);
    l.ws.addEventListener('open', () => {
      if (link !== l) return;
      l.opened = true;
      clearTimeout(l.deadline);
      l.deadline = undefined;
      l.pinger = setInterval(() => ping(l), heartbeatMs);
      retryMs = FIRST_RETRY_MS;
      const wasLost = state === 'lost' || state === 'refused';
      setState('connected');
      for (const send of waitingForOpen.splice(0)) send();
      if (wasLost) for (const listener of [...reconnectListeners]) listener();
    });
    l.ws.addEventListener('message', (e: MessageEvent) => {
      if (link !== l) return;
      // Anything from the server shows the connection is alive, not only the pong.
      clearTimeout(l.deadline);
      l.deadline = undefined;
      receive(e.data);
    });
    l.ws.addEventListener('close', () => drop(l, false));
  };

  const receive = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let message: { id?: unknown; result?: IpcResult<unknown>; event?: unknown; payload?: unknown; pong?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      console.error('lifeboat serve sent a message that is not JSON.');
      return;
    }
    if (message.pong !== undefined) return;
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
        const ws = link?.ws;
        if (ws?.readyState !== OPEN || state !== 'connected') return resolve(ipcFail('unreachable', state === 'refused' ? REFUSED_MESSAGE : LOST_MESSAGE));
        pending.set(id, resolve);
        ws.send(text);
      };
      // Only the first connection is waited for: once lost, the window says so at once.
      if (state === 'connecting' && link?.ws.readyState === CONNECTING) waitingForOpen.push(send);
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

  const subscribe = <T>(set: Set<T>, listener: T): Unsubscribe => {
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
  const connection: BridgeConnection = {
    get state() {
      return state;
    },
    onDidChangeState: (listener) => subscribe(stateListeners, listener),
    onDidReconnect: (listener) => subscribe(reconnectListeners, () => listener()),
  };

  connect();
  return {
    // The loops above cover every channel (the contract's lists are checked against its maps).
    bridge: bridge as LifeboatBridge,
    connection,
    dispose() {
      disposed = true;
      clearTimeout(retryTimer);
      if (link) drop(link, true);
    },
  };
}
