/** The juju-state target's options, with their defaults. */
import type { SshOptions } from '../../../src-main/plugin-host/plugin-api.js';
import { AppError } from '../../../src-main/shared/app-error.js';

/** A machine to re-point on restore, with SSH settings that differ from the target's. */
export interface MachineSetting {
  readonly id: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly skip?: boolean;
}

export interface JujuOptions {
  readonly ssh: SshOptions;
  /** Commands run through sudo (default true). */
  readonly sudo: boolean;
  readonly agent?: string;
  readonly mongodump?: string;
  readonly mongorestore?: string;
  readonly mongo?: string;
  readonly stagingDir?: string;
  readonly haMachine?: string;
  readonly machines?: readonly MachineSetting[];
  readonly oldAddress?: string;
  readonly newAddress?: string;
}

export function readOptions(o: Readonly<Record<string, unknown>>): JujuOptions {
  const ssh = o.ssh as SshOptions | undefined;
  if (!ssh || typeof ssh !== 'object' || typeof ssh.host !== 'string') {
    throw new AppError('config', 'The juju-state target needs an "ssh" option naming the controller, e.g. { host: "10.0.0.1", user: "ubuntu", identityFile: "~/.ssh/id_ed25519" }.');
  }
  const str = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new AppError('config', `The juju-state option "${key}" must be a string.`);
    return v;
  };
  const agent = str('agent');
  if (agent !== undefined && !/^machine-[0-9a-z-]+$/.test(agent)) {
    throw new AppError('config', `The juju-state option "agent" is "${agent}"; write a machine agent's tag, e.g. machine-0.`);
  }
  let machines: MachineSetting[] | undefined;
  if (o.machines !== undefined) {
    if (!Array.isArray(o.machines)) throw new AppError('config', 'The juju-state option "machines" must be a list, e.g. [{ "id": "1", "host": "10.0.0.5" }].');
    machines = o.machines.map((m: unknown) => {
      const r = (m ?? {}) as Record<string, unknown>;
      if (typeof r.id !== 'string' && typeof r.id !== 'number') throw new AppError('config', 'Each entry of the juju-state option "machines" needs an "id" (the Juju machine id, e.g. "1").');
      return {
        id: String(r.id),
        ...(typeof r.host === 'string' ? { host: r.host } : {}),
        ...(typeof r.port === 'number' ? { port: r.port } : {}),
        ...(typeof r.user === 'string' ? { user: r.user } : {}),
        ...(typeof r.identityFile === 'string' ? { identityFile: r.identityFile } : {}),
        ...(r.skip === true ? { skip: true } : {}),
      };
    });
  }
  const pick = <K extends string>(key: K): Partial<Record<K, string>> => {
    const v = str(key);
    return v === undefined ? {} : ({ [key]: v } as Record<K, string>);
  };
  return {
    ssh,
    sudo: ssh.sudo !== false,
    ...pick('agent'),
    ...pick('mongodump'),
    ...pick('mongorestore'),
    ...pick('mongo'),
    ...pick('stagingDir'),
    ...pick('haMachine'),
    ...(machines ? { machines } : {}),
    ...pick('oldAddress'),
    ...pick('newAddress'),
  };
}
