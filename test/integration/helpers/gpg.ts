/**
 * The real GnuPG in a throwaway home. Passphrases go through a file descriptor
 * (`--passphrase-fd 0`), never on the command line.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function gpgHome(base: string): Promise<string> {
  const home = join(base, 'gnupg');
  await mkdir(home, { recursive: true, mode: 0o700 });
  return home;
}

/** Runs gpg in batch mode; resolves with stdout, rejects with stderr on a non-zero exit. */
export function gpg(home: string, args: readonly string[], passphrase?: string): Promise<Buffer> {
  const full = ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', ...(passphrase !== undefined ? ['--passphrase-fd', '0'] : []), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('gpg', full, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`gpg ${args.join(' ')} exited ${code}: ${err}`))));
    // A program that never reads its input may exit first: EPIPE here is not the test's concern.
    child.stdin.on('error', () => {});
    child.stdin.end(passphrase !== undefined ? passphrase + '\n' : '');
  });
}
