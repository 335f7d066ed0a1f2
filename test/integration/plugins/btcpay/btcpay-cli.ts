/**
 * What the btcpay plugin's tests share: a CLI home whose config has a btcpay target for a
 * stand-in stack on the private test engine, and a few readings of the result.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { StackState } from '../../../env/docker/btcpay-stack.js';
import type { CliHome } from '../lifeboat-cli.js';

export const PASSPHRASE = 'correct horse battery staple btcpay';

export interface BtcpayCliHome extends CliHome {
  readonly passFile: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A CLI home with one target, `btcpay`, of the given options. DOCKER_HOST points at the test engine. */
export async function btcpayCliHome(base: string, socketPath: string, options: Record<string, unknown>): Promise<BtcpayCliHome> {
  const home = {
    home: join(base, 'home'),
    dataHome: join(base, 'xdg-data'),
    configHome: join(base, 'xdg-config'),
    store: join(base, 'store'),
    passFile: join(base, 'passphrase.txt'),
    env: { DOCKER_HOST: `unix://${socketPath}` },
  };
  for (const d of [home.home, home.dataHome, join(home.configHome, 'lifeboat'), home.store]) await mkdir(d, { recursive: true });
  await writeFile(home.passFile, PASSPHRASE + '\n', { mode: 0o600 });
  await writeFile(join(home.configHome, 'lifeboat', 'config.yaml'), stringify({ targets: { btcpay: { plugin: 'btcpay', options } } }));
  return home;
}

/** The state without what a restore leaves to the host on purpose (excluded paths). */
export function withoutPaths(state: StackState, drop: (volume: string, path: string) => boolean): StackState {
  const volumes = Object.fromEntries(
    Object.entries(state.volumes).map(([v, paths]) => [v, Object.fromEntries(Object.entries(paths).filter(([p]) => !drop(v, p)))]),
  );
  return { ...state, volumes };
}
