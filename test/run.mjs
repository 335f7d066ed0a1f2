// `npm test`: installs what the tests need, then lint, type check, build, and every test.
// Each step stops the run with a non-zero exit when it fails.
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages } from './env/debian-packages.mjs';

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n=== ${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

console.log('=== test environment: Debian packages');
ensureDebianPackages();
step('lint', 'npx', ['eslint', '.']);
step('type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('type check (window)', 'npx', ['vue-tsc', '-p', 'src-renderer/tsconfig.json', '--noEmit']);
step('build', 'node', ['scripts/build.mjs']);
step('tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]);
