/**
 * Checks a plugin folder's `package.json` before any of its code runs: the `lifeboat`
 * manifest's fields, the API range against this Lifeboat's, `main` inside the folder, and
 * the options schema. Problems come back as a reason an operator understands.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import semver from 'semver';
import { errorMessage } from '../shared/app-error.js';
import type { PluginManifest } from './plugin-api.js';
import { PLUGIN_API_VERSION } from './plugin-api.js';
import { compileOptionsSchema } from './options-schema-compiler.js';

export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]{1,40}$/;

export type ManifestCheck =
  | { readonly ok: true; readonly manifest: PluginManifest; readonly version: string; readonly mainPath: string }
  | { readonly ok: false; readonly reason: string; readonly partial: Partial<Record<'id' | 'displayName' | 'apiVersion' | 'version', string>> };

/** Check the parsed `package.json` of the plugin in `folder`. */
export async function checkManifest(pkg: unknown, folder: string): Promise<ManifestCheck> {
  if (!isRecord(pkg)) return fail('package.json is not a JSON object', {});
  const version = typeof pkg.version === 'string' && semver.valid(pkg.version) ? pkg.version : '0.0.0';
  const m = pkg.lifeboat;
  if (!isRecord(m)) return fail('package.json has no "lifeboat" field describing the plugin', { version });

  const partial = {
    version,
    ...(typeof m.id === 'string' ? { id: m.id } : {}),
    ...(typeof m.displayName === 'string' ? { displayName: m.displayName } : {}),
    ...(typeof m.apiVersion === 'string' ? { apiVersion: m.apiVersion } : {}),
  };
  if (typeof m.id !== 'string' || m.id === '') return fail('the manifest has no "id"', partial);
  if (!PLUGIN_ID_PATTERN.test(m.id)) {
    return fail(`id "${m.id}" is not valid: use 2 to 41 lowercase letters, digits and dashes, starting with a letter`, partial);
  }
  if (typeof m.displayName !== 'string' || m.displayName.trim() === '') return fail('the manifest has no "displayName"', partial);
  if (typeof m.apiVersion !== 'string' || semver.validRange(m.apiVersion) === null) {
    return fail(`"apiVersion" must be a semver range of the plugin API such as "^1.0.0", not ${JSON.stringify(m.apiVersion ?? null)}`, partial);
  }
  if (!semver.satisfies(PLUGIN_API_VERSION, m.apiVersion)) {
    return fail(`needs plugin API ${m.apiVersion}, this Lifeboat provides ${PLUGIN_API_VERSION}`, partial);
  }
  if (typeof m.main !== 'string' || m.main === '') return fail('the manifest has no "main" module', partial);
  const mainPath = resolve(folder, m.main);
  const rel = relative(folder, mainPath);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return fail(`"main" (${m.main}) must be a file inside the plugin folder`, partial);
  const mainStat = await stat(mainPath).catch(() => undefined);
  if (!mainStat?.isFile()) return fail(`its main module ${m.main} does not exist (is the plugin built?)`, partial);
  if (!isRecord(m.options) || m.options.type !== 'object') {
    return fail('"options" must be a JSON Schema with "type": "object"', partial);
  }
  try {
    compileOptionsSchema(m.options);
  } catch (e) {
    return fail(`its options schema is not valid JSON Schema: ${errorMessage(e)}`, partial);
  }
  if (m.description !== undefined && typeof m.description !== 'string') return fail('"description" must be a string', partial);

  const manifest: PluginManifest = {
    id: m.id,
    displayName: m.displayName,
    apiVersion: m.apiVersion,
    main: m.main,
    options: m.options as unknown as PluginManifest['options'],
    ...(typeof m.description === 'string' ? { description: m.description } : {}),
  };
  return { ok: true, manifest, version, mainPath };
}

function fail(reason: string, partial: Extract<ManifestCheck, { ok: false }>['partial']): ManifestCheck {
  return { ok: false, reason, partial };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
