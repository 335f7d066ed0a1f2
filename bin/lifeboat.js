#!/usr/bin/env node
// The `lifeboat` command: plain Node, no Electron. The code is built by `npm ci` (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../out/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('lifeboat: the CLI is not built yet. Run `npm run build` in the Lifeboat folder.\n');
  process.exit(2);
}
const { runCli } = await import(main);
process.exitCode = await runCli(process.argv.slice(2));
