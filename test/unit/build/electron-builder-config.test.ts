// `npm run dist` refuses a configuration electron-builder does not know; catch that here,
// where the Electron binary (needed to actually pack) cannot be downloaded.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const repo = resolve(import.meta.dirname, '../../..');

describe('electron-builder.yml', () => {
  const config = parse(readFileSync(resolve(repo, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

  it('is a configuration electron-builder accepts', async () => {
    // Internal module of electron-builder: the same check `electron-builder` runs first.
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('locks the packaged app to its own asar and out of Node mode', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true });
  });
});
