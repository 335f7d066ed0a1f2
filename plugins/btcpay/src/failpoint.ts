/**
 * Test hooks at the plugin's critical moments, for the tests that prove the stack comes back
 * whatever happens (a real failure or pause at an exact step is otherwise hard to arrange).
 * Set LIFEBOAT_TEST_FAILPOINTS to a comma list of `name` (fail there) or `name=pause:<ms>`
 * (wait there, cancelable). Unset, as for every operator, it does nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../src-main/shared/app-error.js';

export type FailpointName = 'backup.stopped' | 'backup.copied' | 'restore.swapped' | 'restore.loaded';

export async function failpoint(name: FailpointName, env: Readonly<Record<string, string | undefined>>, signal: AbortSignal): Promise<void> {
  for (const item of (env.LIFEBOAT_TEST_FAILPOINTS ?? '').split(',')) {
    const [point, action] = item.trim().split('=');
    if (point !== name) continue;
    const pause = /^pause:(\d+)$/.exec(action ?? '');
    if (pause) {
      try {
        await sleep(Number(pause[1]), undefined, { signal });
      } catch {
        throw new AppError('canceled', `Canceled at ${name}.`);
      }
    } else {
      throw new AppError('plugin', `Failed on purpose at ${name} (LIFEBOAT_TEST_FAILPOINTS).`);
    }
  }
}
