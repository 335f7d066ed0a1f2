/**
 * Opening an archive in the window: `archives:manifest` and `archives:tree` arrive together,
 * and the archive's index is decrypted once for both; a read that failed is tried again.
 * The service asks its secret source for the passphrase at every read of an archive, so the
 * source below counts the reads; a spy on the real decryption counts the decryptions.
 */
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as decryptStream from '../../../src-main/crypto/decrypt-stream.js';
import type { SecretSource } from '../../../src-main/service/index.js';
import { PASSPHRASE, startHarness, type Harness } from './service-harness.js';

describe('app service: an archive opened in the window reads its index once', () => {
  let h: Harness;
  let archivePath: string;
  /** Passphrase requests to open an archive, one per read of it. */
  let opened = 0;
  /** While false, the source has no passphrase (as before the operator sets one). */
  let hasPassphrase = true;
  const secrets: SecretSource = {
    passphrase: async (purpose) => {
      if (purpose === 'open-archive') opened++;
      return hasPassphrase ? PASSPHRASE : undefined;
    },
  };

  beforeAll(async () => {
    h = await startHarness({ secrets });
    const source = join(h.dir, 'juju');
    await mkdir(join(source, 'models'), { recursive: true });
    await writeFile(join(source, 'controllers.yaml'), 'controllers:\n  prod: {api-endpoints: ["10.0.0.1:17070"]}\n');
    for (let i = 0; i < 50; i++) await writeFile(join(source, 'models', `m${i}.yaml`), `model: m${i}\n`);
    await h.ok('targets:save', { name: 'laptop', plugin: 'juju-client', options: { dir: source } });
    const { jobId } = await h.ok('jobs:backup', { target: 'laptop' });
    const done = await h.waitForJob(jobId);
    expect(done.state, done.error?.message).toBe('succeeded');
    archivePath = done.archivePath!;
  });

  afterEach(() => {
    vi.restoreAllMocks();
    hasPassphrase = true;
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers the manifest and the tree asked together with one decryption, and later folders from memory', async () => {
    const decryptions = vi.spyOn(decryptStream, 'decryptBytes');
    const before = opened;
    const [header, top] = await Promise.all([h.ok('archives:manifest', { path: archivePath }), h.ok('archives:tree', { path: archivePath })]);
    expect(header).toMatchObject({ target: { name: 'laptop' }, totals: { files: 51 } });
    expect(top.entries.map((e) => e.type)).toEqual(['directory']);
    const models = await h.ok('archives:tree', { path: archivePath, dir: `${top.entries[0]!.path}/models` });
    expect(models.total).toBe(50);
    const found = await h.ok('archives:tree', { path: archivePath, search: 'm49.yaml' });
    expect(found.entries.map((e) => e.name)).toEqual(['m49.yaml']);
    expect(opened - before).toBe(1);
    expect(decryptions).toHaveBeenCalledTimes(1);
  });

  it('reads the index again when the archive file changed', async () => {
    await h.ok('archives:tree', { path: archivePath });
    const before = opened;
    const { mtime } = await stat(archivePath);
    await utimes(archivePath, mtime, new Date(mtime.getTime() + 60_000));
    const [header] = await Promise.all([h.ok('archives:manifest', { path: archivePath }), h.ok('archives:tree', { path: archivePath })]);
    expect(header.totals.files).toBe(51);
    expect(opened - before).toBe(1);
  });

  it('fails both calls while there is no passphrase, and opens the archive once there is one', async () => {
    // Another archive's index, so that nothing of it is in memory yet.
    const { jobId } = await h.ok('jobs:backup', { target: 'laptop' });
    const other = (await h.waitForJob(jobId)).archivePath!;
    hasPassphrase = false;
    const [manifest, tree] = await Promise.all([h.call('archives:manifest', { path: other }), h.call('archives:tree', { path: other })]);
    expect(manifest).toMatchObject({ ok: false, error: { code: 'secret-required' } });
    expect(tree).toMatchObject({ ok: false, error: { code: 'secret-required' } });

    hasPassphrase = true;
    const top = await h.ok('archives:tree', { path: other });
    expect(top.entries.map((e) => e.type)).toEqual(['directory']);
  });
});
