/**
 * What the service's parts share: plugins, jobs, questions, the config file and the secrets,
 * with the helpers every domain needs (the store, decryption of an archive, checks that a
 * path is one of the store's archives).
 */
import { resolve, dirname } from 'node:path';
import { AppError } from '../shared/app-error.js';
import type { AppSettings } from '../shared/models/settings.js';
import type { TargetConfig } from '../shared/models/target.js';
import { DEFAULT_CONCURRENCY, DEFAULT_WARN_AFTER_DAYS } from '../shared/models/settings.js';
import type { Config } from '../config/index.js';
import { loadConfig, saveConfig } from '../config/index.js';
import type { Decryption, Encryption } from '../crypto/index.js';
import { inspectEncryption, readPublicKeyFile } from '../crypto/index.js';
import { describeArchive, isArchiveFileName } from '../archive/index.js';
import type { PluginRegistry } from '../plugin-host/index.js';
import type { JobRunner } from '../engine/index.js';
import type { QuestionBroker } from './question-broker.js';
import type { SecretSource } from './secret-source.js';
import type { JobTracker } from './job-tracker.js';
import { targetNamed } from './target-named.js';
import type { TargetSecrets } from './target-secrets.js';

export interface ServiceContext extends ServiceContextDeps {
  loadConfig(): Promise<Config>;
  /** Reads, changes and writes config.yaml; calls are serialized so edits never interleave. */
  updateConfig(change: (config: Config) => Config | Promise<Config>): Promise<Config>;
  settings(): Promise<AppSettings>;
  /** The configured target with its secret options in place (from the vault); for jobs, probes and plans. */
  target(name: string): Promise<TargetConfig>;
  /** The passphrase or keys that open this archive (or foreign file), or AppError('secret-required'). */
  decryptionFor(path: string): Promise<Decryption>;
  /** How new archives are encrypted, as the settings say. */
  encryptionForNewArchive(): Promise<Encryption>;
  /** `path` resolved, when it is an archive in the store; else AppError('not-found'). */
  archiveInStore(path: string): Promise<string>;
}

const NO_PASSPHRASE =
  'needs the archive passphrase and none was given to Lifeboat: set LIFEBOAT_PASSPHRASE, or LIFEBOAT_PASSPHRASE_FILE to a file holding it, before starting it';

export interface ServiceContextDeps {
  readonly registry: PluginRegistry;
  readonly jobs: JobRunner;
  readonly tracker: JobTracker;
  readonly questions: QuestionBroker;
  readonly secrets: SecretSource;
  /** Target secret options kept out of config.yaml. */
  readonly targetSecrets: TargetSecrets;
  readonly configPath: string;
  /** The store when config.yaml names none. */
  readonly defaultStore: string;
}

export function createServiceContext(deps: ServiceContextDeps): ServiceContext {
  let queue: Promise<unknown> = Promise.resolve();
  const read = (): Promise<Config> => loadConfig(deps.configPath);

  const settings = async (): Promise<AppSettings> => {
    const s = (await read()).settings;
    return {
      store: s.store ?? deps.defaultStore,
      warnAfterDays: s.warnAfterDays ?? DEFAULT_WARN_AFTER_DAYS,
      concurrency: s.concurrency ?? DEFAULT_CONCURRENCY,
      theme: s.theme ?? 'system',
      encryption: s.encryption ?? { kind: 'passphrase' },
    };
  };

  return {
    ...deps,
    loadConfig: read,
    updateConfig(change) {
      const next = queue.then(async () => {
        const updated = await change(await read());
        await saveConfig(updated, deps.configPath);
        return updated;
      });
      queue = next.catch(() => undefined);
      return next;
    },
    settings,
    async target(name) {
      return deps.targetSecrets.reveal(targetNamed(await read(), name));
    },
    async decryptionFor(path) {
      const info = await inspectEncryption(path);
      switch (info.kind) {
        case 'none':
          return {};
        case 'passphrase': {
          const passphrase = await deps.secrets.passphrase('open-archive', path);
          if (!passphrase) throw new AppError('secret-required', `Opening ${path} ${NO_PASSPHRASE}.`);
          return { passphrase };
        }
        case 'keys':
          throw new AppError(
            'secret-required',
            `${path} is encrypted to public key(s) ${info.recipients.map((r) => r.keyId).join(', ')}; the app cannot open key-encrypted archives yet. Use \`lifeboat\` on the command line with --identity PRIVATE-KEY.asc.`,
          );
      }
    },
    async encryptionForNewArchive() {
      const enc = (await settings()).encryption;
      if (enc.kind === 'recipients') {
        const publicKeys = (await Promise.all(enc.recipients.map((r) => readPublicKeyFile(r)))).flat();
        return { kind: 'keys', publicKeys };
      }
      const passphrase = await deps.secrets.passphrase('new-archive');
      if (!passphrase) throw new AppError('secret-required', `A new archive ${NO_PASSPHRASE} (or choose recipients' public keys in Settings).`);
      return { kind: 'passphrase', passphrase };
    },
    async archiveInStore(path) {
      const store = resolve((await settings()).store);
      const full = resolve(path);
      const name = full.slice(dirname(full).length + 1);
      if (dirname(full) !== store || !isArchiveFileName(name)) {
        throw new AppError('not-found', `${path} is not an archive in the store (${store}). Choose one from the archives list, or import it first.`);
      }
      await describeArchive(full).catch((e: unknown) => {
        throw new AppError('not-found', `${path} is not in the store any more; refresh the archives list.`, { cause: e });
      });
      return full;
    },
  };
}
