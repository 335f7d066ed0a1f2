// Runs the renderer's component and store tests (*.spec.ts) under their own config, which
// adds the Vue plugin, the @shared alias and a DOM (see vitest.config.ts beside this file).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');

it('the window’s components and stores pass their tests', () => {
  // The parent run's VITEST_* variables would make the child think it is a worker.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/unit/renderer/vitest.config.ts'], {
    cwd: repo,
    env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toMatch(/Tests\s+\d+ passed/);
}, 120_000);
