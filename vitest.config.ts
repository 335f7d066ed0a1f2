import { defineConfig } from 'vitest/config';

// Unit tests are fast and need nothing installed; integration tests use the real
// components that test/env starts (gpg, and later dockerd, sshd, Postgres).
export default defineConfig({
  test: {
    reporters: ['default', './test/plain-summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
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
