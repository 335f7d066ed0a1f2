// The bitnobi plugin through the real `lifeboat` command, on stand-in Bitnobi containers on
// the private test engine (test/env/docker/bitnobi-image.ts): a backup made with Bitnobi's
// own scripts comes back as the same data in a container made with the same settings; the
// old container is kept; Bitnobi answers again whatever fails or is canceled; a restore
// onto another image needs acrossVersions; a failed restore puts the old container back;
// --dry-run changes nothing. Each test has its own container, ports and host folder.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BITNOBI_HOME, answers, bitnobiShell, containerView, dataDigest } from '../../../env/docker/bitnobi-image.js';
import { archivePathOf, listedArchives, listedPaths, output, parseJson } from '../lifeboat-cli.js';
import { type BitnobiCase, bitnobiCase, containersNamed, setUpBitnobiSuite, until } from './bitnobi-cli.js';

const PREFIX = 'lbt-bitnobi-';
const suite = setUpBitnobiSuite(PREFIX);

/** A stand-in Bitnobi of its own for one test, named lbt-bitnobi-<id>. */
const newCase = (id: string, image = suite.images.v1, options: Record<string, unknown> = {}): Promise<BitnobiCase> =>
  bitnobiCase(suite.rig.docker, suite.rig.socketPath, join(suite.tmp, id), `${PREFIX}${id}`, image, options);

const pass = (c: BitnobiCase): string[] => ['--passphrase-file', c.passFile];

async function backup(c: BitnobiCase): Promise<string> {
  const run = await c.run(['backup', 'bitnobi', ...pass(c), '--json']);
  expect(run.code, output(run)).toBe(0);
  return archivePathOf(run);
}

const restore = (c: BitnobiCase, archive: string, ...more: string[]) => c.run(['restore', archive, '--target', 'bitnobi', ...pass(c), ...more]);
const digest = (c: BitnobiCase) => dataDigest(suite.rig.docker, c.name);
const view = (name: string) => containerView(suite.rig.docker, name);
const ctl = (c: BitnobiCase, text: string) => bitnobiShell(suite.rig.docker, c.name, `./bin/bitnobi-ctl add '${text}'`);
const kept = async (c: BitnobiCase) => containersNamed(suite.rig.docker, `${c.name}-before-restore-`);
const listed = async (c: BitnobiCase) => listedArchives(await c.run(['archives', '--json']));

interface Manifest {
  readonly entries: ReadonlyArray<{ path: string }>;
  readonly metadata: { bitnobi?: { folder: string; version?: string; container: { name: string; image: string; imageId: string; capAdd: string[]; tty: boolean; openStdin: boolean } } };
}

describe('bitnobi: backup and restore through the CLI', () => {
  it('backup → change → restore: same data in a new container with the same settings; the old one kept stopped', async () => {
    const c = await newCase('roundtrip');
    await ctl(c, 'alice');
    const atBackup = await digest(c);
    const before = await view(c.name);
    const archive = await backup(c);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);

    // Bitnobi's own folder stays on the host, and the archive holds it relative to the home folder.
    const folders = await readdir(c.hostBackupDir);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^backup-\d{8}_\d{4}$/);
    const manifest = parseJson(await c.run(['ls', archive, ...pass(c), '--json'])) as Manifest;
    const meta = manifest.metadata.bitnobi;
    expect(meta?.folder).toBe(folders[0]);
    expect(meta?.version).toBe('1.4.2');
    expect(meta?.container).toMatchObject({ name: c.name, image: suite.images.v1, imageId: before?.imageId, tty: true, openStdin: true });
    expect(meta?.container.capAdd).toContain('IPC_LOCK');
    expect(listedPaths(await c.run(['ls', archive, ...pass(c), '--json']))).toContain(`backup/${folders[0]}/data/mongo/records.json`);

    await ctl(c, 'bob');
    expect(await digest(c)).not.toEqual(atBackup);
    const oldId = (await containersNamed(suite.rig.docker, c.name))[0]?.id;

    const run = await restore(c, archive, '--yes');
    expect(run.code, output(run)).toBe(0);
    expect(await digest(c)).toEqual(atBackup);
    expect(await view(c.name)).toEqual(before);
    expect((await containersNamed(suite.rig.docker, c.name)).find((x) => x.name === c.name)?.id).not.toBe(oldId);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
    const old = await kept(c);
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ id: oldId, running: false });
    expect(old[0]?.name).toMatch(new RegExp(`^${c.name}-before-restore-\\d{8}-\\d{6}$`));
    expect(output(run)).toContain(old[0]!.name);
  });

  it('a backup whose script fails: exit non-zero with the reason, Bitnobi answers again, no archive', async () => {
    const c = await newCase('failbackup');
    await bitnobiShell(suite.rig.docker, c.name, 'touch FAIL_BACKUP');
    const run = await c.run(['backup', 'bitnobi', ...pass(c)]);
    expect(run.code, output(run)).not.toBe(0);
    expect(output(run)).toContain('mongodump failed');
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
    expect(await listed(c)).toEqual([]);
  });

  it('a backup canceled (Ctrl-C) while Bitnobi is halted: exit 130, Bitnobi answers again, no archive', async () => {
    const c = await newCase('cancel');
    await bitnobiShell(suite.rig.docker, c.name, 'touch SLOW_BACKUP');
    const job = c.start(['backup', 'bitnobi', ...pass(c)]);
    await until('Bitnobi is halted', async () => !(await answers(suite.rig.docker, c.name)));
    job.child.kill('SIGINT');
    const { code, out } = await job.done;
    expect(code, out).toBe(130);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
    expect(await listed(c)).toEqual([]);
  });

  it('restore after the container was removed (docker rm -f): recreated from the manifest with the same settings and data', async () => {
    const c = await newCase('recreate');
    await ctl(c, 'carol');
    const atBackup = await digest(c);
    const before = await view(c.name);
    const archive = await backup(c);
    await suite.rig.docker.getContainer(c.name).remove({ force: true });
    expect(await view(c.name)).toBeUndefined();

    const run = await restore(c, archive, '--yes');
    expect(run.code, output(run)).toBe(0);
    expect(await view(c.name)).toEqual(before);
    expect(await digest(c)).toEqual(atBackup);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
    expect(await kept(c)).toEqual([]);
  });

  it('restore onto another image: refused without acrossVersions (nothing changed), done with it', async () => {
    const c = await newCase('versions');
    await ctl(c, 'dave');
    const atBackup = await digest(c);
    const archive = await backup(c);
    const before = await containersNamed(suite.rig.docker, c.name);

    const refused = await restore(c, archive, '--yes', '--opt', `image=${suite.images.v2}`);
    expect(refused.code, output(refused)).not.toBe(0);
    expect(output(refused)).toContain(suite.images.v2);
    expect(output(refused)).toContain(suite.images.v1);
    expect(output(refused)).toMatch(/nothing was changed/i);
    expect(output(refused)).toContain('acrossVersions=true');
    expect(await containersNamed(suite.rig.docker, c.name)).toEqual(before);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);

    const run = await restore(c, archive, '--yes', '--opt', `image=${suite.images.v2}`, '--opt', 'acrossVersions=true');
    expect(run.code, output(run)).toBe(0);
    const now = await view(c.name);
    expect(now?.image).toBe(suite.images.v2);
    expect(now?.imageId).toBe((await suite.rig.docker.getImage(suite.images.v2).inspect()).Id);
    expect((await bitnobiShell(suite.rig.docker, c.name, 'cat VERSION')).trim()).toBe('2.0.0');
    expect(await digest(c)).toEqual(atBackup);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
  });

  it('a restore that fails: the old container is back under its name, running, with its data; nothing left over', async () => {
    const c = await newCase('rollback');
    const archive = await backup(c);
    await ctl(c, 'after the backup');
    const data = await digest(c);
    const before = await containersNamed(suite.rig.docker, c.name);

    const run = await restore(c, archive, '--yes', '--opt', 'restoreCommand=false');
    expect(run.code, output(run)).not.toBe(0);
    expect(await containersNamed(suite.rig.docker, c.name)).toEqual(before);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
    expect(await digest(c)).toEqual(data);
    expect(await kept(c)).toEqual([]);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const c = await newCase('dryrun');
    const archive = await backup(c);
    await ctl(c, 'after the backup');
    const data = await digest(c);
    const containers = await suite.rig.docker.listContainers({ all: true });
    const snapshot = containers.map((x) => `${x.Names.join(',')} ${x.Id} ${x.State}`).sort();

    const run = await restore(c, archive, '--dry-run');
    expect(run.code, output(run)).toBe(0);
    expect(output(run)).toContain(suite.images.v1);
    expect(output(run)).toContain(String(c.ports.web));
    expect(output(run)).toContain(`${BITNOBI_HOME}/backup`);
    const after = (await suite.rig.docker.listContainers({ all: true })).map((x) => `${x.Names.join(',')} ${x.Id} ${x.State}`).sort();
    expect(after.filter((x) => x.includes(PREFIX))).toEqual(snapshot.filter((x) => x.includes(PREFIX)));
    expect(await digest(c)).toEqual(data);
    expect(await answers(suite.rig.docker, c.name)).toBe(true);
  });
});
