// The secrets channels and app:openPluginsFolder as the dispatcher runs them: malformed
// payloads are refused with a message naming the field, before anything is kept.
import { describe, expect, it } from 'vitest';
import { createInvokeDispatcher } from '../../../src-main/ipc/invoke-dispatcher.js';
import { createAppHandlers } from '../../../src-main/ipc/app-handlers.js';
import { createSecretsHandlers, type SecretsApi } from '../../../src-main/ipc/secrets-handlers.js';
import type { InvokeHandlers } from '../../../src-main/ipc/invoke-dispatcher.js';
import type { SecretsStatus } from '../../../src-main/shared/models/secrets.js';

const OUR_PAGE = 'app://lifeboat/index.html';

function setUp() {
  const kept: string[] = [];
  const storing: boolean[] = [];
  let opened = 0;
  const status = (): SecretsStatus => ({ backend: { kind: 'keyring', name: 'gnome_libsecret' }, storing: storing.at(-1) ?? true, canChange: true, targetSecrets: 0, ...(kept.length ? { passphrase: { kind: 'stored' } } : {}) });
  const api: SecretsApi = {
    status: async () => status(),
    setPassphrase: async (p) => {
      kept.push(p);
      return status();
    },
    forgetPassphrase: async () => {
      kept.length = 0;
      return status();
    },
    setStoring: async (s) => {
      storing.push(s);
      return status();
    },
  };
  // Only the channels under test; the dispatcher looks a handler up by channel name.
  const handlers = {
    ...createSecretsHandlers(api),
    ...createAppHandlers({ version: '1', store: '/s', pluginsDir: '/p' }, { openPluginsFolder: async () => void opened++ }),
  } as unknown as InvokeHandlers;
  const dispatch = createInvokeDispatcher(handlers);
  const call = (channel: string, ...args: unknown[]) => dispatch({ channel, senderUrl: OUR_PAGE, args });
  return { call, kept, storing, opened: () => opened };
}

describe('secrets channels', () => {
  it('keeps a passphrase and answers the status', async () => {
    const { call, kept } = setUp();
    expect(await call('secrets:setPassphrase', { passphrase: 'correct horse' })).toMatchObject({ ok: true, value: { passphrase: { kind: 'stored' } } });
    expect(kept).toEqual(['correct horse']);
    expect(await call('secrets:forgetPassphrase')).toMatchObject({ ok: true, value: { backend: { kind: 'keyring' } } });
    expect(kept).toEqual([]);
  });

  it.each([
    ['no object', [undefined], /takes an object with passphrase/],
    ['a number', [{ passphrase: 42 }], /"passphrase" must be a non-empty string/],
    ['an empty passphrase', [{ passphrase: '' }], /"passphrase" must be a non-empty string/],
    ['an extra field', [{ passphrase: 'x', store: true }], /"store" is not a known field/],
    ['two arguments', [{ passphrase: 'x' }, { passphrase: 'y' }], /at most one argument/],
  ])('refuses secrets:setPassphrase with %s, keeping nothing', async (_what, args, message) => {
    const { call, kept } = setUp();
    const result = await call('secrets:setPassphrase', ...args);
    expect(result).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(result.ok === false && result.error.message).toMatch(message);
    expect(kept).toEqual([]);
  });

  it.each([
    ['a string', [{ storing: 'false' }], /"storing" must be true or false/],
    ['nothing', [{}], /"storing" is missing/],
    ['a list', [[false]], /takes an object with storing/],
  ])('refuses secrets:setStoring with %s', async (_what, args, message) => {
    const { call, storing } = setUp();
    const result = await call('secrets:setStoring', ...args);
    expect(result.ok === false && result.error.message).toMatch(message);
    expect(storing).toEqual([]);
  });

  it('refuses arguments to the calls that take none', async () => {
    const { call, kept } = setUp();
    kept.push('kept');
    expect(await call('secrets:forgetPassphrase', { passphrase: 'kept' })).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(kept).toEqual(['kept']);
    expect(await call('secrets:status', 'x')).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('opens the plugins folder only when asked with no argument', async () => {
    const { call, opened } = setUp();
    expect(await call('app:openPluginsFolder', { path: '/etc' })).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(opened()).toBe(0);
    expect(await call('app:openPluginsFolder')).toEqual({ ok: true, value: undefined });
    expect(opened()).toBe(1);
  });
});
