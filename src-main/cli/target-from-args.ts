import { AppError } from '../shared/app-error.js';
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
    if (!args.opt?.length) return t;
    const loaded = (await cli.registry()).get(t.plugin);
    return { ...t, options: { ...t.options, ...coerceOptionStrings(loaded.manifest.options, parseOpts(args.opt)) } };
  }
  if (!args.plugin) throw new AppError('usage', `Name a target (see \`lifeboat targets\`) or give --plugin ID --opt key=value.\n${usage}`);
  const loaded = (await cli.registry()).get(args.plugin);
  const options = coerceOptionStrings(loaded.manifest.options, parseOpts(args.opt));
  return { name: args.name ?? loaded.info.id, plugin: loaded.info.id, options };
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
