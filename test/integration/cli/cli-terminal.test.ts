/**
 * The CLI on a real terminal (a pty made by util-linux `script`): it asks for the passphrase
 * twice without echo, draws a redrawn progress line, and refuses passphrases that differ.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../plugins/lifeboat-cli.js';

let root: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'inherit' });
  root = await mkdtemp(join(tmpdir(), 'lifeboat-tty-'));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'controllers.yaml'), 'controllers: {}\n');
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs `lifeboat ARGS` on a pty, typing `input`; resolves with the exit code and what the terminal showed. */
function onTerminal(args: string[], input: string, store: string): Promise<{ code: number | null; screen: string }> {
  const command = ['node', 'bin/lifeboat.js', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH!, HOME: root, LIFEBOAT_STORE: store, XDG_STATE_HOME: join(root, 'state'), TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
    // A program that never reads its input may exit first: EPIPE here is not the test's concern.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

describe('on a terminal', () => {
  it('asks for the passphrase twice and shows progress on one redrawn line', async () => {
    const store = join(root, 'store-ok');
    const run = await onTerminal(['backup', '--plugin', 'juju-client', '--opt', `dir=${join(root, 'src')}`], 'typed passphrase\ntyped passphrase\n', store);
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toContain('Passphrase for the new archive:');
    expect(run.screen).toContain('Repeat the passphrase:');
    expect(run.screen).toContain('\r\u001b[K');
    expect((await readdir(store)).filter((n) => n.endsWith('.tar.gz.gpg'))).toHaveLength(1);
  });

  it('refuses two different passphrases with exit 2 and writes nothing', async () => {
    const store = join(root, 'store-differ');
    const run = await onTerminal(['backup', '--plugin', 'juju-client', '--opt', `dir=${join(root, 'src')}`], 'first\nsecond\n', store);
    expect(run.code, run.screen).toBe(2);
    expect(run.screen).toContain('differ');
    expect(await readdir(store).catch(() => [])).toEqual([]);
  });
});
