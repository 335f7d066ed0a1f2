/** Does anything answer on a TCP port? A short connect from this machine, nothing sent. */
import { Socket } from 'node:net';

export function answers(host: string, port: number, timeoutMs = 2500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.connect(port, host);
  });
}

/** The ports of `ports` that answer on `host`. */
export async function answeringPorts(host: string, ports: readonly number[], timeoutMs?: number): Promise<number[]> {
  const r = await Promise.all(ports.map(async (p) => ((await answers(host, p, timeoutMs)) ? p : undefined)));
  return r.filter((p): p is number => p !== undefined);
}
