import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultUserPluginsDir, discoverPlugins } from '../../../src-main/plugin-host/index.js';
import type { PluginRegistry } from '../../../src-main/plugin-host/index.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import { PLUGIN_API_VERSION } from '../../../src-main/plugin-host/plugin-api.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/plugins');

function writePlugin(dir: string, pkg: unknown, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg, null, 2));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const workingModule = 'export const plugin = { probe: async () => ({ reachable: true, running: true }), backup: async () => {}, restore: async () => {} };\n';

function manifest(id: string, extra: Record<string, unknown> = {}) {
  return {
    name: `p-${id}`,
    version: '1.0.0',
    type: 'module',
    lifeboat: { id, displayName: `Plugin ${id}`, apiVersion: '^1.0.0', main: 'index.js', options: { type: 'object' }, ...extra },
  };
}

describe('plugin discovery', () => {
  let root: string;
  let builtinDir: string;
  let registry: PluginRegistry;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lifeboat-discovery-'));
    builtinDir = join(root, 'builtin');
    writePlugin(join(builtinDir, 'juju-client'), manifest('juju-client'), { 'index.js': workingModule });
    registry = await discoverPlugins({ builtinDir, userDir: fixtures });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const info = (id: string) => registry.list().find((p) => p.id === id);

  it('loads built-ins and working drop-ins, ESM and CommonJS', () => {
    expect(info('juju-client')).toMatchObject({ source: 'builtin', status: 'enabled', version: '1.0.0' });
    expect(info('dropin-ok')).toMatchObject({
      source: 'user',
      status: 'enabled',
      version: '1.2.0',
      displayName: 'Folder (drop-in example)',
      apiVersion: '^1.0.0',
      folder: join(fixtures, 'dropin-ok'),
    });
    expect(info('dropin-ok')?.optionsSchema).toMatchObject({ required: ['dir'] });
    expect(info('dropin-cjs')).toMatchObject({ status: 'enabled', version: '0.3.1' });
    const loaded = registry.get('dropin-cjs');
    expect(typeof loaded.plugin.backup).toBe('function');
    expect(loaded.manifest.main).toBe('lib/plugin.js');
  });

  it('lists built-ins first', () => {
    expect(registry.list()[0]?.source).toBe('builtin');
  });

  it('disables a plugin that needs another plugin API, saying which', () => {
    expect(info('dropin-incompatible')).toMatchObject({
      status: 'disabled',
      reason: `needs plugin API ^2.0.0, this Lifeboat provides ${PLUGIN_API_VERSION}`,
    });
  });

  it('disables a plugin whose package.json is broken, a plugin that throws on load, and a duplicate id', () => {
    expect(info('dropin-broken-manifest')).toMatchObject({ status: 'disabled' });
    expect(info('dropin-broken-manifest')?.reason).toMatch(/^package\.json is not valid JSON \(.* on line 8\)$/);
    expect(info('dropin-throws')?.reason).toBe('loading index.js failed: dropin-throws failed on purpose while loading');
    const duplicate = registry.list().filter((p) => p.id === 'juju-client');
    expect(duplicate).toHaveLength(2);
    expect(duplicate[1]).toMatchObject({ source: 'user', status: 'disabled', folder: join(fixtures, 'dropin-duplicate') });
    expect(duplicate[1]?.reason).toBe(`id "juju-client" is already used by the built-in plugin in ${join(builtinDir, 'juju-client')}`);
    // The built-in is the one that is used.
    expect(registry.get('juju-client').info.source).toBe('builtin');
  });

  it('get throws plugin-disabled with the reason, or not-found listing the available ids', () => {
    expect(() => registry.get('dropin-incompatible')).toThrow(AppError);
    expect(() => registry.get('dropin-incompatible')).toThrow(
      expect.objectContaining({ code: 'plugin-disabled', message: expect.stringContaining('needs plugin API ^2.0.0') }),
    );
    expect(() => registry.get('postgres')).toThrow(
      expect.objectContaining({ code: 'not-found', message: expect.stringMatching(/"postgres".*Available: juju-client, dropin-cjs, dropin-ok/) }),
    );
  });

  it('is fine without a user folder, and without the built-in folder', async () => {
    const only = await discoverPlugins({ builtinDir, userDir: join(root, 'no-such-folder') });
    expect(only.list().map((p) => p.id)).toEqual(['juju-client']);
    const none = await discoverPlugins({ builtinDir: join(root, 'missing') });
    expect(none.list()).toEqual([]);
  });

  it('explains each manifest problem without loading the plugin’s code', async () => {
    const dir = join(root, 'checks');
    const throwing = 'throw new Error("must not run");\n';
    writePlugin(join(dir, 'a-no-id'), { version: '1.0.0', lifeboat: { displayName: 'x', apiVersion: '^1.0.0', main: 'index.js', options: { type: 'object' } } }, { 'index.js': throwing });
    writePlugin(join(dir, 'b-bad-id'), manifest('Bad_Id'), { 'index.js': throwing });
    writePlugin(join(dir, 'c-bad-range'), manifest('c-bad-range', { apiVersion: 'whatever' }), { 'index.js': throwing });
    writePlugin(join(dir, 'd-no-main'), manifest('d-no-main', { main: 'dist/index.js' }));
    writePlugin(join(dir, 'e-escape'), manifest('e-escape', { main: '../b-bad-id/index.js' }));
    writePlugin(join(dir, 'f-bad-schema'), manifest('f-bad-schema', { options: { type: 'object', properties: { port: { type: 'integr' } } } }), { 'index.js': throwing });
    writePlugin(join(dir, 'g-no-export'), manifest('g-no-export'), { 'index.js': 'export const other = 1;\n' });
    writePlugin(join(dir, 'h-missing-fn'), manifest('h-missing-fn'), { 'index.js': 'export const plugin = { probe() {} };\n' });
    writePlugin(join(dir, 'i-no-lifeboat'), { name: 'x', version: '1.0.0' });
    mkdirSync(join(dir, 'j-empty'));
    writePlugin(join(dir, 'k-no-display'), manifest('k-no-display', { displayName: '' }), { 'index.js': throwing });
    writePlugin(join(dir, 'l-secret'), manifest('l-secret', { options: { type: 'object', properties: { pw: { type: 'string', secret: true } } } }), { 'index.js': workingModule });
    const reg = await discoverPlugins({ builtinDir: join(root, 'none'), userDir: dir });
    const reasons = Object.fromEntries(reg.list().map((p) => [p.folder.split('/').pop(), p.reason ?? p.status]));
    expect(reasons).toEqual({
      'a-no-id': 'the manifest has no "id"',
      'b-bad-id': 'id "Bad_Id" is not valid: use 2 to 41 lowercase letters, digits and dashes, starting with a letter',
      'c-bad-range': '"apiVersion" must be a semver range of the plugin API such as "^1.0.0", not "whatever"',
      'd-no-main': 'its main module dist/index.js does not exist (is the plugin built?)',
      'e-escape': '"main" (../b-bad-id/index.js) must be a file inside the plugin folder',
      'f-bad-schema': expect.stringMatching(/^its options schema is not valid JSON Schema: /),
      'g-no-export': 'index.js does not export "plugin"',
      'h-missing-fn': 'its "plugin" export has no backup, restore functions',
      'i-no-lifeboat': 'package.json has no "lifeboat" field describing the plugin',
      'j-empty': 'the folder has no package.json',
      'k-no-display': 'the manifest has no "displayName"',
      'l-secret': 'enabled',
    });
    // A plugin without a valid id is listed under its folder name.
    expect(reg.list().find((p) => p.folder.endsWith('a-no-id'))?.id).toBe('a-no-id');
  });

  it('disables a plugin that never finishes loading, and carries on', async () => {
    const dir = join(root, 'slow');
    writePlugin(join(dir, 'hangs'), manifest('hangs'), { 'index.js': 'await new Promise(() => {});\nexport const plugin = {};\n' });
    writePlugin(join(dir, 'works'), manifest('works'), { 'index.js': workingModule });
    const reg = await discoverPlugins({ builtinDir: join(root, 'none'), userDir: dir, loadTimeoutMs: 200 });
    expect(reg.list().map((p) => [p.id, p.status, p.reason])).toEqual([
      ['hangs', 'disabled', 'loading index.js failed: took longer than 0.2 s to load'],
      ['works', 'enabled', undefined],
    ]);
  });

  it('finds the user folder from LIFEBOAT_PLUGINS_DIR, XDG_DATA_HOME or the home folder', () => {
    expect(defaultUserPluginsDir({ LIFEBOAT_PLUGINS_DIR: '/opt/lb', XDG_DATA_HOME: '/x', HOME: '/home/o' })).toBe('/opt/lb');
    expect(defaultUserPluginsDir({ XDG_DATA_HOME: '/x', HOME: '/home/o' })).toBe('/x/lifeboat/plugins');
    expect(defaultUserPluginsDir({ HOME: '/home/o' })).toBe('/home/o/.local/share/lifeboat/plugins');
  });
});
