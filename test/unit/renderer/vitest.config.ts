// The renderer's component and store tests need what the root config's unit project lacks:
// the Vue SFC plugin and a DOM (happy-dom); the `@shared` alias as in vite.config.ts.
// renderer.test.ts runs this config from the unit project, so `npm test` runs them too.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('../../..'),
  plugins: [vue()],
  resolve: { alias: { '@shared': here('../../../src-main/shared') } },
  test: {
    name: 'renderer',
    include: ['test/unit/renderer/**/*.spec.ts'],
    environment: 'happy-dom',
    testTimeout: 20_000,
  },
});
