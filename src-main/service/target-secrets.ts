/**
 * Target options marked `secret: true` (at any depth) as the window saves them: with a vault,
 * their values go into it and config.yaml keeps SECRET_PLACEHOLDER; a job, probe or plan gets
 * them back. Without a vault (`lifeboat serve`) they stay in config.yaml, as the CLI writes them.
 */
import { AppError } from '../shared/app-error.js';
import { SECRET_PLACEHOLDER } from '../shared/models/secrets.js';
import type { TargetConfig } from '../shared/models/target.js';
import { REDACTED_VALUE, type JsonSchemaObject, type PluginRegistry } from '../plugin-host/index.js';
import type { SecretVault } from './secret-vault.js';

type Options = Readonly<Record<string, unknown>>;
type Path = readonly string[];

/** Vault keys of a target's secrets start with this; the rest is the option's dotted path. */
const TARGET_KEY = 'target:';
export const targetKeyPrefix = (name: string): string => `${TARGET_KEY}${name}:`;
/** Whether a vault key holds a target's secret (the rest is the archive passphrase). */
export const isTargetSecretKey = (key: string): boolean => key.startsWith(TARGET_KEY);
const keyOf = (name: string, path: Path): string => targetKeyPrefix(name) + path.join('.');
const shown = (path: Path): string => path.join('.');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A copy of `options` in which every secret option's value, at any depth, is what `visit`
 * returns for it (undefined drops the key). Other values are copied as they are.
 */
export function mapSecretOptions(schema: JsonSchemaObject, options: Options, visit: (path: Path, value: unknown) => unknown, at: Path = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const prop = schema.properties?.[key];
    const path = [...at, key];
    let next: unknown = value;
    if (prop?.secret === true && value !== undefined && value !== null) next = visit(path, value);
    else if (prop && isRecord(prop.properties) && isRecord(value)) next = mapSecretOptions(prop as JsonSchemaObject, value, visit, path);
    if (next !== undefined) out[key] = next;
  }
  return out;
}

function valueAt(options: Options, path: Path): unknown {
  let v: unknown = options;
  for (const key of path) v = isRecord(v) ? v[key] : undefined;
  return v;
}

/**
 * `***` is how the window shows a stored secret: sent back, it means "keep the one stored"
 * (taken from `previous`, the same target's options before the edit).
 */
export function keepSecrets(schema: JsonSchemaObject, given: Options, previous: Options): Record<string, unknown> {
  return mapSecretOptions(schema, given, (path, value) => {
    if (value !== REDACTED_VALUE) return value;
    const before = valueAt(previous, path);
    if (before === undefined || before === null) {
      throw new AppError('usage', `Option "${shown(path)}" is a secret shown as ${REDACTED_VALUE} but none is stored yet; type its value.`);
    }
    return before;
  });
}

/**
 * The secret options sent back as `***` whose stored value is in config.yaml itself (written by
 * `lifeboat targets add` or by hand, not by the window): they stay there, so the command line
 * (cron) keeps reading them after the target is edited in the window.
 */
export function secretsLeftInConfig(schema: JsonSchemaObject, given: Options, previous: Options): Set<string> {
  const paths = new Set<string>();
  mapSecretOptions(schema, given, (path, value) => {
    const before = valueAt(previous, path);
    if (value === REDACTED_VALUE && before !== undefined && before !== null && before !== SECRET_PLACEHOLDER) paths.add(shown(path));
    return value;
  });
  return paths;
}

/** Paths of the secret options config.yaml holds as the placeholder (kept in the vault). */
function placeholdersIn(schema: JsonSchemaObject, options: Options): Path[] {
  const found: Path[] = [];
  mapSecretOptions(schema, options, (path, value) => {
    if (value === SECRET_PLACEHOLDER) found.push(path);
    return value;
  });
  return found;
}

export interface TargetSecrets {
  /** The target with its kept secrets in place of placeholders; AppError('secret-required') naming one that is gone. */
  reveal(target: TargetConfig): Promise<TargetConfig>;
  /**
   * Puts the target's secret values into the vault and answers the options config.yaml keeps
   * (placeholders). Entries of its previous name, and of secrets no longer set, are removed.
   * Without a vault the options are answered as given.
   */
  stash(target: TargetConfig, schema: JsonSchemaObject, previousName?: string, leftInConfig?: ReadonlySet<string>): Promise<Record<string, unknown>>;
  /** Removes every kept secret of the target. */
  forget(name: string): Promise<void>;
  /**
   * For each target, its secret options (dotted) config.yaml leaves to the vault that the vault
   * no longer holds. Never throws: a vault that cannot be read reports nothing here (Settings
   * says why, and a job names the option).
   */
  missing(targets: readonly TargetConfig[]): Promise<string[][]>;
}

export function createTargetSecrets(registry: PluginRegistry, vault: SecretVault | undefined): TargetSecrets {
  const schemaOf = (plugin: string): JsonSchemaObject | undefined => {
    try {
      return registry.get(plugin).manifest.options;
    } catch {
      return undefined;
    }
  };
  const keysOf = async (name: string): Promise<string[]> => (vault ? (await vault.state()).keys.filter((k) => k.startsWith(targetKeyPrefix(name))) : []);

  return {
    async reveal(target) {
      const schema = schemaOf(target.plugin);
      // A target whose plugin is gone fails on the plugin, with its own message.
      if (!schema) return target;
      const wanted = placeholdersIn(schema, target.options);
      if (wanted.length === 0) return target;
      const values = new Map<string, unknown>();
      for (const path of wanted) {
        if (!vault) {
          throw new AppError(
            'secret-required',
            `Option "${shown(path)}" of target "${target.name}" is kept by the Lifeboat desktop app, whose secret store lifeboat serve cannot read. Open the target here and type it again (it is then kept in config.yaml), or use the desktop app.`,
          );
        }
        const kept = await vault.get(keyOf(target.name, path));
        if (kept === undefined) {
          throw new AppError(
            'secret-required',
            `Option "${shown(path)}" of target "${target.name}" is not kept any more (it was kept only until Lifeboat quit, or was forgotten). Edit the target and type it again.`,
          );
        }
        values.set(shown(path), JSON.parse(kept) as unknown);
      }
      return { ...target, options: mapSecretOptions(schema, target.options, (path, value) => (values.has(shown(path)) ? values.get(shown(path)) : value)) };
    },
    async stash(target, schema, previousName, leftInConfig = new Set()) {
      if (!vault) return { ...target.options };
      const changes: Record<string, string | undefined> = {};
      const options = mapSecretOptions(schema, target.options, (path, value) => {
        if (leftInConfig.has(shown(path))) return value;
        changes[keyOf(target.name, path)] = JSON.stringify(value);
        return SECRET_PLACEHOLDER;
      });
      const before = [...(await keysOf(target.name)), ...(previousName && previousName !== target.name ? await keysOf(previousName) : [])];
      for (const key of before) if (!(key in changes)) changes[key] = undefined;
      await vault.update(changes);
      return options;
    },
    async forget(name) {
      if (!vault) return;
      const keys = await keysOf(name);
      if (keys.length > 0) await vault.update(Object.fromEntries(keys.map((k) => [k, undefined])));
    },
    async missing(targets) {
      const wanted = targets.map((t) => {
        const schema = schemaOf(t.plugin);
        return schema ? placeholdersIn(schema, t.options) : [];
      });
      // Without a vault (lifeboat serve) a job says the option is the desktop app's to give.
      if (!vault || wanted.every((w) => w.length === 0)) return targets.map(() => []);
      const { keys, problem } = await vault.state();
      if (problem) return targets.map(() => []);
      return targets.map((t, i) => wanted[i]!.filter((path) => !keys.includes(keyOf(t.name, path))).map(shown));
    },
  };
}
