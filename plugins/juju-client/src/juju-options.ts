/**
 * The target's options as the plugin uses them. The host validated them against the
 * manifest's schema, but a CLI `--opt exclude=local,local2` may still arrive as one string.
 */
import type { PluginContext } from '../../../src-main/plugin-host/plugin-api.js';
import { PluginError } from './plugin-error.js';

export interface JujuClientOptions {
  readonly dir?: string;
  readonly exclude: readonly string[];
  readonly to?: string;
}

export function readOptions(ctx: PluginContext): JujuClientOptions {
  const o = ctx.target.options;
  return {
    dir: optionalString(o.dir, 'dir'),
    exclude: stringList(o.exclude),
    to: optionalString(o.to, 'to'),
  };
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new PluginError('config', `The option "${name}" must be a path (a string), not ${JSON.stringify(value)}.`);
  }
  return value;
}

function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') {
      throw new PluginError('config', `The option "exclude" takes folder names or globs, not ${JSON.stringify(item)}.`);
    }
    // Commas separate several names given in one `--opt exclude=local,local2`.
    for (const part of item.split(',')) {
      const trimmed = part.trim().replace(/^\.\/+/, '').replace(/\/+$/, '');
      if (trimmed) out.push(trimmed);
    }
  }
  return out;
}
