// The `busybox` test image: a `docker import` of a root made of Debian's busybox-static
// (no registry is reachable, so nothing can be pulled). Built once per engine, found by tag.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';

export const BUSYBOX_IMAGE = 'lifeboat-test/busybox:latest';
const BUSYBOX_BINARY = '/usr/bin/busybox';

export async function ensureBusyboxImage(docker: Dockerode): Promise<string> {
  const found = await docker.listImages({ filters: { reference: [BUSYBOX_IMAGE] } });
  if (found.length > 0) return BUSYBOX_IMAGE;
  const [repo, tag] = BUSYBOX_IMAGE.split(':') as [string, string];
  const progress = await docker.importImage(busyboxRoot(), { repo, tag, changes: ['CMD ["sh"]'] });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())),
  );
  const after = await docker.listImages({ filters: { reference: [BUSYBOX_IMAGE] } });
  if (after.length === 0) throw new Error(`docker import of ${BUSYBOX_IMAGE} finished but the engine has no such image.`);
  return BUSYBOX_IMAGE;
}

/** A tar of a minimal root: busybox, a link per applet, /etc/passwd with root and nobody. */
function busyboxRoot(): Readable {
  const binary = readFileSync(BUSYBOX_BINARY);
  const applets = execFileSync(BUSYBOX_BINARY, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('/') && l !== 'bin/busybox');
  const tar = pack();
  const dir = (name: string, mode = 0o755): void => void tar.entry({ name, type: 'directory', mode });
  for (const d of ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'root', 'var', 'proc', 'sys', 'dev']) dir(d);
  dir('tmp', 0o1777);
  tar.entry({ name: 'bin/busybox', mode: 0o755, size: binary.length }, binary);
  for (const path of applets) tar.entry({ name: path, type: 'symlink', linkname: '/bin/busybox' });
  tar.entry({ name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  tar.entry({ name: 'etc/group', mode: 0o644 }, 'root:x:0:\nnogroup:x:65534:\n');
  tar.finalize();
  return Readable.from(tar);
}
