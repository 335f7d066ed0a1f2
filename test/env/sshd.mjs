// Real OpenSSH daemons for the SSH tests and the transfer bench, on 127.0.0.1 high ports:
// a key-only target, a password-only target and a bastion that allows TCP forwarding for
// ProxyJump. They log in a dedicated local user, `lifeboat-ssh-test` (created with useradd
// when missing, given a fresh random password each start, allowed `sudo` with that password
// through /etc/sudoers.d), never root. Each rig lives in its
// own temp folder with throwaway ed25519 host and client keys; rigs left by a test run that
// died are stopped at the next start. Needs root (to run sshd and create the user).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages } from './debian-packages.mjs';

export const SSH_TEST_USER = 'lifeboat-ssh-test';
const RIG_PREFIX = 'lifeboat-sshd-';
const SSHD = '/usr/sbin/sshd';

function fail(message) {
  throw new Error(`SSH test rig: ${message}`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Children of `pid`, from /proc (the per-connection sshd processes of a listener). */
export function childPids(pid) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Children, grandchildren... of `pid`. */
export function descendantPids(pid) {
  const out = [];
  for (const child of childPids(pid)) out.push(child, ...descendantPids(child));
  return out;
}

function stopDaemons(dir) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.pid') && f !== 'owner.pid')) {
    const pid = readPid(join(dir, file));
    if (pid === undefined || !alive(pid)) continue;
    for (const child of descendantPids(pid)) {
      try { process.kill(child, 'SIGKILL'); } catch { /* already gone */ }
    }
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Stops rigs whose test process is gone, so a crashed run leaves nothing behind for long. */
function reapStaleRigs() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(RIG_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const owner = readPid(join(dir, 'owner.pid'));
    if (owner === undefined || !alive(owner)) stopDaemons(dir);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForBanner(port, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect({ host: '127.0.0.1', port });
      sock.once('data', (d) => {
        sock.destroy();
        if (d.toString().startsWith('SSH-')) resolve();
        else reject(new Error(`SSH test rig: port ${port} answered with something that is not SSH`));
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) {
          const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '(no log)';
          reject(new Error(`SSH test rig: sshd on port ${port} did not come up. Its log:\n${log}`));
        } else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function ensureUser() {
  if (spawnSync('id', ['-u', SSH_TEST_USER], { stdio: 'ignore' }).status !== 0) {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', SSH_TEST_USER], { stdio: 'pipe' });
  }
  const uid = Number(execFileSync('id', ['-u', SSH_TEST_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', SSH_TEST_USER], { encoding: 'utf8' }).trim());
  // A new random password each start: it is only good for these throwaway daemons' tests.
  const password = randomBytes(12).toString('base64url');
  execFileSync('chpasswd', [], { input: `${SSH_TEST_USER}:${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  // sudo with that password, for the tests of `sudo -S` (the password travels on stdin).
  writeFileSync(`/etc/sudoers.d/${SSH_TEST_USER}`, `Defaults:${SSH_TEST_USER} lecture=never\n${SSH_TEST_USER} ALL=(root) ALL\n`, { mode: 0o440 });
  return { uid, gid, password };
}

function keygen(file, passphrase = '') {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'lifeboat-test', '-f', file], { stdio: 'pipe' });
}

function fingerprintOf(pubFile) {
  // `ssh-keygen -lf` prints "256 SHA256:xxx comment (ED25519)".
  return execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1];
}

function sshdConfig(dir, name, port, { password, forwarding }) {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, `${name}_host_ed25519`)}`,
    `PidFile ${join(dir, `${name}.pid`)}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    `PasswordAuthentication ${password ? 'yes' : 'no'}`,
    `PubkeyAuthentication ${password ? 'no' : 'yes'}`,
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    `AllowUsers ${SSH_TEST_USER}`,
    `AllowTcpForwarding ${forwarding ? 'yes' : 'no'}`,
    'AllowStreamLocalForwarding yes',
    'MaxStartups 50',
    'MaxSessions 50',
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/**
 * Starts the three daemons. Throws (the calling test fails) with sshd's own log when one
 * cannot start. Call `stop()` when done.
 */
export async function startSshRig() {
  if (process.getuid?.() !== 0) fail('the SSH tests start sshd and create a test user, so they must run as root.');
  ensureDebianPackages({ sshd: 'openssh-server', 'ssh-keygen': 'openssh-client', 'ssh-agent': 'openssh-client', sudo: 'sudo' });
  reapStaleRigs();
  const { uid, gid, password } = ensureUser();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), RIG_PREFIX));
  // The test user must read authorized_keys and work in the data folder.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  try {
    const userKeyPath = join(dir, 'client_ed25519');
    keygen(userKeyPath);
    const encryptedKeyPassphrase = randomBytes(9).toString('base64url');
    const encryptedKeyPath = join(dir, 'client_encrypted_ed25519');
    keygen(encryptedKeyPath, encryptedKeyPassphrase);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKeyPath}.pub`, 'utf8') + readFileSync(`${encryptedKeyPath}.pub`, 'utf8'), { mode: 0o644 });
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    chownSync(dataDir, uid, gid);

    const ports = {};
    const fingerprints = {};
    for (const [name, options] of Object.entries({
      // OpenSSH only lets Unix socket forwarding (Docker over SSH) through when AllowTcpForwarding allows local forwarding too.
      target: { password: false, forwarding: true },
      password: { password: true, forwarding: false },
      bastion: { password: false, forwarding: true },
    })) {
      keygen(join(dir, `${name}_host_ed25519`));
      fingerprints[name] = fingerprintOf(join(dir, `${name}_host_ed25519.pub`));
      const port = await freePort();
      const config = join(dir, `${name}_sshd_config`);
      const log = join(dir, `${name}.log`);
      writeFileSync(config, sshdConfig(dir, name, port, options));
      const check = spawnSync(SSHD, ['-t', '-f', config], { encoding: 'utf8' });
      if (check.status !== 0) fail(`sshd rejected its config: ${check.stderr.trim()}`);
      const r = spawnSync(SSHD, ['-f', config, '-E', log], { encoding: 'utf8' });
      if (r.status !== 0) fail(`sshd (${name}) did not start: ${(r.stderr || '').trim() || `exit ${r.status}`}`);
      await waitForBanner(port, 10_000, log);
      ports[name] = port;
    }
    const pidOf = (name) => readPid(join(dir, `${name}.pid`));
    return {
      host: '127.0.0.1',
      port: ports.target,
      passwordPort: ports.password,
      bastionPort: ports.bastion,
      user: SSH_TEST_USER,
      password,
      userKeyPath,
      encryptedKeyPath,
      encryptedKeyPassphrase,
      hostKeyFingerprint: fingerprints.target,
      hostKeyPaths: { target: join(dir, 'target_host_ed25519.pub'), bastion: join(dir, 'bastion_host_ed25519.pub'), password: join(dir, 'password_host_ed25519.pub') },
      fingerprints,
      dir,
      dataDir,
      uid,
      gid,
      /** A known_hosts text that trusts all three daemons. */
      knownHostsText() {
        return Object.entries(ports)
          .map(([name, port]) => `[127.0.0.1]:${port} ${readFileSync(join(dir, `${name}_host_ed25519.pub`), 'utf8').split(' ').slice(0, 2).join(' ')}`)
          .join('\n') + '\n';
      },
      /** Kills the per-connection processes of the key-only target (monitor and session child): every open session drops. */
      killTargetSessions() {
        const pid = pidOf('target');
        const victims = pid !== undefined ? descendantPids(pid) : [];
        for (const victim of victims) {
          try { process.kill(victim, 'SIGKILL'); } catch { /* already gone */ }
        }
        return victims.length;
      },
      /** Stops (SIGSTOP) or resumes (SIGCONT) the target's sessions: a connection that goes silent. */
      freezeTargetSessions(frozen) {
        const pid = pidOf('target');
        const victims = pid !== undefined ? descendantPids(pid) : [];
        for (const victim of victims) {
          try { process.kill(victim, frozen ? 'SIGSTOP' : 'SIGCONT'); } catch { /* already gone */ }
        }
        return victims.length;
      },
      async stop() {
        stopDaemons(dir);
      },
    };
  } catch (e) {
    stopDaemons(dir);
    throw e;
  }
}
