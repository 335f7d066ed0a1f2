// Builds what Node and Electron run: the CLI, the Electron main process and preload, the
// built-in plugins, and the renderer (Vite, into out/renderer). Type checking is separate
// (`npm run typecheck`, vue-tsc for the renderer); esbuild and Vite only strip types.
import { build } from 'esbuild';
import { build as buildRenderer } from 'vite';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', packages: 'external', define: { __LIFEBOAT_VERSION__: JSON.stringify(version) } };

const plugins = readdirSync('plugins', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join('plugins', d.name, 'src', 'index.ts')))
  .map((d) => d.name);

await Promise.all([
  build({ ...common, format: 'esm', entryPoints: { 'cli/main': 'src-main/cli/main.ts', 'main/index': 'src-main/index.ts' }, outdir: 'out', external: ['electron'] }),
  build({ ...common, format: 'cjs', entryPoints: { 'preload/index': 'src-main/preload/index.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
  buildRenderer({ configFile: 'vite.config.ts', logLevel: 'warn' }),
  ...plugins.map((id) =>
    build({ ...common, format: 'esm', entryPoints: [join('plugins', id, 'src', 'index.ts')], outfile: join('plugins', id, 'dist', 'index.js') }),
  ),
]);
