// The Bitnobi stand-in image behaves as Bitnobi's backup notes say, so that the plugin's
// tests prove something: backup refuses while Bitnobi runs; halt → backup → start makes
// backup-YYYYMMDD_HHMM in the host folder; restore puts the data back; bitnobi-ctl changes it.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BitnobiImages,
  answers,
  bitnobiShell,
  containerView,
  createBitnobiContainer,
  dataDigest,
  ensureBitnobiImages,
  freePort,
  waitUntilAnswers,
} from '../../env/docker/bitnobi-image.js';
import { type DockerRig, startDockerRig } from '../../env/dockerd.js';
import { dockerExec } from '../../../src-main/transport/docker/index.js';

const NAME = 'lbt-bitnobi-standin';
let rig: DockerRig;
let images: BitnobiImages;
let tmp: string;
let hostBackupDir: string;

beforeAll(async () => {
  rig = await startDockerRig();
  images = await ensureBitnobiImages(rig.docker);
  tmp = await mkdtemp(join(tmpdir(), 'lbt-bitnobi-standin-'));
  hostBackupDir = join(tmp, 'bitnobiBackup');
  await mkdir(hostBackupDir);
  await createBitnobiContainer(rig.docker, { name: NAME, image: images.v1, hostBackupDir, hostPorts: { web: await freePort(), jupyter: await freePort() } });
});

afterAll(async () => {
  await rig?.docker.getContainer(NAME).remove({ force: true }).catch(() => undefined);
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const sh = (command: string): Promise<string> => bitnobiShell(rig.docker, NAME, command);
const shFails = async (command: string): Promise<{ code: number | null; stderr: string }> =>
  dockerExec(rig.docker.getContainer(NAME), ['sh', '-c', command], { workdir: '/home/Bitnobi-V1', allowFailure: true });

describe('the Bitnobi stand-in', () => {
  it('has two images with different IDs, and answers on 8000 once started', async () => {
    const [a, b] = await Promise.all([rig.docker.getImage(images.v1).inspect(), rig.docker.getImage(images.v2).inspect()]);
    expect(a.Id).not.toBe(b.Id);
    expect(await answers(rig.docker, NAME)).toBe(true);
    const view = await containerView(rig.docker, NAME);
    expect(view).toMatchObject({ running: true, tty: true, openStdin: true, cmd: ['/bin/bash'], capAdd: ['IPC_LOCK'], restartPolicy: 'unless-stopped' });
    expect(view?.mounts).toEqual(['bind /etc/localtime->/etc/localtime ro', `bind ${hostBackupDir}->/home/Bitnobi-V1/backup rw`].sort());
  });

  it('changes its data only when asked (bitnobi-ctl), and owns it as a user other than root', async () => {
    const before = await dataDigest(rig.docker, NAME);
    expect(before['./mongo/records.json']).toMatch(/^regular file 600 1000:1000 [0-9a-f]{64}$/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await dataDigest(rig.docker, NAME)).toEqual(before);
    await sh('./bin/bitnobi-ctl add "first user"');
    const after = await dataDigest(rig.docker, NAME);
    expect(after['./mongo/records.json']).not.toBe(before['./mongo/records.json']);
    expect(after['./vault/core/_audit']).not.toBe(before['./vault/core/_audit']);
  });

  it('refuses to back up while running; halt → backup → start makes backup-YYYYMMDD_HHMM on the host', async () => {
    const refused = await shFails('./bitnobiBackup.sh');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('halt it first');
    expect(await readdir(hostBackupDir)).toEqual([]);

    await sh('pm2 delete all');
    expect(await answers(rig.docker, NAME)).toBe(false);
    expect(await sh('pm2 list')).not.toContain('online');
    const folder = (await sh('./bitnobiBackup.sh')).trim();
    expect(folder).toMatch(/^backup\/backup-\d{8}_\d{4}$/);
    await sh('./startScript.sh');
    await waitUntilAnswers(rig.docker, NAME);
    expect(await readdir(hostBackupDir)).toEqual([folder.slice('backup/'.length)]);

    // A second backup within the same minute is refused (the folder exists).
    await sh('pm2 delete all');
    const again = await shFails('./bitnobiBackup.sh');
    await sh('./startScript.sh');
    if ((await readdir(hostBackupDir)).length === 1) expect(again.code).toBe(1);
  });

  it('restore refuses while running and puts the backed-up data back once halted', async () => {
    const folder = `backup/${(await readdir(hostBackupDir)).sort()[0]!}`;
    const saved = await dataDigest(rig.docker, NAME);
    await sh('./bin/bitnobi-ctl add "second user"');
    const changed = await dataDigest(rig.docker, NAME);
    expect(changed).not.toEqual(saved);

    expect((await shFails(`./bitnobiRestore.sh ${folder}`)).code).toBe(1);
    await sh('pm2 delete all');
    expect((await shFails('./bitnobiRestore.sh backup/backup-19700101_0000')).code).toBe(1);
    await sh(`./bitnobiRestore.sh ${folder}`);
    await sh('./startScript.sh');
    await waitUntilAnswers(rig.docker, NAME);
    // The first backup was made after "first user": equal to what the data was at that time.
    expect(await dataDigest(rig.docker, NAME)).not.toEqual(changed);
    expect((await dataDigest(rig.docker, NAME))['./mongo/records.json']).toBe(saved['./mongo/records.json']);
  });

  it('FAIL_BACKUP makes the backup fail after a partial folder; FAIL_RESTORE makes the restore fail', async () => {
    await sh('touch FAIL_BACKUP FAIL_RESTORE && pm2 delete all');
    try {
      const full = `backup/${(await readdir(hostBackupDir)).sort()[0]!}`;
      const r = await shFails(`./bitnobiRestore.sh ${full}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('FAIL_RESTORE');
      for (const d of await readdir(hostBackupDir)) await rm(join(hostBackupDir, d), { recursive: true, force: true });
      const failed = await shFails('./bitnobiBackup.sh');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('FAIL_BACKUP');
      expect(await readdir(hostBackupDir)).toHaveLength(1);
    } finally {
      await sh('rm -f FAIL_BACKUP FAIL_RESTORE && ./startScript.sh');
    }
    await waitUntilAnswers(rig.docker, NAME);
  });
});
