// What a restore plan says about a BTCPay archive comes from its manifest alone: the volumes
// and their sizes, the dumps, the project the volume names carry, and whether it brings
// Lightning channel state (which holds Lightning back until the operator agrees).
import { describe, expect, it } from 'vitest';
import { archiveContents, renameVolume } from '../../../../plugins/btcpay/src/archive-contents.js';
import type { Manifest, ManifestEntry } from '../../../../src-main/shared/models/manifest.js';
import { isAppError } from '../../../../src-main/shared/app-error.js';

const entry = (path: string, type: ManifestEntry['type'] = 'file', size = 0): ManifestEntry => ({
  path,
  type,
  size: type === 'file' ? size : 0,
  mode: type === 'directory' ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: '2026-11-01T00:00:00.000Z',
  ...(type === 'symlink' ? { linkname: 'Main' } : {}),
});

const manifest = (entries: readonly ManifestEntry[], metadata: Record<string, unknown> = {}): Manifest => ({
  formatVersion: 1,
  tool: { name: 'lifeboat', version: '0.1.0' },
  plugin: { id: 'btcpay', version: '0.1.0' },
  target: { name: 'shop', options: {} },
  startedAt: '2026-11-01T00:00:00.000Z',
  finishedAt: '2026-11-01T00:01:00.000Z',
  metadata,
  entries,
  totals: { entries: entries.length, files: entries.filter((e) => e.type === 'file').length, bytes: entries.reduce((a, e) => a + e.size, 0) },
});

/** The members of a BTCPay archive for `project` (as btcpay-backup.sh's tar lists them). */
function btcpayEntries(project: string, options: { graph?: boolean; mariadb?: boolean } = {}): ManifestEntry[] {
  const p = (rest: string): string => `volumes/${project}_${rest}`;
  return [
    entry('postgres.sql.gz', 'file', 5000),
    ...(options.mariadb ? [entry('mariadb.sql.gz', 'file', 700)] : []),
    entry('volumes', 'directory'),
    entry(p('btcpay_datadir'), 'directory'),
    entry(p('btcpay_datadir/_data'), 'directory'),
    entry(p('btcpay_datadir/_data/Main'), 'directory'),
    entry(p('btcpay_datadir/_data/Main/settings.config'), 'file', 100),
    entry(p('btcpay_datadir/_data/Plugins/a.dll'), 'file', 20),
    entry(p('btcpay_datadir/_data/current'), 'symlink'),
    entry(p('nbxplorer_datadir'), 'directory'),
    entry(p('nbxplorer_datadir/_data'), 'directory'),
    entry(p('nbxplorer_datadir/_data/Main/settings.config'), 'file', 50),
    entry(p('lnd_bitcoin_datadir/_data'), 'directory'),
    entry(p('lnd_bitcoin_datadir/_data/data/chain/bitcoin/mainnet/wallet.db'), 'file', 3000),
    entry(p('lnd_bitcoin_datadir/_data/data/graph'), 'directory'),
    ...(options.graph ? [entry(p('lnd_bitcoin_datadir/_data/data/graph/mainnet/channel.db'), 'file', 9000)] : []),
    // Chain data was left out: only the volume's folder is in the archive.
    entry(p('bitcoin_datadir'), 'directory'),
  ];
}

const metadataOf = (project: string): Record<string, unknown> => ({
  format: 'btcpay-backup.sh',
  project,
  volumes: [`${project}_btcpay_datadir`],
  excludes: [],
  dumps: [],
  postgresImage: { name: 'postgres:15', id: 'sha256:1' },
  downtimeSeconds: 12,
  stoppedContainers: [],
  lightning: { nodes: [], channelStateIncluded: false },
});

describe('btcpay archiveContents', () => {
  it('reads one of ours: project from its metadata, volumes with their files\' bytes, dumps', () => {
    const meta = metadataOf('shop');
    const c = archiveContents(manifest(btcpayEntries('shop', { mariadb: true }), { btcpay: meta }));
    expect(c.project).toBe('shop');
    expect(Object.fromEntries(c.volumes)).toEqual({ shop_btcpay_datadir: 120, shop_nbxplorer_datadir: 50, shop_lnd_bitcoin_datadir: 3000 });
    // Dumps are not volume data: they go to the database container, not the volumes' disk.
    expect(c.bytes).toBe(3170);
    expect(c.postgresDump).toBe(true);
    expect(c.mariadbDump).toBe(true);
    expect(c.channelState).toBe(false);
    expect(c.metadata).toEqual(meta);
  });

  it('takes the project from metadata even when the volume names suggest another', () => {
    const c = archiveContents(manifest(btcpayEntries('generated'), { btcpay: metadataOf('renamed') }));
    expect(c.project).toBe('renamed');
  });

  it('reads an imported btcpay-backup.sh archive: no metadata, project from <project>_btcpay_datadir', () => {
    const c = archiveContents(manifest(btcpayEntries('generated')));
    expect(c.project).toBe('generated');
    expect(c.metadata).toBeUndefined();
    expect('metadata' in c).toBe(false);
    expect(c.postgresDump).toBe(true);
    expect(c.mariadbDump).toBe(false);
    expect([...c.volumes.keys()].sort()).toEqual(['generated_btcpay_datadir', 'generated_lnd_bitcoin_datadir', 'generated_nbxplorer_datadir']);
  });

  it('guesses a project with underscores and dashes in its name from the btcpay volume, wherever it is listed', () => {
    const entries = btcpayEntries('my_shop-2');
    const btcpayFirst = entries.filter((e) => e.path.includes('btcpay_datadir'));
    const reordered = [...entries.filter((e) => !e.path.includes('btcpay_datadir')), ...btcpayFirst];
    expect(archiveContents(manifest(reordered)).project).toBe('my_shop-2');
  });

  it('without a btcpay volume, takes the first volume\'s prefix', () => {
    const c = archiveContents(manifest([entry('volumes/shop_nbxplorer_datadir/_data/Main/settings.config', 'file', 5)]));
    expect(c.project).toBe('shop');
    expect(c.postgresDump).toBe(false);
  });

  it('an archive with only the Postgres dump is still a BTCPay backup', () => {
    const c = archiveContents(manifest([entry('postgres.sql.gz', 'file', 10)]));
    expect(c.volumes.size).toBe(0);
    expect(c.postgresDump).toBe(true);
    expect(c.project).toBe('generated');
  });

  it('sees Lightning channel state when the lnd graph folder has content, for any chain', () => {
    expect(archiveContents(manifest(btcpayEntries('generated', { graph: true }))).channelState).toBe(true);
    expect(archiveContents(manifest([entry('volumes/shop_lnd_litecoin_datadir/_data/data/graph/mainnet/channel.db', 'file', 1)])).channelState).toBe(true);
    // An empty graph folder, or look-alike names, bring no channel state.
    expect(archiveContents(manifest(btcpayEntries('generated'))).channelState).toBe(false);
    expect(archiveContents(manifest([entry('volumes/shop_lnd_bitcoin_datadir/_data/data/graphs/x', 'file', 1)])).channelState).toBe(false);
    expect(archiveContents(manifest([entry('volumes/shop_clightning_bitcoin_datadir/_data/data/graph/x', 'file', 1)])).channelState).toBe(false);
  });

  it('refuses an archive that is not a BTCPay backup, saying so', () => {
    for (const entries of [
      [entry('.juju/environments.yaml', 'file', 10), entry('lifeboat/manifest.json', 'file', 10)],
      [entry('volumes/shop_btcpay_datadir', 'directory')],
      [entry('postgres.sql.gz', 'directory'), entry('data/volumes/x/_data/y', 'file', 1)],
      [],
    ]) {
      let thrown: unknown;
      try {
        archiveContents(manifest(entries));
      } catch (e) {
        thrown = e;
      }
      expect(isAppError(thrown), JSON.stringify(entries.map((e) => e.path))).toBe(true);
      expect((thrown as { code: string }).code).toBe('usage');
      expect((thrown as Error).message).toMatch(/not a BTCPay Server backup/);
    }
  });
});

describe('btcpay renameVolume', () => {
  it('renames the archive\'s project prefix to the target\'s', () => {
    expect(renameVolume('generated_btcpay_datadir', 'generated', 'shop')).toBe('shop_btcpay_datadir');
    expect(renameVolume('generated_lnd_bitcoin_datadir', 'generated', 'my_shop')).toBe('my_shop_lnd_bitcoin_datadir');
    expect(renameVolume('my_shop_lnd_bitcoin_datadir', 'my_shop', 'generated')).toBe('generated_lnd_bitcoin_datadir');
  });

  it('leaves names alone when the projects match or the name is not the project\'s', () => {
    expect(renameVolume('generated_btcpay_datadir', 'generated', 'generated')).toBe('generated_btcpay_datadir');
    expect(renameVolume('backup_datadir', 'generated', 'shop')).toBe('backup_datadir');
    expect(renameVolume('generatedx_btcpay_datadir', 'generated', 'shop')).toBe('generatedx_btcpay_datadir');
    expect(renameVolume('generated', 'generated', 'shop')).toBe('generated');
    expect(renameVolume('gen_btcpay_datadir', 'generated', 'shop')).toBe('gen_btcpay_datadir');
  });
});
