/**
 * Preload: exposes `window.lifeboat`, one function per channel of the IPC contract, and
 * `window.lifeboatFiles`, the local path of a file dropped on the window; nothing else (no
 * ipcRenderer, no event objects). Built as CommonJS and sandboxed, so it may import only
 * `electron`; the contract is pure and bundled in.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, eventBridgeName, invokeBridgeName, type LifeboatBridge } from '../shared/ipc-contract.js';

function createBridge(): LifeboatBridge {
  const bridge: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) {
    bridge[invokeBridgeName(channel)] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
  }
  for (const channel of EVENT_CHANNELS) {
    bridge[eventBridgeName(channel)] = (listener: (payload: unknown) => void) => {
      // The event object is dropped: it would hand the page a reference to ipcRenderer's sender.
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    };
  }
  // The loops above cover every channel (the contract's lists are checked against its maps).
  return bridge as LifeboatBridge;
}

contextBridge.exposeInMainWorld('lifeboat', createBridge());

/**
 * Electron no longer gives File objects a `path`; webUtils does, in the preload only. Not an
 * IPC channel: the answer is local to this window and there is nothing for main to check.
 * The shape matches LocalFilesBridge in src-renderer/src/ipc/local-files.ts.
 */
contextBridge.exposeInMainWorld('lifeboatFiles', {
  pathFor: (file: File): string => {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      // Thrown for anything that is not a File: the page gets "no path", as for a non-disk file.
      return '';
    }
  },
});
