// The IPC boundary as the renderer meets it, in plain Node: what a call from our window
// gets back, what a call from any other page gets, and how errors keep their codes.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvokeDispatcher, type InvokeDispatcher } from '../../../src-main/ipc/invoke-dispatcher.js';
import { createInvokeHandlers, type InvokeHandlersDeps } from '../../../src-main/ipc/invoke-handlers.js';
import type { PluginLister } from '../../../src-main/ipc/plugins-handlers.js';
import { discoverPlugins } from '../../../src-main/plugin-host/discovery.js';
import { AppError } from '../../../src-main/shared/app-error.js';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  IpcCallError,
  eventBridgeName,
  invokeBridgeName,
  ipcFail,
  ipcOk,
  unwrapIpcResult,
  type AppInfo,
} from '../../../src-main/shared/ipc-contract.js';
import type { ArchiveInfo } from '../../../src-main/shared/models/archive.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';

const OUR_PAGE = 'app://lifeboat/index.html';

const archive: ArchiveInfo = {
  path: '/store/notes-2026-11-21T10-00-00Z.tar.gz.gpg',
  fileName: 'notes-2026-11-21T10-00-00Z.tar.gz.gpg',
  target: 'notes',
  createdAt: '2026-11-21T10:00:00.000Z',
  size: 2048,
  encryption: { kind: 'passphrase' },
  hasIndex: true,
};

describe('bridge function names', () => {
  it('gives window.lifeboat one camelCase function per channel', () => {
    const names = INVOKE_CHANNELS.map((c) => invokeBridgeName(c));
    expect(names).toEqual(expect.arrayContaining(['pluginsList', 'archivesList', 'appInfo', 'targetsSave', 'jobsBackup', 'questionsAnswer', 'archivesTree', 'settingsSet']));
    expect(new Set(names).size).toBe(INVOKE_CHANNELS.length);
    expect(EVENT_CHANNELS.map((c) => eventBridgeName(c))).toEqual(['onJobsChanged', 'onQuestionsAsked', 'onQuestionsClosed']);
  });
});

describe('result wrapper', () => {
  it('hands back the value of a successful call', () => {
    expect(unwrapIpcResult('app:info', ipcOk(42))).toBe(42);
  });

  it('turns a failed call into an error that keeps the code, message and channel', () => {
    const fail = () => unwrapIpcResult('archives:list', ipcFail('wrong-passphrase', 'The passphrase is wrong.'));
    expect(fail).toThrow(IpcCallError);
    try {
      fail();
    } catch (e) {
      expect(e).toMatchObject({ code: 'wrong-passphrase', message: 'The passphrase is wrong.', channel: 'archives:list' });
      expect((e as IpcCallError).fields).toBeUndefined();
    }
  });
});

describe('invoke dispatcher', () => {
  let dir: string;
  let appInfo: AppInfo;
  let plugins: Awaited<ReturnType<typeof discoverPlugins>>;
  let archiveCalls: number;
  let listArchives: (store: string) => Promise<ArchiveInfo[]>;
  let unexpected: unknown[];
  let dispatch: InvokeDispatcher;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-ipc-'));
    const userDir = join(dir, 'plugins');
    // A working drop-in plugin, and a folder that is not a plugin at all.
    await mkdir(join(userDir, 'notes'), { recursive: true });
    await writeFile(
      join(userDir, 'notes', 'package.json'),
      JSON.stringify({
        name: 'lifeboat-plugin-notes',
        version: '1.2.0',
        type: 'module',
        lifeboat: { id: 'notes', displayName: 'Notes folder', apiVersion: '^1.0.0', main: 'index.js', options: { type: 'object' } },
      }),
    );
    await writeFile(
      join(userDir, 'notes', 'index.js'),
      'export const plugin = { probe: async () => ({ reachable: true, running: true }), backup: async () => {}, restore: async () => {} };\n',
    );
    await mkdir(join(userDir, 'broken'));
    plugins = await discoverPlugins({ builtinDir: join(dir, 'no-builtins'), userDir });
    appInfo = { version: '0.1.0', store: join(dir, 'store'), pluginsDir: userDir };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function setUp(archives: (store: string) => Promise<ArchiveInfo[]>): void {
    archiveCalls = 0;
    listArchives = async (store) => {
      archiveCalls++;
      return archives(store);
    };
    unexpected = [];
    dispatch = createInvokeDispatcher(createInvokeHandlers(depsWith(appInfo, plugins, listArchives)), {
      onUnexpectedError: (_channel, error) => unexpected.push(error),
    });
  }

  it('lists the plugins discovery found, with the reason a plugin is disabled', async () => {
    setUp(async () => []);
    const result = await dispatch({ channel: 'plugins:list', senderUrl: OUR_PAGE, args: [] });
    expect(result.ok).toBe(true);
    const list = unwrapIpcResult('plugins:list', result) as PluginInfo[];
    expect(list.find((p) => p.id === 'notes')).toMatchObject({ displayName: 'Notes folder', version: '1.2.0', status: 'enabled', source: 'user' });
    const broken = list.find((p) => p.folder.endsWith('broken'));
    expect(broken?.status).toBe('disabled');
    expect(broken?.reason).toMatch(/package\.json/);
  });

  it('lists the archives of the configured store and answers app:info', async () => {
    let askedFor = '';
    setUp(async (store) => {
      askedFor = store;
      return [archive];
    });
    expect(await dispatch({ channel: 'archives:list', senderUrl: OUR_PAGE, args: [] })).toEqual({ ok: true, value: [archive] });
    expect(askedFor).toBe(appInfo.store);
    expect(await dispatch({ channel: 'app:info', senderUrl: OUR_PAGE, args: [] })).toEqual({ ok: true, value: appInfo });
  });

  it.each([
    ['a local file', 'file:///home/me/evil.html'],
    ['a web page', 'https://evil.example/app://lifeboat/'],
    ['another app:// host', 'app://lifeboat.evil/index.html'],
    ['a frame that is gone', undefined],
    ['garbage', 'not a url'],
  ])('refuses a call from %s without running the handler', async (_what, senderUrl) => {
    setUp(async () => [archive]);
    const result = await dispatch({ channel: 'archives:list', senderUrl, args: [] });
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(archiveCalls).toBe(0);
  });

  it('lets a server with its own origin decide who may call, keeping every other check', async () => {
    const handlers = createInvokeHandlers(depsWith(appInfo, plugins, async () => [archive]));
    const served = createInvokeDispatcher(handlers, { isTrustedSender: (url) => url === 'http://127.0.0.1:8080/' });
    expect(await served({ channel: 'archives:list', senderUrl: 'http://127.0.0.1:8080/', args: [] })).toEqual({ ok: true, value: [archive] });
    expect(await served({ channel: 'archives:list', senderUrl: OUR_PAGE, args: [] })).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(await served({ channel: 'archives:list', senderUrl: 'http://127.0.0.1:8080/', args: [1] })).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('rejects input a channel does not take, before the handler runs', async () => {
    setUp(async () => [archive]);
    for (const args of [[{ path: '/etc' }], [null], ['a', 'b']]) {
      const result = await dispatch({ channel: 'archives:list', senderUrl: OUR_PAGE, args });
      expect(result).toMatchObject({ ok: false, error: { code: 'usage' } });
    }
    expect(archiveCalls).toBe(0);
  });

  it('answers an unknown channel with an error instead of throwing', async () => {
    setUp(async () => []);
    const result = await dispatch({ channel: 'shell:exec', senderUrl: OUR_PAGE, args: ['rm -rf /'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it("keeps an AppError's code and message, which Electron alone would drop", async () => {
    setUp(async () => {
      throw new AppError('io', 'The store folder /mnt/backup cannot be read: check that the disk is mounted.');
    });
    const result = await dispatch({ channel: 'archives:list', senderUrl: OUR_PAGE, args: [] });
    expect(result).toEqual({
      ok: false,
      error: { code: 'io', message: 'The store folder /mnt/backup cannot be read: check that the disk is mounted.' },
    });
    expect(unexpected).toEqual([]);
  });

  it("carries an AppError's field problems with its code and message, so a form can place them", async () => {
    const fields = { 'ssh.host': 'missing required option', exclude: 'item 1 must be string' };
    setUp(async () => {
      throw new AppError('config', 'Options for plugin "btcpay" are not valid: missing required option "ssh.host". Fix the target\'s options and try again.', { fields });
    });
    const result = await dispatch({ channel: 'archives:list', senderUrl: OUR_PAGE, args: [] });
    expect(result).toMatchObject({ ok: false, error: { code: 'config', fields } });
    // Over the WebSocket of `lifeboat serve` the answer is JSON: the fields survive it.
    const error = catchError(() => unwrapIpcResult('archives:list', JSON.parse(JSON.stringify(result)) as typeof result));
    expect(error).toBeInstanceOf(IpcCallError);
    expect(error).toMatchObject({ code: 'config', fields, message: expect.stringContaining('missing required option "ssh.host"') });
  });

  it('reports any other error as an internal one and hands it to the bug log', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'size')");
    setUp(async () => {
      throw bug;
    });
    const result = await dispatch({ channel: 'archives:list', senderUrl: OUR_PAGE, args: [] });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(result.ok === false && result.error.message).toContain("reading 'size'");
    expect(unexpected).toEqual([bug]);
  });
});

/** Handlers whose only real parts are app info, plugins and the archive list; the rest are not called here. */
function depsWith(app: AppInfo, plugins: PluginLister, listArchives: (store: string) => Promise<ArchiveInfo[]>): InvokeHandlersDeps {
  const notHere = (): never => {
    throw new Error('not used in this test');
  };
  return {
    app,
    appActions: { openPluginsFolder: notHere },
    plugins,
    archives: { list: () => listArchives(app.store), manifest: notHere, tree: notHere, preview: notHere, extract: notHere, plan: notHere },
    targets: { list: notHere, save: notHere, remove: notHere, probe: notHere },
    jobs: { list: notHere, backup: notHere, restore: notHere, verify: notHere, importArchive: notHere, cancel: notHere, log: notHere, answer: notHere, pendingQuestions: notHere },
    settings: { get: notHere, set: notHere },
    secrets: { status: notHere, setPassphrase: notHere, forgetPassphrase: notHere, setStoring: notHere },
  };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected it to throw');
}
