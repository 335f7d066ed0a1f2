import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expandSshPath,
  lookupSshConfig,
  matchPatternList,
  parseJumpSpec,
  parseSshConfig,
  readSshConfig,
  resolveSshTarget,
} from '../../../src-main/transport/ssh/index.js';

const CONFIG = `
# operator's config
Host prod
  HostName 10.0.0.5
  User deploy
  Port 2222
  IdentityFile ~/.ssh/prod_%h_%r
  ProxyJump ops@bastion.example.com:2200

Host *.internal !secret.internal
    User internal-user
    IdentityFile="/keys/internal key"

Host bastion.example.com
  IdentityFile ~/.ssh/bastion

Match host foo
  User from-match

Host db?
  HostName %h.db.example.com

Host *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_ed25519
`;

describe('ssh_config', () => {
  const blocks = parseSshConfig(CONFIG);

  it('takes the first value for each option, in file order, and collects identity files', () => {
    const prod = lookupSshConfig(blocks, 'prod');
    expect(prod.hostName).toBe('10.0.0.5');
    expect(prod.user).toBe('deploy');
    expect(prod.port).toBe(2222);
    expect(prod.identityFiles).toEqual(['~/.ssh/prod_%h_%r', '~/.ssh/id_ed25519']);
    expect(prod.proxyJump).toEqual([{ host: 'bastion.example.com', user: 'ops', port: 2200 }]);
  });

  it('honours wildcards, negations and quoted values; ignores Match blocks', () => {
    expect(lookupSshConfig(blocks, 'web.internal').user).toBe('internal-user');
    expect(lookupSshConfig(blocks, 'web.internal').identityFiles[0]).toBe('/keys/internal key');
    expect(lookupSshConfig(blocks, 'secret.internal').user).toBe('fallback');
    expect(lookupSshConfig(blocks, 'foo').user).toBe('fallback');
    expect(lookupSshConfig(blocks, 'db1').hostName).toBe('%h.db.example.com');
    expect(lookupSshConfig(blocks, 'db12').hostName).toBeUndefined();
    expect(matchPatternList(['10.0.*', '!10.0.0.9'], '10.0.0.9')).toBe(false);
    expect(matchPatternList(['web?'], 'WEB1')).toBe(true);
  });

  it('parses jump specs with users, ports and IPv6 literals', () => {
    expect(parseJumpSpec('jump')).toEqual({ host: 'jump' });
    expect(parseJumpSpec('a@b:22')).toEqual({ host: 'b', user: 'a', port: 22 });
    expect(parseJumpSpec('[::1]:2022')).toEqual({ host: '::1', port: 2022 });
    expect(parseJumpSpec('ssh://u@h')).toEqual({ host: 'h', user: 'u' });
  });

  it('expands ~ and the %h %r %u %p %% tokens', () => {
    const path = expandSshPath('~/.ssh/%h-%r-%u-%p-%%', { host: 'h.example', remoteUser: 'deploy', port: 2222, localUser: 'me', home: '/home/me' });
    expect(path).toBe('/home/me/.ssh/h.example-deploy-me-2222-%');
  });

  it('resolves a target through the config: explicit options win, jump hosts are looked up too', () => {
    const env = { USER: 'me' };
    const prod = resolveSshTarget({ host: 'prod' }, blocks, env);
    expect(prod).toMatchObject({ alias: 'prod', hostName: '10.0.0.5', port: 2222, user: 'deploy' });
    expect(prod.identityFiles[0]).toMatch(/\.ssh\/prod_10\.0\.0\.5_deploy$/);
    expect(prod.jumps).toHaveLength(1);
    expect(prod.jumps[0]).toMatchObject({ alias: 'bastion.example.com', hostName: 'bastion.example.com', port: 2200, user: 'ops' });
    expect(prod.jumps[0]?.identityFiles[0]).toMatch(/\.ssh\/bastion$/);

    const explicit = resolveSshTarget({ host: 'prod', user: 'root', port: 22, identityFile: '/k', proxyJump: 'none' }, blocks, env);
    expect(explicit).toMatchObject({ user: 'root', port: 22, identityFiles: ['/k'], jumps: [] });
    expect(resolveSshTarget({ host: 'db1' }, blocks, env).hostName).toBe('db1.db.example.com');
  });

  it('refuses a ProxyJump loop', () => {
    const loop = parseSshConfig('Host a\n ProxyJump b\nHost b\n ProxyJump a\n');
    // Jump hosts' own ProxyJump lines are not followed, so only a self-jump can loop.
    expect(() => resolveSshTarget({ host: 'a', proxyJump: 'a' }, loop)).toThrow(/loops back to a/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-sshcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a config file; a missing file is an empty config', async () => {
    const file = join(dir, 'config');
    writeFileSync(file, 'Host x\n  Port=2201\n');
    expect(lookupSshConfig(await readSshConfig(file), 'x').port).toBe(2201);
    expect(await readSshConfig(join(dir, 'absent'))).toEqual([]);
  });
});
