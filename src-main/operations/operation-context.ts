import type { Logger, PluginContext } from '../plugin-host/plugin-api.js';
import type { ProgressSink } from '../shared/models/progress.js';
import type { QuestionHostKey } from '../shared/models/question.js';
import type { TargetConfig } from '../shared/models/target.js';
import { createLocalMachine } from '../transport/local/index.js';
import { createTargetConnections, type ConnectionScope } from './target-connections.js';

/** What a job gives an operation (the engine's JobContext is one). */
export interface OperationContext {
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  readonly log: Logger;
}

/** What a question is, besides its text. */
export interface ConfirmOptions {
  /** A trust decision (a new SSH host key), which `--yes` never answers. */
  readonly trust?: boolean;
  /** On a host-key question: the host, fingerprint and whether the key changed, for the window to show apart. */
  readonly hostKey?: QuestionHostKey;
}

/**
 * Asks the operator a yes/no question; the CLI prompts or honours --yes (its question text
 * says everything), the window shows a dialog.
 */
export type Confirm = (question: string, options?: ConfirmOptions) => Promise<boolean>;

/**
 * Runs `work` with the plugin context every operation builds the same way, and closes the
 * job's SSH and Docker connections afterwards, whatever happened. With scope `verify`, the
 * context never reaches the target (see VerifyContext in plugin-api.ts).
 */
export async function withPluginContext<T>(
  target: TargetConfig,
  options: Record<string, unknown>,
  op: OperationContext,
  confirm: Confirm,
  work: (ctx: PluginContext) => Promise<T>,
  scope: ConnectionScope = 'target',
): Promise<T> {
  const connections = createTargetConnections(options, op, confirm, scope);
  try {
    return await work({
      target: { name: target.name, options },
      local: createLocalMachine({ signal: op.signal }),
      log: op.log,
      progress: op.progress,
      signal: op.signal,
      confirm,
      ssh: connections.ssh,
      docker: connections.docker,
    });
  } finally {
    await connections.close();
  }
}
