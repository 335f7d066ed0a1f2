/**
 * A TCP relay between the browser and `lifeboat serve` that the test can freeze: while frozen
 * it forwards nothing and closes nothing, but keeps every socket open, as a suspended laptop or
 * a dropped NAT entry does (no FIN, no RST, no close frame). Playwright's setOffline cannot do
 * this: it leaves an open WebSocket working.
 */
import net from 'node:net';

export interface FreezableProxy {
  readonly port: number;
  /** Stops forwarding bytes and closes in both directions; what arrives meanwhile is held. */
  freeze(): void;
  /** Delivers what was held, in order, and forwards again. */
  thaw(): void;
  /** How many of serve's sockets ended while frozen: serve gave up on a browser that went silent. */
  readonly serverDropsWhileFrozen: number;
  /** How many connections the browser has opened through the relay. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Listens on `listenHost` (port 0 picks one; serve must take the same number on `targetHost`,
 * so the browser's Host header is one serve answers to) and relays to `targetHost:port`.
 */
export async function startFreezableProxy(listenHost: string, targetHost: string): Promise<FreezableProxy> {
  let frozen = false;
  let held: (() => void)[] = [];
  let serverDropsWhileFrozen = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const whenThawed = (action: () => void): void => {
    if (frozen) held.push(action);
    else action();
  };

  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(port, targetHost);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('error', () => undefined);
      from.on('data', (data: Buffer) => whenThawed(() => to.write(data)));
      from.on('close', () => {
        sockets.delete(from);
        if (frozen && from === upstream) serverDropsWhileFrozen++;
        whenThawed(() => to.destroy());
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      const actions = held;
      held = [];
      for (const action of actions) action();
    },
    get serverDropsWhileFrozen() {
      return serverDropsWhileFrozen;
    },
    get connections() {
      return connections;
    },
    async close() {
      held = [];
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
