import type { IpcMain, WebContents } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type EventChannel, type EventPayload } from '../shared/ipc-contract.js';
import { createInvokeDispatcher, type InvokeDispatcherOptions, type InvokeHandlers } from './invoke-dispatcher.js';
import { isTrustedSenderUrl } from './trusted-sender.js';

/**
 * Registers a handler for every invoke channel of the contract. The sender check and input
 * validation happen in the dispatcher, before any handler runs. Returns a function that
 * removes the handlers again.
 */
export function registerInvokeHandlers(ipcMain: IpcMain, handlers: InvokeHandlers, options?: InvokeDispatcherOptions): () => void {
  const dispatch = createInvokeDispatcher(handlers, options);
  for (const channel of INVOKE_CHANNELS) {
    // senderFrame is null when the frame navigated away or was destroyed: then it is untrusted.
    ipcMain.handle(channel, (event, ...args: unknown[]) => dispatch({ channel, senderUrl: event.senderFrame?.url, args }));
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/**
 * Pushes an event to one window, only while it still shows our own page: a window that
 * somehow shows another origin gets nothing. Returns whether it was sent.
 */
export function sendEvent<C extends EventChannel>(contents: WebContents, channel: C, payload: EventPayload<C>): boolean {
  if (!(EVENT_CHANNELS as readonly string[]).includes(channel)) return false;
  if (contents.isDestroyed() || !isTrustedSenderUrl(contents.getURL())) return false;
  try {
    contents.send(channel, payload);
    return true;
  } catch (e) {
    // A payload that cannot be cloned is a bug, but it must not break the job runner that
    // emitted it: log it and drop the event.
    console.error(`Could not send "${channel}" to the window:`, e);
    return false;
  }
}
