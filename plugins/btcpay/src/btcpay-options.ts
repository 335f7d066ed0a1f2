/** The btcpay target's options, read once with their defaults. */
import { AppError } from '../../../src-main/shared/app-error.js';

export interface BtcpayOptions {
  /** Undefined: found from the volumes (see findStack). */
  readonly project?: string;
  readonly exclude: readonly string[];
  readonly includeLightningState: boolean;
  readonly helperImage?: string;
  readonly stopTimeoutSeconds: number;
  readonly supervisorGraceSeconds: number;
  /** The Docker socket on the host the stack runs on (for the supervisor's `docker` command). */
  readonly dockerSocket: string;
  readonly remote: boolean;
}

export function readOptions(options: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): BtcpayOptions {
  const str = (key: string): string | undefined => {
    const v = options[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new AppError('config', `The btcpay option "${key}" must be a string.`);
    return v;
  };
  const int = (key: string, fallback: number): number => {
    const v = options[key];
    return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
  };
  const project = str('project');
  if (project !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(project)) {
    throw new AppError('config', `"${project}" is not a docker-compose project name (lowercase letters, digits, _ and -). It is usually "generated".`);
  }
  const remote = options.ssh !== undefined && options.ssh !== null;
  const envSocket = env.DOCKER_HOST?.startsWith('unix://') ? env.DOCKER_HOST.slice('unix://'.length) : undefined;
  return {
    ...(project !== undefined ? { project } : {}),
    exclude: Array.isArray(options.exclude) ? options.exclude.filter((x): x is string => typeof x === 'string') : [],
    includeLightningState: options.includeLightningState === true,
    ...(str('helperImage') !== undefined ? { helperImage: str('helperImage')! } : {}),
    stopTimeoutSeconds: int('stopTimeoutSeconds', 30),
    supervisorGraceSeconds: Math.max(3, int('supervisorGraceSeconds', 60)),
    dockerSocket: str('dockerSocket') ?? (remote ? undefined : envSocket) ?? '/var/run/docker.sock',
    remote,
  };
}
