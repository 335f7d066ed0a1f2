/** Targets as the window manages them: listed with their last backup, saved, removed, probed. */
import { AppError } from '../shared/app-error.js';
import type { JsonSchemaObject } from '../plugin-host/index.js';
import { REDACTED_VALUE, redactOptions, validateOptions } from '../plugin-host/index.js';
import { keepSecrets, secretsLeftInConfig } from './target-secrets.js';
import type { TargetConfig, TargetProbe, TargetSaveRequest, TargetView } from '../shared/models/target.js';
import { isFinished } from '../shared/models/job.js';
import { listArchives } from '../archive/index.js';
import { TARGET_NAME_PATTERN } from '../config/index.js';
import { targetNamed } from './target-named.js';
import { runProbe } from '../operations/index.js';
import type { ServiceContext } from './service-context.js';
import { detachedOperation } from './detached-operation.js';

const DAY_MS = 86_400_000;

export interface TargetsService {
  list(): Promise<TargetView[]>;
  save(request: TargetSaveRequest): Promise<TargetView>;
  remove(name: string): Promise<void>;
  probe(name: string): Promise<TargetProbe>;
}

export function createTargetsService(ctx: ServiceContext, now: () => number = Date.now): TargetsService {
  const schemaOf = (plugin: string): JsonSchemaObject | undefined => {
    try {
      return ctx.registry.get(plugin).manifest.options;
    } catch {
      return undefined;
    }
  };

  const pluginStatus = (plugin: string): TargetView['pluginStatus'] => {
    const info = ctx.registry.list().find((p) => p.id === plugin && p.status === 'enabled') ?? ctx.registry.list().find((p) => p.id === plugin);
    return info ? info.status : 'missing';
  };

  const views = async (targets: readonly TargetConfig[]): Promise<TargetView[]> => {
    const settings = await ctx.settings();
    const archives = await listArchives(settings.store);
    const running = ctx.jobs.list().filter((j) => !isFinished(j.state));
    const missing = await ctx.targetSecrets.missing(targets);
    return targets.map((t, i) => {
      // Newest first: the first one of the target is its last backup.
      const last = archives.find((a) => a.target === t.name);
      const schema = schemaOf(t.plugin);
      const lastBackup = last ? { at: last.createdAt, archive: last.path, ok: last.lastVerification?.ok ?? true } : undefined;
      const stale = !last || now() - Date.parse(last.createdAt) > settings.warnAfterDays * DAY_MS;
      return {
        name: t.name,
        plugin: t.plugin,
        pluginStatus: pluginStatus(t.plugin),
        options: schema ? redactOptions(schema, t.options) : redactAll(t.options),
        ...(lastBackup ? { lastBackup } : {}),
        stale,
        busy: running.some((j) => j.target === t.name),
        ...(missing[i]!.length > 0 ? { missingSecrets: missing[i] } : {}),
      };
    });
  };

  return {
    async list() {
      return views((await ctx.loadConfig()).targets);
    },
    async save(request) {
      if (!TARGET_NAME_PATTERN.test(request.name)) {
        throw new AppError('usage', `"${request.name}" is not a valid target name: use letters, digits, . _ and -, up to 64, starting with a letter or digit.`, {
          fields: { name: 'use letters, digits, . _ and -, up to 64, starting with a letter or digit' },
        });
      }
      const loaded = ctx.registry.get(request.plugin);
      let saved: TargetConfig | undefined;
      await ctx.updateConfig(async (config) => {
        const previous = request.previousName ? targetNamed(config, request.previousName) : undefined;
        if (request.name !== request.previousName && config.targets.some((t) => t.name === request.name)) {
          throw new AppError('usage', `A target named "${request.name}" already exists; choose another name or edit that one.`, {
            fields: { name: `a target named "${request.name}" already exists; choose another name or edit that one` },
          });
        }
        const schema = loaded.manifest.options;
        // `***` keeps a stored secret: from the previous options, then from the vault when it holds it.
        const before = previous?.plugin === request.plugin ? previous.options : {};
        const kept = keepSecrets(schema, request.options, before);
        const { options } = await ctx.targetSecrets.reveal({ name: previous?.name ?? request.name, plugin: request.plugin, options: kept });
        // Throws AppError('config') naming each bad option, as a backup would; the options are stored as given (no defaults filled in).
        validateOptions(loaded.manifest, { ...options });
        // Secrets typed here go to the vault; ones config.yaml already held stay there for the command line.
        const stored = await ctx.targetSecrets.stash({ name: request.name, plugin: request.plugin, options }, schema, previous?.name, secretsLeftInConfig(schema, request.options, before));
        saved = { name: request.name, plugin: request.plugin, options: stored };
        const targets = previous
          ? config.targets.map((t) => (t.name === previous.name ? saved! : t))
          : [...config.targets, saved];
        return { ...config, targets };
      });
      const [view] = await views([saved!]);
      return view!;
    },
    async remove(name) {
      if (ctx.jobs.list().some((j) => j.target === name && !isFinished(j.state))) {
        throw new AppError('target-busy', `"${name}" has a job queued or running; cancel it or wait, then remove the target.`);
      }
      await ctx.updateConfig((config) => {
        targetNamed(config, name);
        return { ...config, targets: config.targets.filter((t) => t.name !== name) };
      });
      await ctx.targetSecrets.forget(name);
    },
    async probe(name) {
      const target = await ctx.target(name);
      const result = await detachedOperation((op) => runProbe(ctx.registry, target, op));
      return {
        reachable: result.reachable,
        running: result.running,
        ...(result.version !== undefined ? { version: result.version } : {}),
        ...(result.detail !== undefined ? { detail: result.detail } : {}),
      };
    },
  };
}

/** Options of a target whose plugin is gone: nothing says which are secret, so none is shown. */
function redactAll(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(options).map((k) => [k, REDACTED_VALUE]));
}
