import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Unit tests are fast and need nothing installed; renderer tests are the window's
// components and stores in a DOM (happy-dom) with the Vue plugin and the renderer's
// `@shared` alias; integration tests use the real components that test/env starts
// (gpg, dockerd, sshd, Postgres, Chromium).
export default defineConfig({
  test: {
    reporters: ['default', './test/plain-summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: ['test/unit/renderer/**'], testTimeout: 20_000 } },
      {
        plugins: [vue()],
        resolve: { alias: { '@shared': here('./src-main/shared') } },
        test: { name: 'renderer', include: ['test/unit/renderer/**/*.test.ts'], environment: 'happy-dom', testTimeout: 20_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          globalSetup: ['./test/env/global-setup.ts'],
        },
      },
    ],
  },
});
