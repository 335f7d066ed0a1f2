import { dirname, join } from 'node:path';
import { listArchives, openStore } from '../archive/index.js';
import { defaultConfigPath, loadConfig } from '../config/index.js';
import { createJobRunner } from '../engine/index.js';
import { createInvokeHandlers } from '../ipc/invoke-handlers.js';
import { discoverPlugins } from '../plugin-host/index.js';
import type { EventChannel, EventPayload } from '../shared/ipc-contract.js';
import { DEFAULT_CONCURRENCY } from '../shared/models/settings.js';
import type { AppEventListener, AppService, AppServiceOptions } from './app-service.js';
import { createArchiveBrowser } from './archive-browser.js';
import { createJobTracker } from './job-tracker.js';
import { createJobsService } from './jobs-service.js';
import { openPluginsFolder } from './plugins-folder.js';
import { createQuestionBroker } from './question-broker.js';
import { createSecretVault, type SecretVault } from './secret-vault.js';
import { createSecretsService } from './secrets-service.js';
import { createServiceContext } from './service-context.js';
import { createSettingsService } from './settings-service.js';
import { createTargetSecrets } from './target-secrets.js';
import { createTargetsService } from './targets-service.js';

/**
 * Builds the service: reads config.yaml (a broken file fails here, saying which key), opens
 * the store (removing what interrupted runs left), discovers plugins and starts the job runner.
 * The concurrency setting applies from the next start.
 */
export async function createAppService(options: AppServiceOptions): Promise<AppService> {
  const configPath = options.configPath ?? defaultConfigPath();
  const config = await loadConfig(configPath);
  const store = config.settings.store ?? options.store;
  await openStore(store);
  const registry = await discoverPlugins({ builtinDir: options.pluginsDirs.builtin, userDir: options.pluginsDirs.user });
  const jobs = createJobRunner({ concurrency: config.settings.concurrency ?? DEFAULT_CONCURRENCY });

  const listeners = new Set<AppEventListener>();
  const emit = <C extends EventChannel>(channel: C, payload: EventPayload<C>): void => {
    for (const listener of [...listeners]) {
      try {
        listener(channel, payload);
      } catch (e) {
        // One broken window must not stop events to the others.
        console.error(`Lifeboat: ${channel} listener failed:`, e);
      }
    }
  };

  const tracker = createJobTracker();
  const questions = createQuestionBroker({
    onAsked: (q) => emit('questions:asked', q),
    onClosed: (c) => emit('questions:closed', c),
  });
  const stopLogs = jobs.onDidLog((id, line) => tracker.onLog(id, line));
  const stopChanges = jobs.onDidChange((job) => emit('jobs:changed', tracker.decorate(job)));

  // The vault sits beside config.yaml; whether it reaches the disk is config.yaml's settings.storeSecrets.
  const vault: SecretVault | undefined = options.secretCipher
    ? createSecretVault({
        file: join(dirname(configPath), 'secrets.json'),
        cipher: options.secretCipher,
        preference: {
          read: async () => (await ctx.loadConfig()).settings.storeSecrets,
          write: async (storeSecrets) => void (await ctx.updateConfig((c) => ({ ...c, settings: { ...c.settings, storeSecrets } }))),
        },
      })
    : undefined;
  const secrets = createSecretsService(options.secrets, vault);
  const ctx = createServiceContext({
    registry,
    jobs,
    tracker,
    questions,
    secrets: secrets.source,
    targetSecrets: createTargetSecrets(registry, vault),
    configPath,
    defaultStore: options.store,
  });
  const targets = createTargetsService(ctx);
  const jobsService = createJobsService(ctx);
  const browser = createArchiveBrowser(ctx);
  const settings = createSettingsService(ctx);

  const handlers = createInvokeHandlers({
    app: { version: options.version, store, pluginsDir: options.pluginsDirs.user },
    appActions: { openPluginsFolder: () => openPluginsFolder(options.pluginsDirs.user, options.openFolder) },
    plugins: registry,
    archives: {
      list: async () => listArchives((await ctx.settings()).store),
      manifest: (path) => browser.manifest(path),
      tree: (r) => browser.tree(r),
      preview: (r) => browser.preview(r),
      extract: (r) => jobsService.extract(r),
      plan: (r) => browser.plan(r),
    },
    targets,
    jobs: {
      list: () => tracker.recent(jobs.list()),
      backup: (t) => jobsService.backup(t),
      restore: (r) => jobsService.restore(r),
      verify: (r) => jobsService.verify(r),
      importArchive: (p) => jobsService.importArchive(p),
      cancel: (id) => jobsService.cancel(id),
      log: (id) => jobsService.log(id),
      answer: (id, yes) => questions.answer(id, yes),
      pendingQuestions: () => questions.pending(),
    },
    settings,
    secrets,
  });

  let closing: Promise<void> | undefined;
  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      closing ??= (async () => {
        // Canceling aborts each job's signal, which declines its questions; the rest (plans) too.
        await jobs.cancelAll();
        questions.declineAll();
        stopLogs();
        stopChanges();
        listeners.clear();
      })();
      return closing;
    },
  };
}
