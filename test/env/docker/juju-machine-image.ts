// The `juju-machine` test image: a "Juju machine" reached over real SSH. A busybox-static root
// plus this host's OpenSSH sshd and ssh-keygen, Debian's sudo (setuid root), GNU tar, bash and every
// library `ldd` names for them; users root and ubuntu (passwordless sudo, as cloud images
// set it up); key-only sshd. MongoDB cannot be installed here, so the Juju services and tools
// are shell stand-ins (JUJU_STANDIN_SCRIPTS in juju-standin-scripts.ts, each with a header saying what it stands
// in for and exactly what it accepts). The entry makes the machine's own host keys, starts
// the installed services and runs `sshd -D -e`. A `docker import`, once per engine.
import type Dockerode from 'dockerode';
import { ensureHostRootImage, type HostRootImage } from './host-root-image.js';
import { JUJU_STANDIN_SCRIPTS } from './juju-standin-scripts.js';

export { JUJUD_STANDIN_SCRIPT } from './juju-standin-scripts.js';

export const JUJU_MACHINE_IMAGE = 'lifeboat-test/juju-machine:1';
/** The login user of every machine, as on Ubuntu cloud images. */
export const JUJU_MACHINE_USER = 'ubuntu';
export const JUJU_MACHINE_UID = 1000;

const SUDO_LIBEXEC = '/usr/libexec/sudo';
const PAM_PERMIT = '/lib/x86_64-linux-gnu/security/pam_permit.so';
/** Host binary → its path in the image. GNU tar replaces busybox's (root.tar needs --same-owner, -p, xattrs). */
const BINARIES: Readonly<Record<string, string>> = {
  '/usr/sbin/sshd': '/usr/sbin/sshd',
  '/usr/bin/ssh-keygen': '/usr/bin/ssh-keygen',
  '/usr/bin/sudo': '/usr/bin/sudo',
  '/usr/bin/tar': '/bin/tar',
  // Ubuntu machines have bash; scripts a plugin sends may need it.
  '/usr/bin/bash': '/bin/bash',
};

const SSHD_CONFIG = `# Key login only, for the ubuntu user; root cannot log in (Juju machines' defaults).
Port 22
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
PrintMotd no
MaxStartups 50
MaxSessions 50
Subsystem sftp internal-sftp
`;

const SUDOERS = `Defaults env_reset
Defaults !lecture
Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
root ALL=(ALL:ALL) ALL
@includedir /etc/sudoers.d
`;
/** What cloud-init writes on Ubuntu cloud images (and so on Juju's machines). */
const SUDOERS_UBUNTU = `# Created by cloud-init (test image)
ubuntu ALL=(ALL) NOPASSWD:ALL
`;
/** No real PAM stack: sudo only needs its account and session steps to pass. */
const PAM_SUDO = `auth required ${PAM_PERMIT}
account required ${PAM_PERMIT}
session required ${PAM_PERMIT}
`;

const PASSWD = `root:x:0:0:root:/root:/bin/sh
syslog:x:104:110::/home/syslog:/usr/sbin/nologin
sshd:x:105:65534::/run/sshd:/usr/sbin/nologin
ubuntu:x:${JUJU_MACHINE_UID}:${JUJU_MACHINE_UID}:Ubuntu:/home/ubuntu:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const GROUP = `root:x:0:
adm:x:4:syslog,ubuntu
sudo:x:27:ubuntu
syslog:x:110:
ubuntu:x:${JUJU_MACHINE_UID}:
nogroup:x:65534:
`;
/** `*`: no password, yet not "locked" (sshd refuses key logins to accounts whose field starts with `!`). */
const SHADOW = `root:*:19700:0:99999:7:::
syslog:*:19700:0:99999:7:::
sshd:*:19700:0:99999:7:::
ubuntu:*:19700:0:99999:7:::
nobody:*:19700:0:99999:7:::
`;

export async function ensureJujuMachineImage(docker: Dockerode): Promise<string> {
  return ensureHostRootImage(docker, machineRoot());
}

function machineRoot(): HostRootImage {
  return {
    tag: JUJU_MACHINE_IMAGE,
    packages: { sshd: 'openssh-server', 'ssh-keygen': 'openssh-client', sudo: 'sudo', tar: 'tar' },
    dirs: [
      ...['usr/local/sbin', 'run', 'var/log', 'var/empty', 'etc/ssh', 'snap/bin'].map((path) => ({ path })),
      { path: 'var/log/juju', mode: 0o750, uid: 104, gid: 4 },
      { path: 'home/ubuntu', uid: JUJU_MACHINE_UID },
      { path: 'home/ubuntu/.ssh', mode: 0o700, uid: JUJU_MACHINE_UID },
    ],
    texts: [
      { path: '/etc/passwd', content: PASSWD },
      { path: '/etc/group', content: GROUP },
      { path: '/etc/shadow', content: SHADOW, mode: 0o640 },
      { path: '/etc/nsswitch.conf', content: 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' },
      { path: '/etc/shells', content: '/bin/sh\n/bin/bash\n' },
      { path: '/etc/ssh/sshd_config', content: SSHD_CONFIG },
      { path: '/etc/sudoers', content: SUDOERS, mode: 0o440 },
      { path: '/etc/sudoers.d/90-cloud-init-users', content: SUDOERS_UBUNTU, mode: 0o440 },
      { path: '/etc/pam.d/sudo', content: PAM_SUDO },
      { path: '/etc/pam.d/other', content: PAM_SUDO },
      { path: '/etc/os-release', content: 'NAME="Ubuntu"\nVERSION_ID="20.04"\nVERSION_CODENAME=focal\nID=ubuntu\nPRETTY_NAME="Ubuntu 20.04 (Lifeboat test stand-in)"\n' },
      ...Object.entries(JUJU_STANDIN_SCRIPTS).map(([path, content]) => ({ path, content, mode: path.endsWith('.sh') ? 0o644 : 0o755 })),
    ],
    links: [
      { path: '/bin/systemctl', target: '/usr/bin/systemctl' },
      { path: '/usr/bin/bash', target: '/bin/bash' },
      ...['mongodump', 'mongorestore', 'mongo'].flatMap((tool) => [
        { path: `/usr/lib/juju/bin/${tool}`, target: `/usr/local/lib/juju-standin/${tool}` },
        { path: `/snap/bin/juju-db.${tool}`, target: `/usr/local/lib/juju-standin/${tool}` },
      ]),
    ],
    files: [
      ...Object.entries(BINARIES).map(([from, to]) => ({ from, to, libraries: true })),
      { from: '/usr/bin/tar' },
      { from: SUDO_LIBEXEC, tree: true, libraries: true },
      { from: PAM_PERMIT, libraries: true },
      { from: '/etc/ssh/moduli', optional: true },
      { from: '/usr/share/zoneinfo/Etc/UTC', to: '/usr/share/zoneinfo/UTC' },
    ],
    changes: [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin',
      'ENV TZ=UTC',
      'EXPOSE 22',
      'ENTRYPOINT ["/usr/local/sbin/juju-machine-init"]',
    ],
  };
}
