// The SSH transport against real OpenSSH daemons (test/env/sshd.mjs): logins, jump host,
// host keys, commands, SFTP, remote tar, cancel and a connection cut in the middle.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-main/shared/app-error.js';
import type { QuestionHostKey } from '../../../src-main/shared/models/question.js';
import { connectSsh, type ConnectSshDeps, type SshConnection, type SshTarget } from '../../../src-main/transport/ssh/index.js';
import { startSshRig, type SshRig } from '../../env/sshd.mjs';
import { prng } from '../../env/prng.mjs';

const BIG = 200 * 1024 * 1024;

let rig: SshRig;
let work: string;
let knownHosts: string;
let sshConfig: string;

beforeAll(async () => {
  rig = await startSshRig();
  work = mkdtempSync(join(tmpdir(), 'lifeboat-ssh-test-'));
  knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, rig.knownHostsText());
  sshConfig = join(work, 'ssh_config');
  writeFileSync(sshConfig, '');
});

afterAll(async () => {
  await rig?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function deps(extra: Partial<ConnectSshDeps> = {}): ConnectSshDeps {
  return {
    confirm: () => Promise.reject(new Error('no question was expected')),
    knownHostsFiles: [knownHosts],
    lifeboatKnownHosts: join(work, 'lifeboat_known_hosts'),
    sshConfigFile: sshConfig,
    env: {},
    ...extra,
  };
}

const keyTarget = (): SshTarget => ({ host: rig.host, port: rig.port, user: rig.user, identityFile: rig.userKeyPath });

async function withSsh<T>(target: SshTarget, d: ConnectSshDeps, fn: (ssh: SshConnection) => Promise<T>): Promise<T> {
  const ssh = await connectSsh(target, d);
  try {
    return await fn(ssh);
  } finally {
    await ssh.close();
  }
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
  });
}

describe('SSH logins', () => {
  it('logs in with a key file and runs commands: output, exit codes, stderr, input', async () => {
    await withSsh(keyTarget(), deps(), async (ssh) => {
      expect((await ssh.exec('id -un')).stdout.trim()).toBe(rig.user);
      const streamed: string[] = [];
      const r = await ssh.exec('echo out; echo err >&2; exit 3', { allowFailure: true, onStdout: (c) => streamed.push(c.toString()) });
      expect(r).toMatchObject({ code: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
      expect(streamed.join('')).toBe('out\n');
      const failed = await rejection(ssh.exec('echo first >&2; echo "no such table" >&2; exit 4'));
      expect(isAppError(failed)).toBe(true);
      expect(failed.code).toBe('plugin');
      expect(failed.message).toMatch(/exited with code 4/);
      expect(failed.message).toContain('no such table');
      expect((await ssh.exec('cat', { input: 'piped in' })).stdout).toBe('piped in');
      // sudo wants a password here and none is configured: the failure says so instead of hanging on a prompt.
      const sudo = await rejection(ssh.exec('true', { sudo: true }));
      expect(sudo.code).toBe('plugin');
      expect(sudo.message).toMatch(/sudo password/);
    });
  });

  it('runs commands through sudo with the password on stdin, keeping the command\'s own input intact', async () => {
    await withSsh({ ...keyTarget(), sudo: true, sudoPassword: rig.password }, deps(), async (ssh) => {
      expect((await ssh.exec('id -u')).stdout).toBe('0\n');
      expect((await ssh.exec('id -un', { sudo: false })).stdout).toBe(`${rig.user}\n`);
      // The second call may find sudo's cached credential and not ask: the input must not get the password either way.
      expect((await ssh.exec('cat', { input: 'only this' })).stdout).toBe('only this');
      expect((await ssh.exec('cat', { input: 'and this' })).stdout).toBe('and this');
      const listing = execFileSync('tar', ['-t'], { input: await streamToBuffer(ssh.tarCreate('/etc/sudoers.d')) }).toString();
      expect(listing).toContain(rig.user);
    });
    await withSsh({ ...keyTarget(), sudo: true, sudoPassword: 'not the password' }, deps(), async (ssh) => {
      const e = await rejection(ssh.exec('id -u'));
      expect(e.code).toBe('plugin');
      expect(e.message).toMatch(/sudo password is wrong/);
    });
  });

  it('logs in with a passphrase-protected key, and says so when the passphrase is wrong', async () => {
    const target = { host: rig.host, port: rig.port, user: rig.user, identityFile: rig.encryptedKeyPath };
    await withSsh({ ...target, identityPassphrase: rig.encryptedKeyPassphrase }, deps(), async (ssh) => {
      expect((await ssh.exec('echo ok')).stdout).toBe('ok\n');
    });
    const wrong = await rejection(connectSsh({ ...target, identityPassphrase: 'wrong' }, deps()));
    expect(wrong.code).toBe('config');
    expect(wrong.message).toContain(rig.encryptedKeyPath);
  });

  it('logs in with a key held by a real ssh-agent', async () => {
    const socket = join(work, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', [rig.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
      const target = { host: rig.host, port: rig.port, user: rig.user };
      // No key file anywhere in the config; HOME points at an empty folder so no default key is found.
      await withSsh(target, deps({ env: { SSH_AUTH_SOCK: socket } }), async (ssh) => {
        expect((await ssh.exec('echo via agent')).stdout).toBe('via agent\n');
      });
      const off = await rejection(connectSsh({ ...target, useAgent: false, password: 'not it' }, deps({ env: { SSH_AUTH_SOCK: socket } })));
      expect(off.code).toBe('config');
    } finally {
      agent.kill();
    }
  });

  it('logs in with a password, and a wrong one is refused with a clear message', async () => {
    const target = { host: rig.host, port: rig.passwordPort, user: rig.user };
    await withSsh({ ...target, password: rig.password }, deps(), async (ssh) => {
      expect((await ssh.exec('echo pw')).stdout).toBe('pw\n');
    });
    const wrong = await rejection(connectSsh({ ...target, password: 'wrong password' }, deps()));
    expect(wrong.code).toBe('config');
    expect(wrong.message).toMatch(/refused the login/);
  });

  it('reaches the target through the bastion given as ProxyJump in ~/.ssh/config', async () => {
    const config = join(work, 'jump_config');
    writeFileSync(config, [
      'Host lifeboat-target',
      '  HostName 127.0.0.1',
      `  Port ${rig.port}`,
      `  User ${rig.user}`,
      `  IdentityFile ${rig.userKeyPath}`,
      '  ProxyJump lifeboat-bastion',
      'Host lifeboat-bastion',
      '  HostName 127.0.0.1',
      `  Port ${rig.bastionPort}`,
      `  User ${rig.user}`,
      `  IdentityFile ${rig.userKeyPath}`,
      '',
    ].join('\n'));
    const bastionLog = join(rig.dir, 'bastion.log');
    const forwardsBefore = (readFileSync(bastionLog, 'utf8').match(/direct-tcpip|Accepted publickey/g) ?? []).length;
    await withSsh({ host: 'lifeboat-target' }, deps({ sshConfigFile: config }), async (ssh) => {
      expect(ssh.host).toBe('lifeboat-target');
      expect((await ssh.exec('echo jumped')).stdout).toBe('jumped\n');
    });
    const forwardsAfter = (readFileSync(bastionLog, 'utf8').match(/direct-tcpip|Accepted publickey/g) ?? []).length;
    expect(forwardsAfter).toBeGreaterThan(forwardsBefore);
  });
});

describe('SSH connect failures', () => {
  it('says what to check when nothing listens, or when the server never answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await rejection(connectSsh({ ...keyTarget(), port: closedPort }, deps()));
    expect(refused.code).toBe('unreachable');
    expect(refused.message).toMatch(/refused the connection.*nothing listens/);

    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as { port: number }).port;
      const e = await rejection(connectSsh({ ...keyTarget(), port, connectTimeoutMs: 500 }, deps()));
      expect(e.code).toBe('unreachable');
      expect(e.message).toMatch(/did not complete the SSH handshake/);
    } finally {
      silent.close();
    }
  });
});

describe('SSH host keys', () => {
  it('asks about an unknown host with the ssh-keygen fingerprint, remembers a yes, and refuses a no', async () => {
    const questions: string[] = [];
    const keys: QuestionHostKey[] = [];
    const own = join(work, 'own_known_hosts');
    const ask = deps({ knownHostsFiles: [], lifeboatKnownHosts: own, confirm: async (q, key) => (questions.push(q), keys.push(key), true) });
    await withSsh(keyTarget(), ask, async (ssh) => expect((await ssh.exec('echo hi')).stdout).toBe('hi\n'));
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain(rig.hostKeyFingerprint);
    expect(questions[0]).toContain('ED25519');
    // The same key as data, for the window: a new key, never seen, not a changed one.
    expect(keys).toEqual([{ host: `[127.0.0.1]:${rig.port}`, keyType: 'ED25519', fingerprint: rig.hostKeyFingerprint, changed: false }]);
    // Remembered: the second connection asks nothing.
    await withSsh(keyTarget(), deps({ knownHostsFiles: [], lifeboatKnownHosts: own }), async () => {});

    const declined = await rejection(connectSsh(keyTarget(), deps({ knownHostsFiles: [], lifeboatKnownHosts: join(work, 'no_known_hosts'), confirm: async () => false })));
    expect(declined.code).toBe('declined');
    expect(existsSync(join(work, 'no_known_hosts'))).toBe(false);
  });

  it('refuses a changed host key, naming the host, both fingerprints and how to clear it', async () => {
    const stale = join(work, 'stale_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stale]);
    const staleLine = readFileSync(`${stale}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const staleFingerprint = execFileSync('ssh-keygen', ['-lf', `${stale}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
    const file = join(work, 'changed_known_hosts');
    writeFileSync(file, `[127.0.0.1]:${rig.port} ${staleLine}\n`);
    const e = await rejection(connectSsh(keyTarget(), deps({ knownHostsFiles: [file] })));
    expect(e.code).toBe('host-key');
    expect(e.message).toContain(`[127.0.0.1]:${rig.port}`);
    expect(e.message).toContain(staleFingerprint);
    expect(e.message).toContain(rig.hostKeyFingerprint);
    expect(e.message).toContain(`ssh-keygen -R '[127.0.0.1]:${rig.port}' -f ${file}`);
  });
});

describe('SSH transfers', () => {
  let ssh: SshConnection;
  beforeAll(async () => {
    ssh = await connectSsh(keyTarget(), deps());
  });
  afterAll(async () => {
    await ssh?.close();
  });

  it('moves 200 MB up and down over SFTP with equal SHA-256, reporting progress', async () => {
    const local = join(work, 'big.bin');
    const out = createWriteStream(local);
    const random = prng(7);
    for (let written = 0; written < BIG; written += 1 << 20) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE(Math.floor(random() * 2 ** 32), i);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    const expected = await sha256File(local);
    const remote = `${rig.dataDir}/big.bin`;
    let uploaded = 0;
    await ssh.upload(remote, createReadStream(local), { mode: 0o640, progress: { report: (u) => { if (u.kind === 'bytes') uploaded = u.done; } } });
    expect(uploaded).toBe(BIG);
    const remoteSum = await ssh.exec(`sha256sum ${remote}; stat -c %a ${remote}; ls ${rig.dataDir}`);
    expect(remoteSum.stdout).toContain(expected);
    expect(remoteSum.stdout).toContain('640');
    expect(remoteSum.stdout).not.toContain('lifeboat-partial');

    const back = join(work, 'back.bin');
    let downloaded = 0;
    let total: number | undefined;
    await pipeline(ssh.download(remote, { progress: { report: (u) => { if (u.kind === 'bytes') { downloaded = u.done; total = u.total; } } } }), createWriteStream(back));
    expect(await sha256File(back)).toBe(expected);
    expect(downloaded).toBe(BIG);
    expect(total).toBe(BIG);
    rmSync(back);

    // Small and empty files take the same paths.
    await ssh.upload(`${rig.dataDir}/tiny.txt`, Readable.from([Buffer.from('ti'), Buffer.from('ny')]));
    expect((await ssh.exec(`cat ${rig.dataDir}/tiny.txt`)).stdout).toBe('tiny');
    await ssh.upload(`${rig.dataDir}/empty.txt`, Readable.from([]));
    const empty: Buffer[] = [];
    for await (const chunk of ssh.download(`${rig.dataDir}/empty.txt`)) empty.push(chunk as Buffer);
    expect(Buffer.concat(empty).length).toBe(0);

    const missing = await rejection(pipeline(ssh.download(`${rig.dataDir}/absent`), createWriteStream(join(work, 'absent'))));
    expect(missing.code).toBe('not-found');
  });

  it('streams a remote folder as tar into a local archive and back into another remote folder', async () => {
    const src = `${rig.dataDir}/tree`;
    await ssh.exec([
      `mkdir -p ${src}/a/b ${src}/empty ${src}/cache`,
      `printf 'hello' > ${src}/a/hello.txt`,
      `head -c 3000000 /dev/urandom > ${src}/a/b/blob`,
      `chmod 600 ${src}/a/b/blob`,
      `ln -s ../a/hello.txt ${src}/empty/link`,
      `echo skip > ${src}/cache/x`,
    ].join(' && '));
    const archive = join(work, 'tree.tar');
    await pipeline(ssh.tarCreate(src, { exclude: ['./cache'] }), createWriteStream(archive));
    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
    expect(listing).toContain('./a/b/blob');
    expect(listing).toContain('./empty/link -> ../a/hello.txt');
    expect(listing).not.toContain('cache');

    const dest = `${rig.dataDir}/tree-back`;
    await ssh.exec(`mkdir -p ${dest}`);
    await ssh.tarExtract(dest, createReadStream(archive));
    const manifest = (dir: string): string => `cd ${dir} && find . -path ./cache -prune -o -printf '%p %y %m %s %l\\n' | sort && find . -path ./cache -prune -o -type f -exec sha256sum {} + | sort`;
    const [a, b] = [await ssh.exec(manifest(src)), await ssh.exec(manifest(dest))];
    expect(b.stdout).toBe(a.stdout);
    expect(b.stdout).toContain('./a/b/blob f 600 3000000');

    const noDest = await rejection(ssh.tarExtract(`${rig.dataDir}/no-such-dest`, createReadStream(archive)));
    expect(noDest.code).toBe('plugin');
    expect(noDest.message).toContain('no-such-dest');

    const failed = await rejection(pipeline(ssh.tarCreate(`${rig.dataDir}/no-such-dir`), createWriteStream(join(work, 'x.tar'))));
    expect(failed.code).toBe('plugin');
    expect(failed.message).toContain('no-such-dir');
  });

  it('kills a long remote command on cancel', async () => {
    const controller = new AbortController();
    const run = ssh.exec('echo started; exec sleep 31337', { signal: controller.signal, onStdout: () => controller.abort() });
    const e = await rejection(run);
    expect(e.code).toBe('canceled');
    let left = '';
    for (let i = 0; i < 50; i++) {
      left = (await ssh.exec('pgrep -u "$(id -u)" -f "slee[p] 31337"', { allowFailure: true })).stdout;
      if (left === '') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toBe('');
  });
});

describe('SSH connection loss', () => {
  it('fails a transfer cleanly when the connection is cut in the middle', async () => {
    const ssh = await connectSsh(keyTarget(), deps());
    try {
      // The SFTP test leaves this file; make it when this test runs alone.
      await ssh.exec(`test -f ${rig.dataDir}/big.bin || head -c ${BIG} /dev/urandom > ${rig.dataDir}/big.bin`);
      const download = ssh.download(`${rig.dataDir}/big.bin`);
      let received = 0;
      let cut = false;
      download.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (!cut && received > 8 * 1024 * 1024) {
          cut = true;
          expect(rig.killTargetSessions()).toBeGreaterThan(0);
        }
      });
      const e = await rejection(new Promise((resolve, reject) => download.on('end', resolve).on('error', reject)));
      expect(e.code).toBe('unreachable');
      expect(e.message).toMatch(/connection to 127\.0\.0\.1 was lost/);
      expect(received).toBeLessThan(BIG);
      // Later work on the dead connection fails at once too.
      expect((await rejection(ssh.exec('true'))).code).toBe('unreachable');
    } finally {
      await ssh.close();
    }
  });

  it('fails a command cleanly when the server goes silent (keepalives unanswered)', async () => {
    const ssh = await connectSsh({ ...keyTarget(), keepaliveIntervalMs: 300 }, deps());
    try {
      const run = ssh.exec('echo started; sleep 60', {
        onStdout: () => expect(rig.freezeTargetSessions(true)).toBeGreaterThan(0),
      });
      const e = await rejection(run);
      expect(e.code).toBe('unreachable');
      expect(e.message).toMatch(/stopped answering keepalives/);
    } finally {
      rig.freezeTargetSessions(false);
      rig.killTargetSessions();
      await ssh.close();
    }
  });
});

describe('SSH forwarding to a remote Unix socket', () => {
  it('opens a stream to a socket on the server, as the Docker client uses it', async () => {
    const socketPath = join(rig.dataDir, 'echo.sock');
    const server = createServer((c) => c.on('data', (d) => c.end(`echo:${d.toString()}`)));
    await new Promise<void>((r) => server.listen(socketPath, () => r()));
    chmodSync(socketPath, 0o777);
    try {
      await withSsh(keyTarget(), deps(), async (ssh) => {
        const stream = await ssh.forwardOutStreamLocal(socketPath);
        stream.end('ping');
        expect((await streamToBuffer(stream)).toString()).toBe('echo:ping');
        const e = await rejection(ssh.forwardOutStreamLocal(join(rig.dataDir, 'absent.sock')));
        expect(e.code).toBe('unreachable');
      });
    } finally {
      server.close();
    }
  });
});
