import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalMachine, isLifeboatSecretVar } from '../../../src-main/transport/index.js';
import { AppError } from '../../../src-main/shared/app-error.js';

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a failure');
}

describe('local machine', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.LIFEBOAT_PASSPHRASE = 'pp-do-not-leak';
    process.env.LIFEBOAT_SSH_KEY_PASSWORD = 'kp-do-not-leak';
    process.env.LIFEBOAT_CONFIG = '/etc/lifeboat.yaml';
  });
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  });

  it('runs a program without a shell and collects its output', async () => {
    const local = createLocalMachine();
    const result = await local.exec('echo', ['$HOME', 'a b', '; rm -rf /']);
    expect(result).toEqual({ code: 0, signal: null, stdout: '$HOME a b ; rm -rf /\n', stderr: '' });
  });

  it('passes input, working folder and extra environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-local-'));
    try {
      const local = createLocalMachine();
      expect((await local.exec('cat', [], { input: 'from stdin' })).stdout).toBe('from stdin');
      expect((await local.exec('pwd', [], { cwd: dir })).stdout.trim()).toBe(dir);
      expect((await local.exec('sh', ['-c', 'echo "$EXTRA"'], { env: { EXTRA: 'yes' } })).stdout).toBe('yes\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps Lifeboat’s secrets out of the child’s environment and of `env`', async () => {
    const local = createLocalMachine();
    const { stdout } = await local.exec('env', []);
    expect(stdout).not.toContain('LIFEBOAT_PASSPHRASE');
    expect(stdout).not.toContain('do-not-leak');
    expect(stdout).toContain('LIFEBOAT_CONFIG=/etc/lifeboat.yaml');
    expect(local.env.LIFEBOAT_PASSPHRASE).toBeUndefined();
    expect(local.env.LIFEBOAT_SSH_KEY_PASSWORD).toBeUndefined();
    expect(local.env.LIFEBOAT_CONFIG).toBe('/etc/lifeboat.yaml');
    expect(local.env.PATH).toBe(process.env.PATH);
  });

  it('tells which variables are Lifeboat secrets', () => {
    expect(['LIFEBOAT_PASSPHRASE', 'LIFEBOAT_SECRET_FILE', 'LIFEBOAT_KEY', 'lifeboat_sudo_pass'].every(isLifeboatSecretVar)).toBe(true);
    expect(['LIFEBOAT_CONFIG', 'LIFEBOAT_PLUGINS_DIR', 'SSH_AUTH_SOCK', 'MY_PASSWORD'].some(isLifeboatSecretVar)).toBe(false);
  });

  it('rejects a non-zero exit with the code and the last lines of stderr', async () => {
    const local = createLocalMachine();
    const script = 'for i in 1 2 3 4 5 6 7; do echo "line $i" >&2; done; echo out; exit 3';
    const e = await failure(local.exec('sh', ['-c', script]));
    expect(e.code).toBe('plugin');
    expect(e.message).toBe('sh exited with code 3: line 3\nline 4\nline 5\nline 6\nline 7');
    const silent = await failure(local.exec('false', []));
    expect(silent.message).toBe('false exited with code 1 (it wrote nothing to stderr)');
  });

  it('resolves a non-zero exit when failure is allowed', async () => {
    const local = createLocalMachine();
    const result = await local.exec('sh', ['-c', 'echo nope >&2; exit 4'], { allowFailure: true });
    expect(result).toMatchObject({ code: 4, stderr: 'nope\n' });
  });

  it('names a program that does not exist', async () => {
    const e = await failure(createLocalMachine().exec('lifeboat-no-such-program', ['x']));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('"lifeboat-no-such-program" was not found');
  });

  it('kills a running program on cancel and rejects with canceled', async () => {
    const controller = new AbortController();
    const local = createLocalMachine({ signal: controller.signal });
    const running = local.exec('sleep', ['30']);
    setImmediate(() => controller.abort());
    const e = await failure(running);
    expect(e.code).toBe('canceled');
    // Later calls fail at once.
    expect((await failure(local.exec('true', []))).code).toBe('canceled');
  });

  it('kills a program that ignores SIGTERM once the grace time is over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-local-'));
    try {
      const controller = new AbortController();
      const local = createLocalMachine({ signal: controller.signal, killAfterMs: 200 });
      const stubborn = [
        'const fs = require("node:fs");',
        `process.on("SIGTERM", () => fs.writeFileSync(${JSON.stringify(join(dir, 'term'))}, "ignored"));`,
        `fs.writeFileSync(${JSON.stringify(join(dir, 'ready'))}, "");`,
        'setInterval(() => {}, 1000);',
      ].join('\n');
      const running = local.exec(process.execPath, ['-e', stubborn]);
      while (!existsSync(join(dir, 'ready'))) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      expect((await failure(running)).code).toBe('canceled');
      // It saw SIGTERM and kept running, so SIGKILL is what ended it.
      expect(readFileSync(join(dir, 'term'), 'utf8')).toBe('ignored');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows the home folder and whether it runs as root', () => {
    const local = createLocalMachine();
    expect(local.homedir).toBe(process.env.HOME ?? local.homedir);
    expect(local.isRoot).toBe(process.getuid?.() === 0);
  });
});
