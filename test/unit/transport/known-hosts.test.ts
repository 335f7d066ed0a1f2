import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  keyTypeOf,
  parseKnownHosts,
  readKnownHosts,
} from '../../../src-main/transport/ssh/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lifeboat-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh ed25519 key made by ssh-keygen: its public line and its blob. */
function newKey(name: string): { line: string; blob: Buffer; pub: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  return { line: line.split(' ').slice(0, 2).join(' '), blob: Buffer.from(line.split(' ')[1] ?? '', 'base64'), pub: `${file}.pub` };
}

describe('known_hosts', () => {
  const a = newKey('a');
  const b = newKey('b');

  it('prints the fingerprint exactly as ssh-keygen -lf does', () => {
    const printed = execFileSync('ssh-keygen', ['-lf', a.pub], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint(a.blob)).toBe(printed);
    expect(keyTypeOf(a.blob)).toBe('ssh-ed25519');
  });

  it('finds hosts in entries hashed by ssh-keygen -H, with and without a port', () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `server.example.com ${a.line}\n[10.1.2.3]:2222 ${b.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('server.example.com');
    const entries = parseKnownHosts(text, file);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(entries, 'server.example.com', 22, a.blob).kind).toBe('known');
    expect(checkHostKey(entries, '10.1.2.3', 2222, b.blob).kind).toBe('known');
    expect(checkHostKey(entries, '10.1.2.3', 22, b.blob).kind).toBe('unknown');
    expect(checkHostKey(entries, 'other.example.com', 22, a.blob).kind).toBe('unknown');
  });

  it('reports a changed key with the entry that holds the old one', () => {
    const entries = parseKnownHosts(`# comment\nweb,web.example.com ${a.line}\n`, '/f');
    const status = checkHostKey(entries, 'web.example.com', 22, b.blob);
    expect(status.kind).toBe('changed');
    if (status.kind === 'changed') {
      expect(status.known.line).toBe(2);
      expect(fingerprint(status.known.key)).toBe(fingerprint(a.blob));
    }
  });

  it('honours patterns and negations, refuses revoked keys, ignores CA lines', () => {
    const entries = parseKnownHosts(
      [`*.example.com,!bad.example.com ${a.line}`, `@revoked * ${b.line}`, `@cert-authority *.example.com ${b.line}`, 'garbage'].join('\n'),
      '/f',
    );
    expect(entries).toHaveLength(3);
    expect(checkHostKey(entries, 'x.example.com', 22, a.blob).kind).toBe('known');
    expect(checkHostKey(entries, 'bad.example.com', 22, a.blob).kind).toBe('unknown');
    expect(checkHostKey(entries, 'x.example.com', 22, b.blob).kind).toBe('revoked');
  });

  it('remembers an accepted key in its own file (mode 600), read back as known', async () => {
    const file = join(dir, 'lifeboat', 'known_hosts');
    await appendKnownHost(file, '127.0.0.1', 2200, a.blob);
    await appendKnownHost(file, 'host', 22, b.blob);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`[127.0.0.1]:2200 ${a.line}`);
    const entries = await readKnownHosts([join(dir, 'missing'), file]);
    expect(checkHostKey(entries, '127.0.0.1', 2200, a.blob).kind).toBe('known');
    expect(checkHostKey(entries, 'host', 22, b.blob).kind).toBe('known');
    // ssh-keygen agrees: the file is a valid known_hosts.
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2200', '-f', file], { encoding: 'utf8' })).toContain('ssh-ed25519');
  });
});
