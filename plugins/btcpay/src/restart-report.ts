/** After a stop: which of the containers that were running run again, said plainly. */
import type { DockerEngine } from '../../../src-main/plugin-host/plugin-api.js';
import type { ContainerRef } from '../../../src-main/transport/docker/containers.js';
import { AppError, errorMessage, isAppError } from '../../../src-main/shared/app-error.js';

export interface RestartReport {
  readonly ok: boolean;
  /** One sentence for the operator. */
  readonly sentence: string;
}

export async function restartReport(engine: DockerEngine, wereRunning: readonly ContainerRef[]): Promise<RestartReport> {
  const down: string[] = [];
  for (const c of wereRunning) {
    const running = await engine.client
      .getContainer(c.id)
      .inspect()
      .then((i) => i.State.Running)
      .catch(() => false);
    if (!running) down.push(c.name);
  }
  if (down.length === 0) return { ok: true, sentence: `BTCPay Server is running again (${wereRunning.length} containers).` };
  return {
    ok: false,
    sentence: `These containers that were running before are NOT running now: ${down.join(', ')}. Start them (docker start ${down.join(' ')}, or btcpay-up.sh) and check docker logs.`,
  };
}

/** The original failure, its code kept, with what became of the stack added. */
export function withStackState(e: unknown, report: RestartReport): Error {
  const message = `${errorMessage(e)} ${report.sentence}`;
  if (isAppError(e)) return new AppError(e.code, message, { cause: e });
  return new AppError('plugin', message, { cause: e });
}
