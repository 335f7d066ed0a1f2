import { errorMessage, isAppError } from '../shared/app-error.js';
import {
  ipcFail,
  ipcOk,
  isInvokeChannel,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type IpcResult,
} from '../shared/ipc-contract.js';
import type { RequestParser } from './request-parsers.js';
import { isTrustedSenderUrl } from './trusted-sender.js';

/** Answers one channel: `parse` checks the input, `run` does the work. */
export interface InvokeHandler<C extends InvokeChannel> {
  readonly parse: RequestParser<InvokeRequest<C>>;
  run(request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
}

/** Handlers for some channels; the full map (every channel) is what the dispatcher takes. */
export type InvokeHandlersFor<K extends InvokeChannel> = { readonly [C in K]: InvokeHandler<C> };
export type InvokeHandlers = InvokeHandlersFor<InvokeChannel>;

/** One call as it arrives, before anything about it is trusted. */
export interface InvokeCall {
  readonly channel: string;
  /** URL of the frame that sent it; undefined when the frame is gone. */
  readonly senderUrl: string | undefined;
  readonly args: readonly unknown[];
}

export interface InvokeDispatcherOptions {
  /**
   * Decides whether the sending page may call at all. Default: only frames of our own
   * `app://lifeboat/` origin. `lifeboat serve` will pass its own check (its page has an
   * http origin) and keep everything else.
   */
  readonly isTrustedSender?: (senderUrl: string | undefined) => boolean;
  /** Called with errors that are not AppErrors: bugs, logged in full. */
  readonly onUnexpectedError?: (channel: string, error: unknown) => void;
}

export type InvokeDispatcher = (call: InvokeCall) => Promise<IpcResult<unknown>>;

/**
 * Turns untrusted calls into handler runs. It never throws: every outcome is an IpcResult,
 * because Electron would keep only the message of a thrown error and drop its code.
 */
export function createInvokeDispatcher(handlers: InvokeHandlers, options: InvokeDispatcherOptions = {}): InvokeDispatcher {
  const isTrustedSender = options.isTrustedSender ?? isTrustedSenderUrl;
  const onUnexpectedError = options.onUnexpectedError ?? ((channel, error) => console.error(`IPC ${channel} failed:`, error));

  return async ({ channel, senderUrl, args }) => {
    if (!isTrustedSender(senderUrl)) {
      return ipcFail('untrusted-sender', `Refused "${channel}" from a page that is not Lifeboat's own window.`);
    }
    if (!isInvokeChannel(channel)) {
      return ipcFail('unknown-channel', `There is no call named "${channel}".`);
    }
    if (args.length > 1) {
      return ipcFail('usage', `"${channel}" takes at most one argument; it got ${args.length}.`);
    }
    try {
      return ipcOk(await runHandler(handlers, channel, args[0]));
    } catch (e) {
      if (isAppError(e)) return ipcFail(e.code, e.message, e.fields);
      onUnexpectedError(channel, e);
      return ipcFail('internal', `"${channel}" failed unexpectedly: ${errorMessage(e)}. This is a bug; details are in the log.`);
    }
  };
}

// Looked up through a generic so parse and run are checked to belong to the same channel.
async function runHandler<C extends InvokeChannel>(handlers: InvokeHandlers, channel: C, input: unknown): Promise<InvokeResponse<C>> {
  const handler = handlers[channel] as InvokeHandler<C>;
  return handler.run(handler.parse(input));
}
