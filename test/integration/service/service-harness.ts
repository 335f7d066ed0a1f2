/** A real app service on temp folders, called through the real dispatcher, for the service tests. */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInvokeDispatcher } from '../../../src-main/ipc/invoke-dispatcher.js';
import { createAppService, type AppService, type SecretSource } from '../../../src-main/service/index.js';
import type { EventChannel, EventPayload, InvokeChannel, InvokeResponse, IpcResult } from '../../../src-main/shared/ipc-contract.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { isFinished } from '../../../src-main/shared/models/job.js';

export const PASSPHRASE = 'correct horse battery staple';
const REPO = resolve(import.meta.dirname, '../../..');

export interface Harness {
  readonly dir: string;
  readonly store: string;
  readonly configPath: string;
  readonly service: AppService;
  readonly events: { channel: EventChannel; payload: unknown }[];
  call<C extends InvokeChannel>(channel: C, request?: unknown): Promise<IpcResult<InvokeResponse<C>>>;
  /** The value, or throws with the error's code and message. */
  ok<C extends InvokeChannel>(channel: C, request?: unknown): Promise<InvokeResponse<C>>;
  waitForJob(jobId: string): Promise<JobSnapshot>;
  waitForEvent<C extends EventChannel>(channel: C, match: (p: EventPayload<C>) => boolean): Promise<EventPayload<C>>;
  close(): Promise<void>;
}

export async function startHarness(options: { secrets?: SecretSource } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-service-'));
  const store = join(dir, 'store');
  const configPath = join(dir, 'config', 'config.yaml');
  const userPlugins = join(dir, 'user-plugins');
  await mkdir(userPlugins, { recursive: true });
  await cp(join(REPO, 'test/fixtures/plugins/dropin-questions'), join(userPlugins, 'dropin-questions'), { recursive: true });
  const service = await createAppService({
    store,
    configPath,
    pluginsDirs: { builtin: join(REPO, 'plugins'), user: userPlugins },
    version: '0.0.0-test',
    secrets: options.secrets ?? { passphrase: async () => PASSPHRASE },
  });
  const events: { channel: EventChannel; payload: unknown }[] = [];
  const waiters = new Set<() => void>();
  service.onEvent((channel, payload) => {
    events.push({ channel, payload });
    for (const w of [...waiters]) w();
  });
  const dispatch = createInvokeDispatcher(service.handlers, { isTrustedSender: () => true, onUnexpectedError: () => {} });
  const call = async <C extends InvokeChannel>(channel: C, request?: unknown): Promise<IpcResult<InvokeResponse<C>>> =>
    (await dispatch({ channel, senderUrl: 'test://', args: request === undefined ? [] : [request] })) as IpcResult<InvokeResponse<C>>;

  const waitFor = <T>(find: () => T | undefined): Promise<T> =>
    new Promise((resolveWait, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          resolveWait(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const seen = events.map((e) => `${e.channel} ${JSON.stringify(e.payload).slice(0, 700)}`).join('\n');
        reject(new Error(`timed out waiting for an event; seen:\n${seen}`));
      }, 60_000);
      waiters.add(check);
      check();
    });

  return {
    dir,
    store,
    configPath,
    service,
    events,
    call,
    async ok(channel, request) {
      const r = await call(channel, request);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    waitForJob: (jobId) =>
      waitFor(() =>
        events
          .filter((e) => e.channel === 'jobs:changed')
          .map((e) => e.payload as JobSnapshot)
          .find((j) => j.id === jobId && isFinished(j.state)),
      ),
    waitForEvent: (channel, match) =>
      waitFor(() => events.filter((e) => e.channel === channel).map((e) => e.payload as EventPayload<typeof channel>).find(match)),
    async close() {
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
