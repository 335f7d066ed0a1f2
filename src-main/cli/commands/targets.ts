import { AppError } from '../../shared/app-error.js';
import { coerceOptionStrings, validateOptions, redactOptions } from '../../plugin-host/index.js';
import { saveConfig, TARGET_NAME_PATTERN } from '../../config/index.js';
import { parse, parseOpts, requirePositional } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { table } from '../format.js';

export const TARGETS_USAGE = `Usage: lifeboat targets list [--json]
       lifeboat targets add NAME --plugin ID [--opt key=value ...]
       lifeboat targets remove NAME`;

/** `lifeboat targets list|add|remove`: the targets in config.yaml. */
export async function targetsCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { plugin: { type: 'string' }, opt: { type: 'string', multiple: true } }, TARGETS_USAGE);
  const sub = positionals[0] ?? 'list';
  const config = await cli.config();
  switch (sub) {
    case 'list': {
      const registry = await cli.registry();
      const shown = config.targets.map((t) => {
        const p = registry.list().find((x) => x.id === t.plugin);
        const schema = p?.optionsSchema ?? { type: 'object' };
        return { name: t.name, plugin: t.plugin, options: redactOptions(schema as never, t.options) };
      });
      if (cli.json) cli.term.out(JSON.stringify(shown, null, 2) + '\n');
      else if (shown.length === 0) cli.term.out(`No targets yet. Add one: lifeboat targets add NAME --plugin ID --opt key=value\n`);
      else cli.term.out(table([['NAME', 'PLUGIN', 'OPTIONS'], ...shown.map((t) => [t.name, t.plugin, JSON.stringify(t.options)])]));
      return 0;
    }
    case 'add': {
      const name = requirePositional(positionals, 1, 'the target name', TARGETS_USAGE);
      if (!TARGET_NAME_PATTERN.test(name)) throw new AppError('usage', `"${name}" is not a valid target name (letters, digits, . _ -; up to 64).`);
      if (!values.plugin) throw new AppError('usage', `--plugin is required.\n${TARGETS_USAGE}`);
      if (config.targets.some((t) => t.name === name)) throw new AppError('usage', `A target named "${name}" exists already; remove it first.`);
      const loaded = (await cli.registry()).get(values.plugin);
      const options = coerceOptionStrings(loaded.manifest.options, parseOpts(values.opt));
      validateOptions(loaded.manifest, { ...options });
      await saveConfig({ ...config, targets: [...config.targets, { name, plugin: loaded.info.id, options }] }, cli.configPath);
      cli.term.write(`Added target "${name}" (${loaded.info.displayName}) to ${cli.configPath}\n`);
      return 0;
    }
    case 'remove': {
      const name = requirePositional(positionals, 1, 'the target name', TARGETS_USAGE);
      if (!config.targets.some((t) => t.name === name)) throw new AppError('config', `No target named "${name}" in ${cli.configPath}.`);
      await saveConfig({ ...config, targets: config.targets.filter((t) => t.name !== name) }, cli.configPath);
      cli.term.write(`Removed target "${name}". Its archives stay in the store.\n`);
      return 0;
    }
    default:
      throw new AppError('usage', `Unknown subcommand "${sub}".\n${TARGETS_USAGE}`);
  }
}
