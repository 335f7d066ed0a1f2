import { AppError } from '../shared/app-error.js';
import { SECRET_PLACEHOLDER } from '../shared/models/secrets.js';
import type { TargetConfig } from '../shared/models/target.js';
import { findTarget } from '../config/index.js';
import { coerceOptionStrings, secretValues } from '../plugin-host/index.js';
import { parseOpts } from './args.js';
import type { CliContext } from './cli-context.js';
import type { Confirm } from '../operations/index.js';

/** A configured target by name, or an ad hoc one from `--plugin ID --opt key=value`. */
export async function targetFromArgs(
  cli: CliContext,
  args: { target?: string | undefined; plugin?: string | undefined; opt?: string[] | undefined; name?: string | undefined },
  usage: string,
): Promise<TargetConfig> {
  if (args.target && args.plugin) throw new AppError('usage', `Give a target or --plugin, not both.\n${usage}`);
  if (args.target) {
    const t = findTarget(await cli.config(), args.target);
    if (!args.opt?.length) return withoutAppSecrets(t, cli.configPath);
    const loaded = (await cli.registry()).get(t.plugin);
    return withoutAppSecrets({ ...t, options: { ...t.options, ...coerceOptionStrings(loaded.manifest.options, parseOpts(args.opt)) } }, cli.configPath);
  }
  if (!args.plugin) throw new AppError('usage', `Name a target (see \`lifeboat targets\`) or give --plugin ID --opt key=value.\n${usage}`);
  const loaded = (await cli.registry()).get(args.plugin);
  const options = coerceOptionStrings(loaded.manifest.options, parseOpts(args.opt));
  return { name: args.name ?? loaded.info.id, plugin: loaded.info.id, options };
}

/**
 * The target as it is, unless an option still holds the placeholder the desktop app writes
 * for a secret it keeps in its own store, which the command line cannot read: then an
 * AppError('config') saying how to give that option here.
 */
function withoutAppSecrets(target: TargetConfig, configPath: string): TargetConfig {
  const kept = placeholderPaths(target.options, []);
  if (kept.length === 0) return target;
  const [first] = kept;
  const how = first!.includes('.')
    ? `replace "${SECRET_PLACEHOLDER}" with its value under targets.${target.name}.options in ${configPath}`
    : `pass it with --opt ${first}=VALUE, or replace "${SECRET_PLACEHOLDER}" with its value under targets.${target.name}.options in ${configPath}`;
  throw new AppError(
    'config',
    `Option${kept.length > 1 ? 's' : ''} ${kept.map((k) => `"${k}"`).join(', ')} of target "${target.name}" ${kept.length > 1 ? 'are' : 'is'} kept by the Lifeboat desktop app in its secret store, which the command line cannot read. To run it here, ${how}${kept.length > 1 ? ' (and the same for the others)' : ''}.`,
  );
}

function placeholderPaths(options: Readonly<Record<string, unknown>>, at: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === SECRET_PLACEHOLDER) out.push([...at, key].join('.'));
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(...placeholderPaths(value as Record<string, unknown>, [...at, key]));
  }
  return out;
}

/** Yes with --yes; a y/N prompt on a terminal; otherwise a usage error saying to pass --yes. */
export function cliConfirm(cli: CliContext, yes: boolean): Confirm {
  return async (question, options) => {
    if (options?.trust && !cli.term.interactive) {
      throw new AppError(
        'host-key',
        `${question}\nLifeboat trusts a new host only when someone answers on a terminal (--yes does not). Run this once on a terminal, or add the host's key to ~/.ssh/known_hosts after checking its fingerprint.`,
      );
    }
    if (yes && !options?.trust) {
      cli.term.write(`${question} yes (--yes)\n`);
      return true;
    }
    if (!cli.term.interactive) {
      throw new AppError('usage', `${question}\nThis step needs confirmation: run on a terminal, or pass --yes.`);
    }
    const answer = await cli.term.readLine(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  };
}

/** The target's secret option values (sudo passwords...), for the job log's redactor. */
export async function targetSecrets(cli: CliContext, target: TargetConfig): Promise<string[]> {
  const loaded = (await cli.registry()).get(target.plugin);
  return secretValues(loaded.manifest.options, target.options);
}
