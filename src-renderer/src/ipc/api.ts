/**
 * The renderer's only door to the main process: typed calls built on `window.lifeboat`
 * (the preload's bridge, or the same contract over WebSocket from `lifeboat serve`).
 * Failed calls throw IpcCallError with the main side's error code and message.
 */
import {
  IpcCallError,
  eventBridgeName,
  invokeBridgeName,
  unwrapIpcResult,
  type AppInfo,
  type EventChannel,
  type EventPayload,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResponse,
  type IpcResult,
  type LifeboatBridge,
  type RestorePlanView,
  type Unsubscribe,
} from '../../../src-main/shared/ipc-contract.js';
import type { ArchiveInfo } from '../../../src-main/shared/models/archive.js';
import type {
  ArchiveExtractRequest,
  ArchivePreview,
  ArchivePreviewRequest,
  ArchiveTree,
  ArchiveTreeRequest,
  ManifestHeader,
} from '../../../src-main/shared/models/archive-browser.js';
import type { JobSnapshot, JobStarted } from '../../../src-main/shared/models/job.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';
import type { JobQuestion, JobQuestionClosed } from '../../../src-main/shared/models/question.js';
import type { SecretsStatus } from '../../../src-main/shared/models/secrets.js';
import type { AppSettings } from '../../../src-main/shared/models/settings.js';
import type { TargetProbe, TargetSaveRequest, TargetView } from '../../../src-main/shared/models/target.js';

declare global {
  interface Window {
    readonly lifeboat?: LifeboatBridge;
  }
}

function bridge(): LifeboatBridge {
  const found = window.lifeboat;
  if (!found) {
    throw new IpcCallError('', 'internal', "This page has no connection to Lifeboat: open it in Lifeboat's own window.");
  }
  return found;
}

/** One call through the bridge; the contract's name rule finds the function. */
async function invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResponse<C>> {
  const fn = bridge()[invokeBridgeName(channel)] as unknown as (...a: InvokeArgs<C>) => Promise<IpcResult<InvokeResponse<C>>>;
  return unwrapIpcResult(channel, await fn(...args));
}

function subscribe<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): Unsubscribe {
  const on = bridge()[eventBridgeName(channel)] as unknown as (l: (payload: EventPayload<C>) => void) => Unsubscribe;
  return on(listener);
}

export const listPlugins = (): Promise<readonly PluginInfo[]> => invoke('plugins:list');
export const listArchives = (): Promise<readonly ArchiveInfo[]> => invoke('archives:list');
export const getAppInfo = (): Promise<AppInfo> => invoke('app:info');
/** Fails (IpcCallError) where Lifeboat cannot open folders, with a message naming the folder. */
export const openPluginsFolder = (): Promise<void> => invoke('app:openPluginsFolder');

export const listTargets = (): Promise<readonly TargetView[]> => invoke('targets:list');
export const saveTarget = (request: TargetSaveRequest): Promise<TargetView> => invoke('targets:save', request);
export const removeTarget = (name: string): Promise<void> => invoke('targets:remove', { name });
export const probeTarget = (name: string): Promise<TargetProbe> => invoke('targets:probe', { name });

export const listJobs = (): Promise<readonly JobSnapshot[]> => invoke('jobs:list');
export const startBackup = (target: string): Promise<JobStarted> => invoke('jobs:backup', { target });
export const startRestore = (archivePath: string, target: string, confirmTargetName: string): Promise<JobStarted> =>
  invoke('jobs:restore', { archivePath, target, confirmTargetName });
export const startVerify = (archivePath: string, deep: boolean): Promise<JobStarted> => invoke('jobs:verify', { archivePath, deep });
export const startImport = (path: string): Promise<JobStarted> => invoke('jobs:import', { path });
export const cancelJob = (jobId: string): Promise<void> => invoke('jobs:cancel', { jobId });
export const readJobLog = (jobId: string): Promise<readonly string[]> => invoke('jobs:log', { jobId });
export const answerQuestion = (id: string, yes: boolean): Promise<void> => invoke('questions:answer', { id, yes });
export const listQuestions = (): Promise<readonly JobQuestion[]> => invoke('questions:list');

export const readManifest = (path: string): Promise<ManifestHeader> => invoke('archives:manifest', { path });
export const readTree = (request: ArchiveTreeRequest): Promise<ArchiveTree> => invoke('archives:tree', request);
export const readPreview = (request: ArchivePreviewRequest): Promise<ArchivePreview> => invoke('archives:preview', request);
export const startExtract = (request: ArchiveExtractRequest): Promise<JobStarted> => invoke('archives:extract', request);
export const restorePlan = (archivePath: string, target: string): Promise<RestorePlanView> => invoke('archives:plan', { archivePath, target });

export const getSettings = (): Promise<AppSettings> => invoke('settings:get');
export const setSettings = (change: Partial<AppSettings>): Promise<AppSettings> => invoke('settings:set', change);

export const getSecretsStatus = (): Promise<SecretsStatus> => invoke('secrets:status');
export const setPassphrase = (passphrase: string): Promise<SecretsStatus> => invoke('secrets:setPassphrase', { passphrase });
export const forgetPassphrase = (): Promise<SecretsStatus> => invoke('secrets:forgetPassphrase');
export const setSecretsStoring = (storing: boolean): Promise<SecretsStatus> => invoke('secrets:setStoring', { storing });

export const onJobsChanged = (listener: (job: JobSnapshot) => void): Unsubscribe => subscribe('jobs:changed', listener);
export const onQuestionsAsked = (listener: (question: JobQuestion) => void): Unsubscribe => subscribe('questions:asked', listener);
export const onQuestionsClosed = (listener: (closed: JobQuestionClosed) => void): Unsubscribe => subscribe('questions:closed', listener);
