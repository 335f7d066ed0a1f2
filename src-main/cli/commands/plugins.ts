import type { CliContext } from '../cli-context.js';
import { table } from '../format.js';

export const PLUGINS_USAGE = 'Usage: lifeboat plugins [--json]';

/** `lifeboat plugins`: every plugin found, enabled or disabled with the reason. */
export async function pluginsCommand(cli: CliContext): Promise<number> {
  const list = (await cli.registry()).list();
  if (cli.json) {
    cli.term.out(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const rows = [['ID', 'VERSION', 'STATUS', 'SOURCE', 'FOLDER']];
  for (const p of list) rows.push([p.id, p.version, p.status === 'enabled' ? 'enabled' : `disabled: ${p.reason ?? ''}`, p.source, p.folder]);
  cli.term.out(table(rows));
  return 0;
}
