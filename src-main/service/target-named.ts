import { AppError } from '../shared/app-error.js';
import type { TargetConfig } from '../shared/models/target.js';
import type { Config } from '../config/index.js';

/** The configured target of that name, or AppError('not-found') worded for the window (not the CLI). */
export function targetNamed(config: Config, name: string): TargetConfig {
  const target = config.targets.find((t) => t.name === name);
  if (!target) {
    throw new AppError('not-found', `There is no target named "${name}"; it may have been removed or renamed in another window. Refresh the targets list.`);
  }
  return target;
}
