/**
 * The files Juju puts in a backup's `root.tar` (state/backups/files.go): the agents'
 * configuration, keys, tools and init scripts, where present, regular files and symlinks
 * only, named relative to `/` as Juju writes them.
 */
import { GNU_TAR, q } from './host-shell.js';

/** Juju's list; globs are expanded by the controller's shell. */
export const ROOT_PATHS: readonly string[] = [
  'var/lib/juju/tools',
  'var/lib/juju/system-identity',
  'var/lib/juju/nonce.txt',
  'var/lib/juju/server.pem',
  'var/lib/juju/shared-secret',
  'var/snap/juju-db/common/shared-secret',
  'var/lib/juju/agents/machine-*',
  'var/lib/juju/init/*',
  'home/ubuntu/.ssh/authorized_keys',
  // Juju 1.x, on upstart.
  'etc/init/juju-db.conf',
  'etc/init/jujud-machine-*.conf',
  'etc/rsyslog.d/*juju.conf',
];

/**
 * A script that writes `root.tar` from the paths of {@link ROOT_PATHS} that exist and prints
 * the archived names, one a line. Exits 4 when none exists: this is not a Juju controller.
 */
export function rootTarScript(tarPath: string): string {
  const words = ROOT_PATHS.map((p) => (p.includes('*') ? p : q(p))).join(' ');
  return [
    'set -e',
    'cd /',
    'set --',
    `for p in ${words}; do if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi; done`,
    '[ "$#" -gt 0 ] || exit 4',
    GNU_TAR,
    `find "$@" \\( -type f -o -type l \\) -print0 | "$TAR" --null --no-recursion -T - -cf ${q(tarPath)}`,
    `"$TAR" -tf ${q(tarPath)}`,
  ].join('\n');
}
