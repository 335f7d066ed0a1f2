// Installs the Debian packages the tests need, idempotently. As root it runs apt-get
// (with a policy-rc.d so apt starts no services); otherwise it fails loudly naming what
// is missing. Never skips silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

/** Command on PATH → Debian package that provides it. */
export const REQUIRED = {
  gpg: 'gnupg',
  pigz: 'pigz',
  tar: 'tar',
  gzip: 'gzip',
  script: 'bsdutils',
  sshd: 'openssh-server', 'ssh-keygen': 'openssh-client', 'ssh-agent': 'openssh-client',
  dockerd: 'docker.io',
  busybox: 'busybox-static',
  // `command -v` takes a path too: the Postgres test image copies the host's server binaries.
  '/usr/lib/postgresql/15/bin/postgres': 'postgresql-15',
};

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function ensureDebianPackages(required = REQUIRED) {
  const missing = Object.entries(required).filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
  if (missing.length === 0) return [];
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `The tests need these Debian packages: ${missing.join(' ')}. Install them (apt-get install ${missing.join(' ')}) or run npm test as root on Debian/Ubuntu.`,
    );
  }
  const policy = '/usr/sbin/policy-rc.d';
  if (!existsSync(policy)) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`test setup: apt-get install ${missing.join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  const still = Object.entries(required).filter(([cmd]) => !have(cmd)).map(([cmd]) => cmd);
  if (still.length) throw new Error(`apt-get ran but these commands are still missing: ${still.join(' ')}`);
  return missing;
}
