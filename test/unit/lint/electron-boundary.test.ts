/**
 * Only the Electron shell may import `electron`: in plain Node (CLI, `lifeboat serve`,
 * tests) importing it tries to download the binary and throws. The lint rule enforces it.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../../../', import.meta.url));
const code = "import { app } from 'electron';\nexport const x = app;\n";

async function electronImportErrors(filePath: string): Promise<number> {
  const [result] = await new ESLint({ cwd }).lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
}

describe('the electron import boundary', () => {
  it.each(['src-main/engine/x.ts', 'src-main/archive/x.ts', 'src-main/crypto/x.ts', 'src-main/transport/x.ts', 'src-main/plugin-host/x.ts', 'src-main/cli/x.ts', 'plugins/juju-client/src/x.ts'])(
    'is enforced in %s',
    async (file) => {
      expect(await electronImportErrors(file)).toBe(1);
    },
  );
  it.each(['src-main/app/x.ts', 'src-main/preload/x.ts', 'src-main/ipc/x.ts', 'src-main/index.ts'])('allows the shell: %s', async (file) => {
    expect(await electronImportErrors(file)).toBe(0);
  });
});
