/**
 * The renderer's only door to the main process: typed calls built on `window.lifeboat`
 * (the preload's bridge, or later the same contract over WebSocket from `lifeboat serve`).
 * Failed calls throw IpcCallError with the main side's error code and message.
 */
import {
  IpcCallError,
  unwrapIpcResult,
  type AppInfo,
  type EventPayload,
  type LifeboatBridge,
  type Unsubscribe,
} from '@shared/ipc-contract.js';
import type { ArchiveInfo } from '@shared/models/archive.js';
import type { PluginInfo } from '@shared/models/plugin.js';

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

export async function listPlugins(): Promise<readonly PluginInfo[]> {
  return unwrapIpcResult('plugins:list', await bridge().pluginsList());
}

export async function listArchives(): Promise<readonly ArchiveInfo[]> {
  return unwrapIpcResult('archives:list', await bridge().archivesList());
}

export async function getAppInfo(): Promise<AppInfo> {
  return unwrapIpcResult('app:info', await bridge().appInfo());
}

export function onJobsChanged(listener: (job: EventPayload<'jobs:changed'>) => void): Unsubscribe {
  return bridge().onJobsChanged(listener);
}
