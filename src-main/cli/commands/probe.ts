import { runProbe } from '../../operations/index.js';
import { AppError } from '../../shared/app-error.js';
import { parse } from '../args.js';
import type { CliContext } from '../cli-context.js';
import { targetFromArgs } from '../target-from-args.js';

export const PROBE_USAGE = `Usage: lifeboat probe TARGET [--json]
       lifeboat probe --plugin ID [--opt key=value ...] [--json]
Exit 0 when the target is reachable, 1 when it is not.`;

/** `lifeboat probe`: is the target reachable and running, which version? Changes nothing. */
export async function probeCommand(cli: CliContext, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { plugin: { type: 'string' }, opt: { type: 'string', multiple: true } }, PROBE_USAGE);
  if (positionals.length > 1) throw new AppError('usage', `Probe one target at a time.\n${PROBE_USAGE}`);
  const target = await targetFromArgs(cli, { target: positionals[0], plugin: values.plugin, opt: values.opt }, PROBE_USAGE);
  const registry = await cli.registry();
  const signal = new AbortController().signal;
  const log = { debug() {}, info: (m: string) => cli.term.write(m + '\n'), warn: (m: string) => cli.term.write(`warn: ${m}\n`), error: (m: string) => cli.term.write(`error: ${m}\n`) };
  const result = await runProbe(registry, target, { signal, progress: { report() {} }, log });
  if (cli.json) cli.term.out(JSON.stringify({ target: target.name, ...result }, null, 2) + '\n');
  else {
    const state = result.reachable ? (result.running ? 'reachable, running' : 'reachable, not running') : 'NOT reachable';
    cli.term.out(`${target.name}: ${state}${result.version ? `, version ${result.version}` : ''}${result.detail ? `\n  ${result.detail}` : ''}\n`);
  }
  return result.reachable ? 0 : 1;
}
