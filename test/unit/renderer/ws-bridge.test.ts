/**
 * The browser's bridge to `lifeboat serve` over a stand-in WebSocket the test plays the server
 * of, on fake timers: calls wait for the first connection; a connection that stops answering
 * its heartbeat is dropped (the waiting call answers 'unreachable' instead of hanging) and
 * replaced; the window hears of the loss and of the reconnect, and its banner says so.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ConnectionBanner from '../../../src-renderer/src/components/ConnectionBanner.vue';
import { createWsBridge, installWsBridge, LOST_MESSAGE, REFUSED_MESSAGE, wsConnection, type ConnectionState, type WsBridge } from '../../../src-renderer/src/ipc/ws-bridge.js';
import type { IpcResult } from '../../../src-main/shared/ipc-contract.js';

const HEARTBEAT_MS = 1000;

/** A WebSocket whose far end is the test: it opens, answers, goes silent or closes on demand. */
class FakeSocket extends EventTarget {
  static made: FakeSocket[] = [];
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closeCalls = 0;

  constructor(readonly url: string) {
    super();
    FakeSocket.made.push(this);
  }

  send(text: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }

  /** A dead peer never completes the closing handshake: no close event follows. */
  close(): void {
    this.closeCalls++;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  push(message: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  /** The server closed the connection. */
  closedByServer(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }

  calls(): { id: number; channel: string }[] {
    return this.sent.filter((m) => 'channel' in m) as { id: number; channel: string }[];
  }

  pings(): { ping: number }[] {
    return this.sent.filter((m) => 'ping' in m) as { ping: number }[];
  }

  /** Answers every call and ping sent so far that is not answered yet. */
  answerAll(value: unknown = []): void {
    for (const m of this.sent.splice(0)) {
      if ('ping' in m) this.push({ pong: m.ping });
      else this.push({ id: m.id, result: { ok: true, value } });
    }
  }
}

const latest = (): FakeSocket => FakeSocket.made[FakeSocket.made.length - 1]!;

/** Settles a call's promise into a value the test can look at without awaiting forever. */
function track<T>(promise: Promise<T>): { result?: T } {
  const box: { result?: T } = {};
  void promise.then((r) => (box.result = r));
  return box;
}

let made: WsBridge | undefined;
/** What a plain request to the server answers: a status, or nothing (the server is down). */
let pageStatus: number | undefined;
const fetched: string[] = [];

beforeEach(() => {
  FakeSocket.made = [];
  pageStatus = undefined;
  fetched.length = 0;
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', (href: string) => {
    fetched.push(href);
    return pageStatus === undefined ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ status: pageStatus });
  });
});

afterEach(() => {
  made?.dispose();
  made = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function bridge(): WsBridge {
  made = createWsBridge('ws://serve.test/ipc', { heartbeatMs: HEARTBEAT_MS });
  return made;
}

describe('the WebSocket bridge', () => {
  it('holds calls until the first connection opens, then sends and answers them', async () => {
    const { bridge: api, connection } = bridge();
    expect(connection.state).toBe('connecting');
    const call = track(api.pluginsList());
    await flushPromises();
    expect(call.result).toBeUndefined();

    latest().open();
    expect(connection.state).toBe('connected');
    expect(latest().calls().map((c) => c.channel)).toEqual(['plugins:list']);
    latest().answerAll([{ id: 'juju-client' }]);
    await flushPromises();
    expect(call.result).toEqual({ ok: true, value: [{ id: 'juju-client' }] });
  });

  it('pings while connected and stays connected as long as the server answers', async () => {
    const { bridge: api, connection } = bridge();
    latest().open();
    for (let beat = 0; beat < 5; beat++) {
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect(latest().pings()).toHaveLength(1);
      latest().answerAll();
    }
    expect(connection.state).toBe('connected');
    expect(FakeSocket.made).toHaveLength(1);
    const call = track(api.appInfo());
    latest().answerAll({ version: '1.0.0' });
    await flushPromises();
    expect(call.result).toEqual({ ok: true, value: { version: '1.0.0' } });
  });

  it('counts any message as an answer: a server busy sending events is not dropped', () => {
    const { connection } = bridge();
    latest().open();
    vi.advanceTimersByTime(HEARTBEAT_MS);
    latest().push({ event: 'jobs:changed', payload: { id: 'j1' } });
    vi.advanceTimersByTime(HEARTBEAT_MS - 1);
    expect(connection.state).toBe('connected');
  });

  it('drops a connection that goes silent: the waiting call answers unreachable, later calls too, and it reconnects', async () => {
    const { bridge: api, connection } = bridge();
    const states: ConnectionState[] = [];
    connection.onDidChangeState((s) => states.push(s));
    const reconnected = vi.fn();
    connection.onDidReconnect(reconnected);
    const first = latest();
    first.open();

    // The network dies without a close: the ping and the call get no answer.
    const waiting = track(api.jobsList());
    vi.advanceTimersByTime(HEARTBEAT_MS);
    await flushPromises();
    expect(waiting.result).toBeUndefined();
    vi.advanceTimersByTime(HEARTBEAT_MS);
    await flushPromises();
    expect(waiting.result).toEqual({ ok: false, error: { code: 'unreachable', message: LOST_MESSAGE } });
    expect(connection.state).toBe('lost');
    expect(first.closeCalls).toBe(1);

    // While it is lost a call answers at once instead of waiting.
    const meanwhile = track(api.targetsList());
    await flushPromises();
    expect(meanwhile.result).toMatchObject({ ok: false, error: { code: 'unreachable' } });

    // A late answer on the abandoned socket changes nothing.
    first.push({ id: 1, result: { ok: true, value: ['late'] } });
    first.closedByServer();
    expect(FakeSocket.made).toHaveLength(1);

    vi.advanceTimersByTime(250);
    expect(FakeSocket.made).toHaveLength(2);
    expect(reconnected).not.toHaveBeenCalled();
    latest().open();
    expect(connection.state).toBe('connected');
    expect(reconnected).toHaveBeenCalledTimes(1);
    expect(states).toEqual(['connected', 'lost', 'connected']);

    const after = track(api.jobsList());
    latest().answerAll([]);
    await flushPromises();
    expect(after.result).toEqual({ ok: true, value: [] });
  });

  it('gives up on a socket that never opens and keeps trying, backing off', () => {
    const { connection } = bridge();
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(connection.state).toBe('lost');
    expect(FakeSocket.made[0]!.closeCalls).toBe(1);
    const attemptsAt: number[] = [];
    for (let ms = 0; ms < 20 * HEARTBEAT_MS; ms += 50) {
      const before = FakeSocket.made.length;
      vi.advanceTimersByTime(50);
      if (FakeSocket.made.length > before) attemptsAt.push(ms);
    }
    // Each attempt waits for its own timeout, then a longer pause than the one before.
    const gaps = attemptsAt.slice(1).map((at, i) => at - attemptsAt[i]!);
    expect(gaps.length).toBeGreaterThan(2);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0]!);
    // The server is back: the next attempt connects.
    const attempts = FakeSocket.made.length;
    while (FakeSocket.made.length === attempts) vi.advanceTimersByTime(50);
    latest().open();
    expect(connection.state).toBe('connected');
  });

  it('says so when the server is back but refuses the page (restarted with a new token), and lifts it when it lets the page in', async () => {
    const { bridge: api, connection } = bridge();
    const reconnected = vi.fn();
    connection.onDidReconnect(reconnected);
    latest().open();
    latest().closedByServer();
    expect(connection.state).toBe('lost');
    // The server is down: attempts fail, and so does the plain request.
    vi.advanceTimersByTime(250);
    latest().closedByServer();
    await flushPromises();
    expect(fetched).toEqual(['http://serve.test/']);
    expect(connection.state).toBe('lost');

    // Up again with a new token: the socket is refused (the browser says only that it closed).
    pageStatus = 401;
    vi.advanceTimersByTime(500);
    latest().closedByServer();
    await flushPromises();
    expect(connection.state).toBe('refused');
    expect(await api.pluginsList()).toEqual({ ok: false, error: { code: 'unreachable', message: REFUSED_MESSAGE } });
    vi.advanceTimersByTime(1000);
    latest().closedByServer();
    await flushPromises();
    expect(connection.state).toBe('refused');

    // Restarted with the old token after all: the next attempt opens.
    pageStatus = 200;
    vi.advanceTimersByTime(2000);
    latest().open();
    expect(connection.state).toBe('connected');
    expect(reconnected).toHaveBeenCalledTimes(1);
  });

  it('reconnects after the server closes the socket, and fails the calls it had', async () => {
    const { bridge: api, connection } = bridge();
    const reconnected = vi.fn();
    connection.onDidReconnect(reconnected);
    latest().open();
    const waiting = track(api.archivesList());
    latest().closedByServer();
    await flushPromises();
    expect(waiting.result).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    expect(connection.state).toBe('lost');
    vi.advanceTimersByTime(250);
    latest().open();
    expect(reconnected).toHaveBeenCalledTimes(1);
  });

  it('delivers events to listeners and answers by id, ignoring pongs', async () => {
    const { bridge: api } = bridge();
    latest().open();
    const seen: unknown[] = [];
    api.onJobsChanged((job) => seen.push(job));
    const a = track(api.pluginsList());
    const b = track(api.archivesList());
    const [callA, callB] = latest().calls();
    latest().push({ pong: 7 });
    latest().push({ event: 'jobs:changed', payload: { id: 'j1' } });
    latest().push({ id: callB!.id, result: { ok: true, value: ['b'] } });
    latest().push({ id: callA!.id, result: { ok: true, value: ['a'] } });
    await flushPromises();
    expect(seen).toEqual([{ id: 'j1' }]);
    expect(a.result).toEqual({ ok: true, value: ['a'] } satisfies IpcResult<unknown>);
    expect(b.result).toEqual({ ok: true, value: ['b'] });
  });
});

describe('the connection banner', () => {
  it('is absent while connected, says the connection is lost while it is, and goes away on reconnect', async () => {
    const meta = document.createElement('meta');
    meta.name = 'lifeboat-ipc';
    meta.content = 'websocket';
    const beat = document.createElement('meta');
    beat.name = 'lifeboat-heartbeat-ms';
    beat.content = String(HEARTBEAT_MS);
    document.head.append(meta, beat);
    installWsBridge(window);
    expect(wsConnection()).toBeDefined();
    expect(latest().url).toMatch(/^ws:\/\/.*\/ipc$/);

    const wrapper = mount(ConnectionBanner, { attachTo: document.body });
    const status = wrapper.get('[role=status]');
    latest().open();
    await flushPromises();
    expect(status.text()).toBe('');

    // Silent past the heartbeat the page was given.
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    await flushPromises();
    expect(status.text()).toContain('Connection lost — reconnecting…');

    vi.advanceTimersByTime(250);
    latest().open();
    await flushPromises();
    expect(status.text()).toBe('');

    // Dropped, then turned away: the operator is told to open the new URL.
    latest().closedByServer();
    pageStatus = 401;
    vi.advanceTimersByTime(250);
    latest().closedByServer();
    await flushPromises();
    expect(status.text()).toContain('Lifeboat was restarted: open the new URL it printed.');
    expect(status.text()).not.toContain('reconnecting');
    wrapper.unmount();
  });
});
