// The command line meeting a target whose secrets the desktop app keeps in its own store.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetFromArgs } from '../../../src-main/cli/target-from-args.js';
import type { CliContext } from '../../../src-main/cli/cli-context.js';
import type { Config } from '../../../src-main/config/index.js';
import { discoverPlugins } from '../../../src-main/plugin-host/index.js';
import { SECRET_PLACEHOLDER } from '../../../src-main/shared/models/secrets.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/secret-plugins');
const USAGE = 'Usage: lifeboat probe TARGET';

function cliWith(config: Config): CliContext {
  const registry = discoverPlugins({ builtinDir: join(FIXTURES, 'none'), userDir: FIXTURES });
  return { configPath: '/home/op/.config/lifeboat/config.yaml', config: async () => config, registry: () => registry } as unknown as CliContext;
}

describe('a configured target on the command line', () => {
  it('is used as written when it holds no placeholder, as before', async () => {
    const shop = { name: 'shop', plugin: 'dropin-secret', options: { dir: '/srv', token: 'plain-in-config', login: { user: 'op', password: 'pw' } } };
    expect(await targetFromArgs(cliWith({ targets: [shop], settings: {} }), { target: 'shop' }, USAGE)).toEqual(shop);
  });

  it('names a secret the app keeps, and how to give it here', async () => {
    const cli = cliWith({ targets: [{ name: 'shop', plugin: 'dropin-secret', options: { dir: '/srv', token: SECRET_PLACEHOLDER } }], settings: {} });
    await expect(targetFromArgs(cli, { target: 'shop' }, USAGE)).rejects.toMatchObject({
      code: 'config',
      message: expect.stringMatching(/Option "token" of target "shop" is kept by the Lifeboat desktop app .*cannot read\. To run it here, pass it with --opt token=VALUE, or replace .* under targets\.shop\.options in \/home\/op\/\.config\/lifeboat\/config\.yaml/),
    });
    const given = await targetFromArgs(cli, { target: 'shop', opt: ['token=from-the-command-line'] }, USAGE);
    expect(given.options).toEqual({ dir: '/srv', token: 'from-the-command-line' });
  });

  it('names every kept secret, nested ones by their path', async () => {
    const cli = cliWith({
      targets: [{ name: 'shop', plugin: 'dropin-secret', options: { dir: '/srv', token: SECRET_PLACEHOLDER, login: { user: 'op', password: SECRET_PLACEHOLDER } } }],
      settings: {},
    });
    await expect(targetFromArgs(cli, { target: 'shop', opt: ['token=t'] }, USAGE)).rejects.toMatchObject({
      message: expect.stringMatching(/^Option "login\.password" of target "shop" is kept .* replace "\(kept by the Lifeboat app\)" with its value under targets\.shop\.options/),
    });
    await expect(targetFromArgs(cli, { target: 'shop' }, USAGE)).rejects.toMatchObject({ message: expect.stringMatching(/^Options "token", "login\.password" of target "shop" are kept/) });
  });
});
