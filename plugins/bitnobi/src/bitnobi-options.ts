/** The bitnobi target's options, with their defaults. */
import { AppError } from '../../../src-main/shared/app-error.js';

export interface BitnobiOptions {
  readonly container: string;
  readonly home: string;
  readonly backupDir: string;
  readonly hostBackupDir?: string;
  readonly haltCommand: string;
  readonly startCommand: string;
  readonly backupCommand: string;
  readonly restoreCommand: string;
  readonly keepOnHost: boolean;
  readonly probePort: number;
  readonly probeTimeoutSeconds: number;
  readonly image?: string;
  readonly ports?: readonly string[];
  readonly acrossVersions: boolean;
  /** While Bitnobi is halted, the watchdog in the container starts it again after this long without word from Lifeboat. */
  readonly supervisorGraceSeconds: number;
}

export function readOptions(o: Readonly<Record<string, unknown>>): BitnobiOptions {
  const str = (key: string, fallback?: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v !== 'string') throw new AppError('config', `The bitnobi option "${key}" must be a string.`);
    return v;
  };
  const home = str('home', '/home/Bitnobi-V1')!.replace(/\/+$/, '');
  const ports = Array.isArray(o.ports) ? o.ports.map(String) : undefined;
  for (const p of ports ?? []) {
    if (!/^(?:[\d.:[\]a-f]+:)?\d+:\d+(?:\/(?:tcp|udp))?$/i.test(p)) throw new AppError('config', `The bitnobi option "ports" has "${p}"; write hostPort:containerPort, e.g. 8000:8000.`);
  }
  return {
    container: str('container', 'bitnobi')!,
    home,
    backupDir: str('backupDir', `${home}/backup`)!.replace(/\/+$/, ''),
    ...(str('hostBackupDir') !== undefined ? { hostBackupDir: str('hostBackupDir')! } : {}),
    haltCommand: str('haltCommand', 'pm2 delete all')!,
    startCommand: str('startCommand', './startScript.sh')!,
    backupCommand: str('backupCommand', './bitnobiBackup.sh')!,
    restoreCommand: str('restoreCommand', './bitnobiRestore.sh')!,
    keepOnHost: o.keepOnHost !== false,
    probePort: typeof o.probePort === 'number' ? o.probePort : 8000,
    probeTimeoutSeconds: typeof o.probeTimeoutSeconds === 'number' ? o.probeTimeoutSeconds : 60,
    ...(str('image') !== undefined ? { image: str('image')! } : {}),
    ...(ports ? { ports } : {}),
    acrossVersions: o.acrossVersions === true,
    supervisorGraceSeconds: typeof o.supervisorGraceSeconds === 'number' ? o.supervisorGraceSeconds : 60,
  };
}
