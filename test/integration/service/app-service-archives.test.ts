/**
 * The window's main path through the app service, with the real juju-client plugin on a temp
 * folder: target management, a backup with progress, the archive browser, extract, verify,
 * the restore plan and a confirmed restore.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src-main/shared/models/job.js';
import { startHarness, type Harness } from './service-harness.js';

describe('app service: targets, backup and the archive browser', () => {
  let h: Harness;
  let source: string;
  let archivePath: string;

  beforeAll(async () => {
    h = await startHarness();
    source = join(h.dir, 'juju');
    await mkdir(join(source, 'ssh'), { recursive: true });
    await writeFile(join(source, 'controllers.yaml'), 'controllers:\n  prod: {api-endpoints: ["10.0.0.1:17070"]}\n');
    await writeFile(join(source, 'ssh', 'juju_id_rsa'), 'not really a key\n', { mode: 0o600 });
    await writeFile(join(source, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
  });

  afterAll(async () => {
    await h.close();
  });

  it('refuses a target whose options do not fit the plugin, naming the option, and writes nothing', async () => {
    const bad = await h.call('targets:save', { name: 'laptop', plugin: 'juju-client', options: { dir: source, exclude: 'ssh' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'config' } });
    expect(!bad.ok && bad.error.message).toMatch(/"exclude"/);
    // The same problems, by field, for the window's form.
    expect(!bad.ok && bad.error.fields).toEqual({ exclude: 'must be array' });
    const unknown = await h.call('targets:save', { name: 'laptop', plugin: 'juju-client', options: { folder: source } });
    expect(!unknown.ok && unknown.error.message).toMatch(/unknown option "folder"/);
    expect(!unknown.ok && Object.keys(unknown.error.fields ?? {})).toContain('folder');
    const noPlugin = await h.call('targets:save', { name: 'laptop', plugin: 'no-such-plugin', options: {} });
    expect(noPlugin).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const badName = await h.call('targets:save', { name: '../etc', plugin: 'juju-client', options: {} });
    expect(badName).toMatchObject({ ok: false, error: { code: 'usage', fields: { name: expect.stringMatching(/letters, digits/) } } });
    expect(await h.ok('targets:list')).toEqual([]);
  });

  it('saves, renames, probes and lists a target; a new one is stale until backed up', async () => {
    const saved = await h.ok('targets:save', { name: 'laptp', plugin: 'juju-client', options: { dir: source } });
    expect(saved).toMatchObject({ name: 'laptp', plugin: 'juju-client', pluginStatus: 'enabled', stale: true, busy: false });
    expect(saved.lastBackup).toBeUndefined();
    await h.ok('targets:save', { name: 'laptop', previousName: 'laptp', plugin: 'juju-client', options: { dir: source } });
    const list = await h.ok('targets:list');
    expect(list.map((t) => t.name)).toEqual(['laptop']);
    expect(await readFile(h.configPath, 'utf8')).toContain('laptop:');
    const clash = await h.call('targets:save', { name: 'laptop', plugin: 'juju-client', options: { dir: source } });
    expect(!clash.ok && clash.error.message).toMatch(/already exists/);
    expect(!clash.ok && clash.error.fields?.name).toMatch(/already exists/);
    const probe = await h.ok('targets:probe', { name: 'laptop' });
    expect(probe.reachable).toBe(true);
  });

  it('backs up with jobs:changed events up to succeeded; the archive is listed and the target is fresh', async () => {
    const { jobId } = await h.ok('jobs:backup', { target: 'laptop' });
    const done = await h.waitForJob(jobId);
    expect(done.state).toBe('succeeded');
    const seen = h.events.filter((e) => e.channel === 'jobs:changed').map((e) => e.payload as JobSnapshot).filter((j) => j.id === jobId);
    expect(seen.map((j) => j.state)).toEqual(expect.arrayContaining(['queued', 'running', 'succeeded']));
    expect(seen.some((j) => j.progress !== undefined)).toBe(true);
    expect(done.archivePath).toMatch(/\.tar\.gz\.gpg$/);
    expect(done.logTail?.join('\n')).toMatch(/Archive written/);
    archivePath = done.archivePath!;
    const archives = await h.ok('archives:list');
    expect(archives.map((a) => a.path)).toContain(archivePath);
    expect(archives[0]).toMatchObject({ target: 'laptop', encryption: { kind: 'passphrase' }, hasIndex: true });
    const [target] = await h.ok('targets:list');
    expect(target).toMatchObject({ stale: false, lastBackup: { archive: archivePath, ok: true } });
    const jobs = await h.ok('jobs:list');
    expect(jobs.find((j) => j.id === jobId)?.state).toBe('succeeded');
    const log = await h.ok('jobs:log', { jobId });
    expect(log.join('\n')).toMatch(/Backing up "laptop"/);
  });

  it('shows the manifest header, the tree, a search and a text preview from the index', async () => {
    const header = await h.ok('archives:manifest', { path: archivePath });
    expect(header).toMatchObject({ plugin: { id: 'juju-client' }, target: { name: 'laptop' } });
    expect('entries' in header).toBe(false);
    expect(header.totals.files).toBe(3);

    const top = await h.ok('archives:tree', { path: archivePath });
    expect(top.entries.length).toBeGreaterThan(0);
    const topDir = top.entries[0]!;
    expect(topDir.type).toBe('directory');
    const inside = await h.ok('archives:tree', { path: archivePath, dir: topDir.path });
    const names = inside.entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['ssh', 'controllers.yaml', 'logo.png']));
    expect(names.indexOf('ssh')).toBeLessThan(names.indexOf('controllers.yaml'));

    const found = await h.ok('archives:tree', { path: archivePath, search: 'RSA' });
    expect(found.entries.map((e) => e.name)).toEqual(['juju_id_rsa']);
    expect(found.entries[0]).toMatchObject({ type: 'file', mode: 0o600, size: 17 });

    const controllers = inside.entries.find((e) => e.name === 'controllers.yaml')!;
    const text = await h.ok('archives:preview', { path: archivePath, entry: controllers.path });
    expect(text).toMatchObject({ kind: 'text', truncated: false, text: expect.stringContaining('api-endpoints') });
    const short = await h.ok('archives:preview', { path: archivePath, entry: controllers.path, maxBytes: 5 });
    expect(short).toMatchObject({ kind: 'text', text: 'contr', truncated: true });
    const image = await h.ok('archives:preview', { path: archivePath, entry: inside.entries.find((e) => e.name === 'logo.png')!.path });
    expect(image).toMatchObject({ kind: 'image', mime: 'image/png', size: 12 });
    expect(Buffer.from(image.base64!, 'base64')[1]).toBe(0x50);

    const folder = await h.call('archives:preview', { path: archivePath, entry: topDir.path });
    expect(folder).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('extracts one file into a new folder, and refuses a folder that is not empty', async () => {
    const found = await h.ok('archives:tree', { path: archivePath, search: 'controllers.yaml' });
    const destination = join(h.dir, 'extracted');
    const { jobId } = await h.ok('archives:extract', { path: archivePath, entries: [found.entries[0]!.path], destination });
    expect((await h.waitForJob(jobId)).state).toBe('succeeded');
    const text = await readFile(join(destination, found.entries[0]!.path), 'utf8');
    expect(text).toContain('api-endpoints');
    const again = await h.call('archives:extract', { path: archivePath, entries: [found.entries[0]!.path], destination });
    expect(again).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(!again.ok && again.error.message).toMatch(/not empty/);
  });

  it('verifies the archive and records it', async () => {
    const { jobId } = await h.ok('jobs:verify', { archivePath });
    expect((await h.waitForJob(jobId)).state).toBe('succeeded');
    const [archive] = await h.ok('archives:list');
    expect(archive?.lastVerification).toMatchObject({ ok: true });
  });

  it('imports an archive copied from elsewhere, listing it only once it was read end to end', async () => {
    const foreign = join(h.dir, 'from-another-machine.tar.gz.gpg');
    await copyFile(archivePath, foreign);
    const missing = await h.call('jobs:import', { path: join(h.dir, 'nope.tar.gz') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const { jobId } = await h.ok('jobs:import', { path: foreign });
    const done = await h.waitForJob(jobId);
    expect(done.state, done.error?.message).toBe('succeeded');
    expect(done.target).toBe('(import)');
    const archives = await h.ok('archives:list');
    expect(archives).toHaveLength(2);
    expect(archives.map((a) => a.path)).toContain(done.archivePath);
    expect(done.archivePath).not.toBe(archivePath);
  });

  it('shows the restore plan, refuses a restore without the typed target name, and restores with it', async () => {
    const plan = await h.ok('archives:plan', { archivePath, target: 'laptop' });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.made.plugin.id).toBe('juju-client');
    expect(plan.note).toMatch(/manifest only/);

    await writeFile(join(source, 'controllers.yaml'), 'changed after the backup\n');
    const refused = await h.call('jobs:restore', { archivePath, target: 'laptop', confirmTargetName: 'Laptop' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'declined' } });
    expect(await readFile(join(source, 'controllers.yaml'), 'utf8')).toBe('changed after the backup\n');

    const { jobId } = await h.ok('jobs:restore', { archivePath, target: 'laptop', confirmTargetName: 'laptop' });
    // The plugin asks before it moves the existing folder aside; the job waits for the answer.
    const question = await h.waitForEvent('questions:asked', (q) => q.jobId === jobId);
    expect(question.trust).toBe(false);
    expect((await h.ok('jobs:list')).find((j) => j.id === jobId)?.state).toBe('running');
    await h.ok('questions:answer', { id: question.id, yes: true });
    const done = await h.waitForJob(jobId);
    expect(done.state, done.error?.message).toBe('succeeded');
    expect(await readFile(join(source, 'controllers.yaml'), 'utf8')).toContain('api-endpoints');
    // The folder that was there is moved aside, never deleted.
    expect((await readdir(h.dir)).some((n) => n.startsWith('juju.lifeboat-'))).toBe(true);
  });

  it('refuses archive paths outside the store', async () => {
    const outside = await h.call('archives:tree', { path: join(h.dir, 'config', 'config.yaml') });
    expect(outside).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const verify = await h.call('jobs:verify', { archivePath: '/etc/passwd' });
    expect(verify).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('removes a target', async () => {
    await h.ok('targets:remove', { name: 'laptop' });
    expect(await h.ok('targets:list')).toEqual([]);
    expect(await h.call('targets:remove', { name: 'laptop' })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/no target named "laptop"/) } });
  });
});
