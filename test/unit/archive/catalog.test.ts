import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveFileName, cleanupStore, claimArchivePath, listArchives, parseArchiveStem, writeRecord } from '../../../src-main/archive/index.js';

let store: string;
beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'lifeboat-store-'));
});
afterEach(async () => {
  await rm(store, { recursive: true, force: true });
});

/** A pid that certainly belongs to no running process: a child that has exited. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('archive names', () => {
  it('are <target>-<YYYYMMDD-HHMMSS> in UTC and parse back', () => {
    const date = new Date('2026-11-22T01:02:03.456Z');
    expect(archiveFileName('prod-ctl', date, true)).toBe('prod-ctl-20261122-010203.tar.gz.gpg');
    expect(archiveFileName('prod-ctl', date, false)).toBe('prod-ctl-20261122-010203.tar.gz');
    expect(parseArchiveStem('prod-ctl-20261122-010203')).toEqual({ target: 'prod-ctl', date: new Date('2026-11-22T01:02:03Z') });
    expect(parseArchiveStem('no-date-here')).toBeUndefined();
  });
});

describe('the store', () => {
  it('never lists .partial files, and cleanup removes those of dead runs only', async () => {
    const live = join(store, 'a-20261122-000000.tar.gz.gpg');
    const release = await claimArchivePath(live);
    await writeFile(live + '.partial', 'being written by this process');
    const dead = join(store, 'b-20261122-000000.tar.gz.gpg');
    await writeFile(dead + '.partial', 'left by a killed run');
    await writeFile(join(store, 'b-20261122-000000.lock'), JSON.stringify({ pid: deadPid() }));
    await writeFile(join(store, 'c-20261122-000000.index.gpg'), 'orphan index');
    expect(await listArchives(store)).toEqual([]);
    const removed = await cleanupStore(store);
    expect(removed.sort()).toEqual(['b-20261122-000000.lock', 'b-20261122-000000.tar.gz.gpg.partial', 'c-20261122-000000.index.gpg']);
    expect((await readdir(store)).sort()).toEqual(['a-20261122-000000.lock', 'a-20261122-000000.tar.gz.gpg.partial']);
    await release();
  });

  it('a lock being written survives another backup\'s cleanup; a dead run\'s half-written lock does not', async () => {
    // Claims and cleanups interleaved, as two backups starting together do.
    const claims = Array.from({ length: 20 }, (_, i) => claimArchivePath(join(store, `p${i}-20261122-000000.tar.gz.gpg`)));
    const cleanups = Array.from({ length: 20 }, () => cleanupStore(store));
    const releases = await Promise.all(claims);
    await Promise.all(cleanups);
    expect((await readdir(store)).filter((n) => n.endsWith('.lock')).length).toBe(20);
    const gone = deadPid();
    await writeFile(join(store, `.q-20261122-000000.lock.${gone}.00aa11bb.lock-tmp`), '{}');
    await writeFile(join(store, `.r-20261122-000000.lock.${process.pid}.00aa11bb.lock-tmp`), '{}');
    const removed = await cleanupStore(store);
    expect(removed).toContain(`.q-20261122-000000.lock.${gone}.00aa11bb.lock-tmp`);
    expect(await readdir(store)).toContain(`.r-20261122-000000.lock.${process.pid}.00aa11bb.lock-tmp`);
    for (const release of releases) await release();
  });

  it('lists complete archives newest first with their recorded target, plugin and encryption', async () => {
    for (const [name, created] of [
      ['old-20250101-000000.tar.gz.gpg', '2025-01-01T00:00:00.000Z'],
      ['new-20261122-000000.tar.gz.gpg', '2026-11-22T00:00:00.000Z'],
    ] as const) {
      await writeFile(join(store, name), 'x');
      await writeRecord(join(store, name), { formatVersion: 1, target: name.split('-')[0]!, plugin: 'juju-client', createdAt: created, encryption: { kind: 'passphrase' }, verifications: [] });
    }
    const list = await listArchives(store);
    expect(list.map((a) => [a.fileName, a.target, a.plugin, a.encryption.kind])).toEqual([
      ['new-20261122-000000.tar.gz.gpg', 'new', 'juju-client', 'passphrase'],
      ['old-20250101-000000.tar.gz.gpg', 'old', 'juju-client', 'passphrase'],
    ]);
  });
});
