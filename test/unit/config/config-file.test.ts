import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfigPath, loadConfig, parseConfig, saveConfig } from '../../../src-main/config/index.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('config.yaml', () => {
  it('is found through LIFEBOAT_CONFIG, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(defaultConfigPath({ LIFEBOAT_CONFIG: '/x/c.yaml' })).toBe('/x/c.yaml');
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/lifeboat/config.yaml');
    expect(defaultConfigPath({ HOME: '/home/op' })).toBe('/home/op/.config/lifeboat/config.yaml');
  });

  it('names the bad key in every error', () => {
    expect(() => parseConfig({ targts: {} }, 'c.yaml')).toThrow(/"targts"/);
    expect(() => parseConfig({ targets: { a: { plugin: 1 } } }, 'c.yaml')).toThrow(/targets\.a\.plugin/);
    expect(() => parseConfig({ targets: { a: { plugin: 'x', options: [] } } }, 'c.yaml')).toThrow(/targets\.a\.options/);
    expect(() => parseConfig({ targets: { 'bad name!': { plugin: 'x' } } }, 'c.yaml')).toThrow(/targets\.bad name!/);
    expect(() => parseConfig({ settings: { concurrency: 0 } }, 'c.yaml')).toThrow(/settings\.concurrency/);
    expect(() => parseConfig({ settings: { colour: 'red' } }, 'c.yaml')).toThrow(/settings\.colour/);
  });

  it('a missing file is an empty config; saved configs read back the same and are private', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-config-'));
    const path = join(dir, 'sub', 'config.yaml');
    expect(await loadConfig(path)).toEqual({ targets: [], settings: {} });
    const config = { targets: [{ name: 'prod', plugin: 'juju-client', options: { dir: '/home/op/.juju', exclude: ['local'] } }], settings: { concurrency: 3 } };
    await saveConfig(config, path);
    expect(await loadConfig(path)).toEqual(config);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reports YAML syntax errors as config errors', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-config-'));
    const path = join(dir, 'config.yaml');
    await writeFile(path, 'targets: [a\n');
    await expect(loadConfig(path)).rejects.toMatchObject({ code: 'config', message: expect.stringMatching(/not valid YAML/) });
  });
});
