import { describe, expect, it } from 'vitest';
import { contentUnder } from '../../../plugins/juju-client/src/plan-restore-client-dir.js';
import type { ManifestEntry } from '../../../src-main/shared/models/manifest.js';

const entry = (path: string, type: ManifestEntry['type'], size = 0, uid = 1000): ManifestEntry => ({
  path,
  type,
  size,
  mode: 0o644,
  uid,
  gid: 1000,
  mtime: '2026-01-01T00:00:00.000Z',
});

describe('juju-client plan: what a restore of an archive folder writes', () => {
  it('counts only entries under the folder, files\' bytes only, links of both kinds', () => {
    const c = contentUnder(
      [
        entry('.juju', 'directory'),
        entry('.juju/environments.yaml', 'file', 120),
        entry('.juju/ssh', 'directory', 0, 0),
        entry('.juju/ssh/juju_id_rsa', 'file', 1600),
        entry('.juju/keys', 'symlink'),
        entry('.juju/hard', 'hardlink'),
        entry('.jujux/other', 'file', 999),
        entry('lifeboat/manifest.json', 'file', 50),
      ],
      '.juju',
    );
    expect(c).toEqual({ entries: 5, files: 2, folders: 1, links: 2, bytes: 1720, owners: [1000, 0] });
  });
});
