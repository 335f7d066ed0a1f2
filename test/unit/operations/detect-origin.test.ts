import { describe, expect, it } from 'vitest';
import { detectOrigin } from '../../../src-main/operations/detect-origin.js';
import type { Manifest, ManifestEntry } from '../../../src-main/shared/index.js';

function foreign(paths: string[]): Manifest {
  const entries: ManifestEntry[] = paths.map((path) => ({ path, type: 'file', size: 1, mode: 0o644, uid: 0, gid: 0, mtime: '2026-01-01T00:00:00.000Z' }));
  return {
    formatVersion: 1,
    tool: { name: 'lifeboat', version: 'x' },
    plugin: { id: 'unknown', version: '' },
    target: { name: '', options: {} },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:00.000Z',
    metadata: {},
    entries,
    totals: { entries: entries.length, files: entries.length, bytes: entries.length },
    origin: 'foreign',
  };
}

describe('recognising archives made by the targets own tools', () => {
  it('Juju 1.x juju backup, with the date from its name', () => {
    expect(detectOrigin(foreign(['juju-backup/root.tar', 'juju-backup/dump/oplog.bson']), 'juju-backup-20140403-1408.tgz')).toEqual({
      plugin: 'juju-state',
      target: 'juju-state',
      origin: 'juju backup',
      date: new Date('2014-04-03T14:08:00Z'),
    });
  });
  it("BTCPay's btcpay-backup.sh", () => {
    expect(detectOrigin(foreign(['postgres.sql.gz', 'volumes/generated_btcpay_datadir/_data/settings.config']), 'backup.tar.gz.gpg')?.plugin).toBe('btcpay');
  });
  it('a tar of ~/.juju', () => {
    expect(detectOrigin(foreign(['.juju/environments.yaml', '.juju/ssh/juju_id_rsa']), 'juju-2014.tar.gz')?.plugin).toBe('juju-client');
  });
  it('anything else is not guessed', () => {
    expect(detectOrigin(foreign(['etc/hosts']), 'x.tar.gz')).toBeUndefined();
  });
});
