import { WebSocket, type RawData } from 'ws';
import { createInvokeDispatcher, type InvokeDispatcher } from '../ipc/index.js';
import { ipcFail, type IpcResult } from '../shared/ipc-contract.js';
import type { ServedService } from './served-service.js';

/** Larger messages are refused with an answer; the IPC contract carries no bulk data. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A call from the page: `args` as the preload would pass them to `ipcRenderer.invoke`. */
export interface SocketRequest {
  readonly id: string | number;
  readonly channel: string;
  readonly args?: readonly unknown[];
}

/**
 * The page's heartbeat: `{"ping": n}` is answered `{"pong": n}` at once, so a page can tell a
 * live connection from one that died without a close (a suspended laptop, a dropped NAT entry).
 */
export interface SocketPing {
  readonly ping: number;
}

/** `id` is null when the message was too broken to read one from. */
export type SocketMessageOut =
  | { readonly id: string | number | null; readonly result: IpcResult<unknown> }
  | { readonly event: string; readonly payload: unknown }
  | { readonly pong: number };

/** How often the page pings by default, and how often the server pings the page's socket. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

export interface IpcSocketHubOptions {
  /**
   * The server pings every socket this often (WebSocket-level ping, answered by the browser
   * itself) and drops one that did not answer the previous ping, so dead pages do not leak.
   */
  readonly heartbeatMs?: number;
}

export interface IpcSocketHub {
  /** Takes over an authenticated socket: answers its calls, sends it every event. */
  add(socket: WebSocket): void;
  /** Closes every socket and stops listening to the service's events. */
  close(): void;
}

/**
 * The WebSocket side of the IPC contract. Sockets reach it only after the upgrade passed the
 * Host, Origin and token checks, so every one of them is trusted as the Electron window is.
 */
export function createIpcSocketHub(service: ServedService, options: IpcSocketHubOptions = {}): IpcSocketHub {
  const sockets = new Set<WebSocket>();
  // Sockets that answered (or sent anything) since the last round of pings.
  const alive = new WeakSet<WebSocket>();
  const dispatch = createInvokeDispatcher(service.handlers, {
    isTrustedSender: () => true,
    onUnexpectedError: (channel, error) => console.error(`lifeboat serve: "${channel}" failed:`, error),
  });
  const stopEvents = service.onEvent((channel, payload) => {
    const text = JSON.stringify({ event: channel, payload } satisfies SocketMessageOut);
    for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(text);
  });
  const pinger = setInterval(() => {
    for (const socket of sockets) {
      if (!alive.has(socket)) {
        // No close frame will come from a peer that is gone: drop it without the handshake.
        socket.terminate();
        sockets.delete(socket);
        continue;
      }
      alive.delete(socket);
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  pinger.unref();

  return {
    add(socket) {
      sockets.add(socket);
      alive.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (e) => console.error('lifeboat serve: a WebSocket failed:', e.message));
      socket.on('pong', () => alive.add(socket));
      socket.on('message', (data, isBinary) => {
        alive.add(socket);
        void answer(socket, dispatch, data, isBinary);
      });
    },
    close() {
      clearInterval(pinger);
      stopEvents();
      for (const socket of sockets) socket.close(1001, 'lifeboat serve is stopping');
      sockets.clear();
    },
  };
}

async function answer(socket: WebSocket, dispatch: InvokeDispatcher, data: RawData, isBinary: boolean): Promise<void> {
  const parsed = parseRequest(data, isBinary);
  const reply: SocketMessageOut =
    'ping' in parsed
      ? { pong: parsed.ping }
      : 'problem' in parsed
      ? { id: parsed.id, result: ipcFail('usage', `Malformed message: ${parsed.problem}. Send JSON text {"id", "channel", "args"}.`) }
      : { id: parsed.id, result: await dispatch({ channel: parsed.channel, senderUrl: undefined, args: parsed.args ?? [] }) };
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(reply));
}

type Parsed = SocketRequest | SocketPing | { readonly id: string | number | null; readonly problem: string };

function parseRequest(data: RawData, isBinary: boolean): Parsed {
  if (isBinary) return { id: null, problem: 'binary frames are not understood' };
  const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
  if (size > MAX_MESSAGE_BYTES) return { id: null, problem: `it is ${size} bytes, more than the limit of ${MAX_MESSAGE_BYTES}` };
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: null, problem: 'it is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { id: null, problem: 'it is not a JSON object' };
  const { id, channel, args, ping } = value as Record<string, unknown>;
  if (id === undefined && channel === undefined && ping !== undefined) {
    return typeof ping === 'number' && Number.isSafeInteger(ping) ? { ping } : { id: null, problem: '"ping" is not an integer' };
  }
  const validId = (typeof id === 'string' && id.length > 0 && id.length <= 100) || (typeof id === 'number' && Number.isSafeInteger(id));
  if (!validId) return { id: null, problem: 'it has no "id" (a number, or a string of up to 100 characters)' };
  if (typeof channel !== 'string') return { id, problem: 'it has no "channel" string' };
  if (args !== undefined && !Array.isArray(args)) return { id, problem: '"args" is not an array' };
  return { id, channel, ...(args ? { args: args as unknown[] } : {}) };
}
