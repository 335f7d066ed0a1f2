import type { InvokeHandlers } from '../ipc/index.js';
import type { EventChannel, Unsubscribe } from '../shared/ipc-contract.js';

/**
 * What the server needs of the app service: its handlers, and its events to push. Declared
 * here, not imported, so the server depends on no more than it uses (the app service
 * satisfies it as it is).
 */
export interface ServedService {
  readonly handlers: InvokeHandlers;
  onEvent(listener: (channel: EventChannel, payload: unknown) => void): Unsubscribe;
}
