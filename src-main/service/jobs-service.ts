/**
 * Starting jobs the window asks for (backup, restore, verify, import, extract), each on the
 * shared job runner with its questions routed to the operator and its secrets redacted.
 */
import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError } from '../shared/app-error.js';
import type { JobKind, JobStarted } from '../shared/models/job.js';
import type { ArchiveExtractRequest } from '../shared/models/archive-browser.js';
import { describeArchive, openArchive } from '../archive/index.js';
import type { JobContext } from '../engine/index.js';
import { secretValues } from '../plugin-host/index.js';
import { runBackup, runImport, runRestore, runVerify, type Confirm } from '../operations/index.js';
import type { ServiceContext } from './service-context.js';
import { formatLogLine, type JobExtras } from './job-tracker.js';

export interface JobsService {
  backup(target: string): Promise<JobStarted>;
  restore(request: { archivePath: string; target: string; confirmTargetName: string }): Promise<JobStarted>;
  verify(request: { archivePath: string; deep?: boolean }): Promise<JobStarted>;
  importArchive(path: string): Promise<JobStarted>;
  extract(request: ArchiveExtractRequest): Promise<JobStarted>;
  cancel(jobId: string): void;
  log(jobId: string): string[];
}

interface StartSpec {
  readonly kind: JobKind;
  readonly target: string;
  readonly title: string;
  readonly secrets?: readonly string[];
  readonly archivePath?: string;
  run(job: JobContext, confirm: Confirm, extras: JobExtras): Promise<unknown>;
}

export function createJobsService(ctx: ServiceContext): JobsService {
  const start = (spec: StartSpec): JobStarted => {
    // The runner may start the work inside enqueue, before its id is returned: the work waits one tick for it.
    const holder: { id?: string } = {};
    const handle = ctx.jobs.enqueue({
      kind: spec.kind,
      target: spec.target,
      title: spec.title,
      ...(spec.secrets ? { secrets: spec.secrets } : {}),
      run: async (job) => {
        await Promise.resolve();
        const id = holder.id!;
        const confirm: Confirm = (question, options) => ctx.questions.ask(id, question, options ?? {}, job.signal);
        return spec.run(job, confirm, ctx.tracker.extras(id));
      },
    });
    holder.id = handle.id;
    if (spec.archivePath) ctx.tracker.extras(handle.id).archivePath = spec.archivePath;
    // The outcome is reported through jobs:changed; nobody awaits the handle.
    handle.done.catch(() => undefined);
    return { jobId: handle.id };
  };

  return {
    async backup(name) {
      const target = await ctx.target(name);
      const loaded = ctx.registry.get(target.plugin);
      const store = (await ctx.settings()).store;
      return start({
        kind: 'backup',
        target: name,
        title: `Back up ${name}`,
        secrets: secretValues(loaded.manifest.options, target.options),
        run: async (job, confirm, extras) => {
          const encryption = await ctx.encryptionForNewArchive();
          const outcome = await runBackup({ registry: ctx.registry, target, store, encryption, confirm }, job);
          extras.archivePath = outcome.archive.path;
          if (outcome.result?.downtimeSeconds !== undefined) extras.downtimeSeconds = outcome.result.downtimeSeconds;
          return outcome;
        },
      });
    },
    async restore(request) {
      if (request.confirmTargetName !== request.target) {
        throw new AppError('declined', `Nothing was restored: type the target's name "${request.target}" exactly to confirm the restore.`);
      }
      const archivePath = await ctx.archiveInStore(request.archivePath);
      const target = await ctx.target(request.target);
      const loaded = ctx.registry.get(target.plugin);
      return start({
        kind: 'restore',
        target: target.name,
        title: `Restore ${target.name}`,
        secrets: secretValues(loaded.manifest.options, target.options),
        archivePath,
        run: async (job, confirm, extras) => {
          const decryption = await ctx.decryptionFor(archivePath);
          const outcome = await runRestore({ registry: ctx.registry, target, archivePath, decryption, confirm }, job);
          if (outcome.result?.downtimeSeconds !== undefined) extras.downtimeSeconds = outcome.result.downtimeSeconds;
          return outcome;
        },
      });
    },
    async verify(request) {
      const archivePath = await ctx.archiveInStore(request.archivePath);
      const info = await describeArchive(archivePath);
      return start({
        kind: 'verify',
        target: info.target,
        title: `Verify ${info.fileName}${request.deep ? ' (deep)' : ''}`,
        archivePath,
        run: async (job) => {
          const decryption = await ctx.decryptionFor(archivePath);
          const report = await runVerify({ archivePath, decryption, registry: ctx.registry, deep: request.deep === true }, job);
          if (!report.ok) throw new AppError('integrity', `The archive failed verification: ${report.problems.join('; ')}`);
          return report;
        },
      });
    },
    async importArchive(path) {
      const file = resolve(path);
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) throw new AppError('not-found', `${path} is not a file. Choose a backup archive to import.`);
      const store = (await ctx.settings()).store;
      return start({
        kind: 'import',
        // Not a valid target name, so imports never wait behind (or block) a target's jobs; they wait for each other.
        target: '(import)',
        title: `Import ${file}`,
        run: async (job, _confirm, extras) => {
          const decryption = await ctx.decryptionFor(file);
          const info = await runImport({ file, store, decryption }, job);
          extras.archivePath = info.path;
          return info;
        },
      });
    },
    async extract(request) {
      const archivePath = await ctx.archiveInStore(request.path);
      const destination = resolve(request.destination);
      await checkDestination(destination);
      const info = await describeArchive(archivePath);
      return start({
        kind: 'extract',
        target: info.target,
        title: `Extract ${request.entries.length === 1 ? request.entries[0] : `${request.entries.length} items`} from ${info.fileName} to ${destination}`,
        archivePath,
        run: async (job) => {
          const decryption = await ctx.decryptionFor(archivePath);
          job.progress.report({ kind: 'phase', phase: 'extracting' });
          const result = await openArchive(archivePath, decryption).extractTo(destination, {
            paths: request.entries,
            signal: job.signal,
            progress: job.progress,
          });
          job.log.info(`Extracted ${result.files} files (${result.bytes} bytes) into ${result.destination}`);
          return result;
        },
      });
    },
    cancel(jobId) {
      ctx.jobs.cancel(jobId);
    },
    log(jobId) {
      return ctx.jobs.log(jobId).map(formatLogLine);
    },
  };
}

/** Extraction goes into a new folder or an existing empty one, never over files. */
async function checkDestination(destination: string): Promise<void> {
  const st = await stat(destination).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) throw new AppError('usage', `${destination} exists and is not a folder; choose a new or empty folder.`);
  if ((await readdir(destination)).length > 0) throw new AppError('usage', `${destination} is not empty; choose a new or empty folder.`);
}
