/**
 * Secrets through the app service, as the desktop app and `lifeboat serve` run it: the archive
 * passphrase typed in Settings is kept (encrypted on disk, or until quit), target secrets stay
 * out of config.yaml and still reach the plugin, the command line says what to do about them,
 * and serve mode keeps nothing and says where secrets come from. safeStorage cannot run here:
 * the cipher is a real AES-GCM stand-in.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { targetFromArgs } from '../../../src-main/cli/target-from-args.js';
import type { CliContext } from '../../../src-main/cli/cli-context.js';
import { loadConfig } from '../../../src-main/config/index.js';
import { createInvokeDispatcher } from '../../../src-main/ipc/invoke-dispatcher.js';
import { discoverPlugins } from '../../../src-main/plugin-host/index.js';
import { createAppService, envSecretSource, type AppService, type FolderOpener, type SecretCipher } from '../../../src-main/service/index.js';
import type { InvokeChannel, InvokeResponse, IpcResult } from '../../../src-main/shared/ipc-contract.js';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { isFinished } from '../../../src-main/shared/models/job.js';
import { SECRET_PLACEHOLDER } from '../../../src-main/shared/models/secrets.js';
import { fakeCipher } from '../../unit/service/fake-cipher.js';

const REPO = resolve(import.meta.dirname, '../../..');
const PASSPHRASE = 'a passphrase typed in Settings';
const TOKEN = 'tok-81c2-kept-by-the-app';
const PASSWORD = 'pw-5e0d-kept-by-the-app';

interface Running {
  readonly service: AppService;
  call<C extends InvokeChannel>(channel: C, request?: unknown): Promise<IpcResult<InvokeResponse<C>>>;
  ok<C extends InvokeChannel>(channel: C, request?: unknown): Promise<InvokeResponse<C>>;
  /** Starts a backup of `target` and waits for the job to finish. */
  backup(target: string): Promise<JobSnapshot>;
}

describe('app service: secrets', () => {
  let dir: string;
  let configPath: string;
  let userPlugins: string;
  let data: string;
  const started: AppService[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-secrets-'));
    configPath = join(dir, 'config', 'config.yaml');
    userPlugins = join(dir, 'user-plugins');
    await cp(join(REPO, 'test/fixtures/secret-plugins/dropin-secret'), join(userPlugins, 'dropin-secret'), { recursive: true });
    data = join(dir, 'data');
    await mkdir(data);
    await writeFile(join(data, 'notes.txt'), 'kept safe\n');
  });

  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(options: { cipher?: SecretCipher; env?: Record<string, string>; openFolder?: FolderOpener } = {}): Promise<Running> {
    const service = await createAppService({
      store: join(dir, 'store'),
      configPath,
      pluginsDirs: { builtin: join(REPO, 'plugins'), user: userPlugins },
      version: '0.0.0-test',
      secrets: envSecretSource(options.env ?? {}),
      ...(options.cipher ? { secretCipher: options.cipher } : {}),
      ...(options.openFolder ? { openFolder: options.openFolder } : {}),
    });
    started.push(service);
    const finished = new Map<string, JobSnapshot>();
    const waiters = new Set<() => void>();
    service.onEvent((channel, payload) => {
      const job = payload as JobSnapshot;
      if (channel === 'jobs:changed' && isFinished(job.state)) finished.set(job.id, job);
      for (const w of [...waiters]) w();
    });
    const dispatch = createInvokeDispatcher(service.handlers, { isTrustedSender: () => true, onUnexpectedError: () => {} });
    const call = async <C extends InvokeChannel>(channel: C, request?: unknown) =>
      (await dispatch({ channel, senderUrl: 'test://', args: request === undefined ? [] : [request] })) as IpcResult<InvokeResponse<C>>;
    const ok = async <C extends InvokeChannel>(channel: C, request?: unknown) => {
      const r = await call(channel, request);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    return {
      service,
      call,
      ok,
      async backup(target) {
        const { jobId } = await ok('jobs:backup', { target });
        return new Promise<JobSnapshot>((done) => {
          const check = () => {
            const job = finished.get(jobId);
            if (job) {
              waiters.delete(check);
              done(job);
            }
          };
          waiters.add(check);
          check();
        });
      },
    };
  }

  const secretsFile = () => join(dir, 'config', 'secrets.json');
  const saveShop = (app: Running, options: Record<string, unknown> = { dir: data, token: TOKEN, login: { user: 'op', password: PASSWORD } }) =>
    app.ok('targets:save', { name: 'shop', plugin: 'dropin-secret', options });

  it('keeps the archive passphrase typed in Settings, encrypted on disk, for the next start', async () => {
    const key = randomBytes(32);
    const app = await start({ cipher: fakeCipher('gnome_libsecret', key) });
    expect(await app.ok('secrets:status')).toEqual({ backend: { kind: 'keyring', name: 'gnome_libsecret' }, storing: true, canChange: true, file: secretsFile(), targetSecrets: 0 });
    await saveShop(app, { dir: data });
    const refused = await app.backup('shop');
    expect(refused.state).toBe('failed');
    expect(refused.error).toEqual({ code: 'secret-required', message: expect.stringMatching(/^A new archive needs the archive passphrase and none is set: set it in Settings, under Secrets/) });

    expect(await app.ok('secrets:setPassphrase', { passphrase: PASSPHRASE })).toMatchObject({ passphrase: { kind: 'stored' }, storing: true });
    const onDisk = await readFile(secretsFile(), 'utf8');
    expect(onDisk).not.toContain(PASSPHRASE);
    expect((await stat(secretsFile())).mode & 0o777).toBe(0o600);
    const made = await app.backup('shop');
    expect(made.state, made.error?.message).toBe('succeeded');

    await app.service.close();
    const again = await start({ cipher: fakeCipher('gnome_libsecret', key) });
    expect(await again.ok('secrets:status')).toMatchObject({ passphrase: { kind: 'stored' } });
    // Opening the archive needs the passphrase: it came back from the secrets file.
    expect(await again.ok('archives:manifest', { path: made.archivePath })).toMatchObject({ target: { name: 'shop' } });

    expect(await again.ok('secrets:forgetPassphrase')).not.toHaveProperty('passphrase');
    expect(await readdir(join(dir, 'config'))).toEqual(['config.yaml']);
  });

  it('with storing off, keeps secrets only until quit, and remembers that choice', async () => {
    const key = randomBytes(32);
    const app = await start({ cipher: fakeCipher('basic_text', key) });
    expect(await app.ok('secrets:setPassphrase', { passphrase: PASSPHRASE })).toMatchObject({ backend: { kind: 'plain-text', name: 'basic_text' }, storing: true });
    const status = await app.ok('secrets:setStoring', { storing: false });
    expect(status).toMatchObject({ storing: false, passphrase: { kind: 'memory' } });
    expect(status).not.toHaveProperty('file');
    await saveShop(app);
    await app.ok('targets:save', { name: 'plain', plugin: 'dropin-secret', options: { dir: data } });
    expect(await readdir(join(dir, 'config'))).toEqual(['config.yaml']);
    expect(await readFile(configPath, 'utf8')).toMatch(/storeSecrets: false/);
    expect((await app.backup('shop')).state).toBe('succeeded');

    await app.service.close();
    const again = await start({ cipher: fakeCipher('basic_text', key) });
    expect(await again.ok('secrets:status')).toEqual({ backend: { kind: 'plain-text', name: 'basic_text' }, storing: false, canChange: true, targetSecrets: 0 });
    expect((await again.backup('plain')).error?.message).toMatch(/set it in Settings, under Secrets/);
    // The Targets view says which secrets are gone before anything is run.
    const listed = await again.ok('targets:list');
    expect(listed.find((t) => t.name === 'shop')?.missingSecrets).toEqual(['token', 'login.password']);
    expect(listed.find((t) => t.name === 'plain')).not.toHaveProperty('missingSecrets');
    const probe = await again.call('targets:probe', { name: 'shop' });
    expect(probe).toMatchObject({ ok: false, error: { code: 'secret-required', message: expect.stringMatching(/Option "token" of target "shop" is not kept any more .* Edit the target and type it again/) } });
  });

  it('keeps target secrets out of config.yaml, gives them to the plugin, and follows renames and removal', async () => {
    const app = await start({ cipher: fakeCipher() });
    const saved = await saveShop(app);
    expect(saved.options).toEqual({ dir: data, token: '***', login: { user: 'op', password: '***' } });
    const config = await readFile(configPath, 'utf8');
    for (const secret of [TOKEN, PASSWORD]) {
      expect(config).not.toContain(secret);
      expect(await readFile(secretsFile(), 'utf8')).not.toContain(secret);
    }
    expect((await loadConfig(configPath)).targets[0]!.options).toEqual({ dir: data, token: SECRET_PLACEHOLDER, login: { user: 'op', password: SECRET_PLACEHOLDER } });
    expect((await app.ok('targets:probe', { name: 'shop' })).detail).toBe(`token=${TOKEN} password=${PASSWORD}`);
    expect(await app.ok('secrets:status')).toMatchObject({ targetSecrets: 2 });
    expect((await app.ok('targets:list')).find((t) => t.name === 'shop')).not.toHaveProperty('missingSecrets');

    // Sent back as shown (***), renamed: the kept secrets follow the new name.
    await app.ok('targets:save', { name: 'shop2', previousName: 'shop', plugin: 'dropin-secret', options: saved.options });
    expect((await app.ok('targets:probe', { name: 'shop2' })).detail).toBe(`token=${TOKEN} password=${PASSWORD}`);
    expect(await app.ok('secrets:status')).toMatchObject({ targetSecrets: 2 });
    // A new token typed, the password dropped.
    await app.ok('targets:save', { name: 'shop2', previousName: 'shop2', plugin: 'dropin-secret', options: { dir: data, token: 'new-token', login: { user: 'op' } } });
    expect((await app.ok('targets:probe', { name: 'shop2' })).detail).toBe('token=new-token password=(none)');
    expect(await app.ok('secrets:status')).toMatchObject({ targetSecrets: 1 });

    // The command line cannot read the app's store and says how to give the option.
    const cli = {
      configPath,
      config: () => loadConfig(configPath),
      registry: () => discoverPlugins({ builtinDir: join(REPO, 'plugins'), userDir: userPlugins }),
    } as unknown as CliContext;
    await expect(targetFromArgs(cli, { target: 'shop2' }, 'usage')).rejects.toThrow(/Option "token" of target "shop2" is kept by the Lifeboat desktop app .* --opt token=VALUE/);
    expect((await targetFromArgs(cli, { target: 'shop2', opt: ['token=typed'] }, 'usage')).options).toMatchObject({ token: 'typed' });

    await app.ok('targets:remove', { name: 'shop2' });
    expect(await app.ok('secrets:status')).toMatchObject({ targetSecrets: 0 });
    expect(await readdir(join(dir, 'config'))).toEqual(['config.yaml']);
  });

  it('a locked keyring does not break the Targets list: nothing is called missing, and a job says why', async () => {
    const key = randomBytes(32);
    const app = await start({ cipher: fakeCipher('gnome_libsecret', key) });
    await saveShop(app);
    await app.service.close();
    const locked = fakeCipher('gnome_libsecret', key);
    locked.setAvailable(false);
    const again = await start({ cipher: locked });
    const listed = await again.ok('targets:list');
    expect(listed.map((t) => t.name)).toEqual(['shop']);
    expect(listed[0]).not.toHaveProperty('missingSecrets');
    const probe = await again.call('targets:probe', { name: 'shop' });
    expect(probe).toMatchObject({ ok: false, error: { code: 'secret-required', message: expect.stringMatching(/locked or missing/) } });
  });

  it('leaves a secret written by the command line in config.yaml when the window edits its target, so cron keeps working', async () => {
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(configPath, `targets:\n  shop:\n    plugin: dropin-secret\n    options: { dir: ${data}, token: ${TOKEN}, login: { user: op, password: ${PASSWORD} } }\n`);
    const app = await start({ cipher: fakeCipher() });
    const view = (await app.ok('targets:list'))[0]!;
    expect(view.options).toEqual({ dir: data, token: '***', login: { user: 'op', password: '***' } });
    // The folder changed and the password typed anew; the token sent back as shown.
    await app.ok('targets:save', { name: 'shop', previousName: 'shop', plugin: 'dropin-secret', options: { ...view.options, dir: join(data, '..'), login: { user: 'op', password: 'typed-in-the-window' } } });
    const options = (await loadConfig(configPath)).targets[0]!.options;
    expect(options).toEqual({ dir: join(data, '..'), token: TOKEN, login: { user: 'op', password: SECRET_PLACEHOLDER } });
    expect((await app.ok('targets:probe', { name: 'shop' })).detail).toBe(`token=${TOKEN} password=typed-in-the-window`);
    expect(await app.ok('secrets:status')).toMatchObject({ targetSecrets: 1 });
  });

  it('in serve mode keeps nothing, says where the passphrase comes from, and leaves config.yaml targets as they were', async () => {
    const passFile = join(dir, 'pass');
    await writeFile(passFile, `${PASSPHRASE}\n`);
    const app = await start({ env: { LIFEBOAT_PASSPHRASE_FILE: passFile } });
    expect(await app.ok('secrets:status')).toEqual({ backend: { kind: 'environment' }, storing: false, canChange: false, passphrase: { kind: 'file', path: passFile }, targetSecrets: 0 });
    for (const [channel, request] of [
      ['secrets:setPassphrase', { passphrase: 'x' }],
      ['secrets:forgetPassphrase', undefined],
      ['secrets:setStoring', { storing: false }],
    ] as const) {
      const r = await app.call(channel, request);
      expect(r).toMatchObject({ ok: false, error: { code: 'usage', message: expect.stringContaining('--passphrase-file FILE, or LIFEBOAT_PASSPHRASE') } });
    }
    await saveShop(app);
    expect(await readFile(configPath, 'utf8')).toContain(TOKEN);
    expect((await app.ok('targets:probe', { name: 'shop' })).detail).toBe(`token=${TOKEN} password=${PASSWORD}`);
    expect((await app.backup('shop')).state).toBe('succeeded');

    const opened = await app.call('app:openPluginsFolder');
    expect(opened).toMatchObject({ ok: false, error: { message: expect.stringContaining(`Open ${userPlugins} on the machine running Lifeboat`) } });
  });

  it('in serve mode, a secret the desktop app keeps is refused with what to do', async () => {
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(configPath, `targets:\n  shop:\n    plugin: dropin-secret\n    options: { dir: ${data}, token: "${SECRET_PLACEHOLDER}" }\n`);
    const app = await start({ env: { LIFEBOAT_PASSPHRASE: PASSPHRASE } });
    expect(await app.ok('secrets:status')).toMatchObject({ passphrase: { kind: 'environment', variable: 'LIFEBOAT_PASSPHRASE' } });
    expect(await app.call('targets:probe', { name: 'shop' })).toMatchObject({
      ok: false,
      error: { code: 'secret-required', message: expect.stringContaining('secret store lifeboat serve cannot read') },
    });
  });

  it('the desktop app opens the plugins folder it made', async () => {
    const opened: string[] = [];
    await rm(userPlugins, { recursive: true });
    const app = await start({ cipher: fakeCipher(), openFolder: async (p) => void opened.push(p) });
    await app.ok('app:openPluginsFolder');
    expect(opened).toEqual([userPlugins]);
    expect((await stat(userPlugins)).isDirectory()).toBe(true);
  });
});
