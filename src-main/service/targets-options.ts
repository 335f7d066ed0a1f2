/** The option checks the service applies when a target is saved. */
import type { PluginManifest } from '../plugin-host/index.js';
import { validateOptions } from '../plugin-host/index.js';

export { REDACTED_VALUE, redactOptions } from '../plugin-host/index.js';

/** Throws AppError('config') naming each bad option, as a backup would. */
export function checkTargetOptions(manifest: PluginManifest, options: Record<string, unknown>): void {
  validateOptions(manifest, { ...options });
}
