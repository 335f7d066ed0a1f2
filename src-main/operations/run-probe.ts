import type { TargetConfig } from '../shared/models/target.js';
import type { PluginRegistry, ProbeResult } from '../plugin-host/index.js';
import { validateOptions } from '../plugin-host/index.js';
import { withPluginContext, type OperationContext } from './operation-context.js';

/** Asks a target's plugin whether it is reachable and running; changes nothing. */
export async function runProbe(registry: PluginRegistry, target: TargetConfig, op: OperationContext): Promise<ProbeResult> {
  const loaded = registry.get(target.plugin);
  const options = validateOptions(loaded.manifest, { ...target.options });
  return withPluginContext(target, options, op, async () => false, (ctx) => loaded.plugin.probe(ctx));
}
