/** Models the renderer's tests share: a plugin with an SSH options schema, jobs, archives. */
import type { ArchiveTreeEntry, ManifestHeader } from '../../../src-main/shared/models/archive-browser.js';
import type { PluginInfo } from '../../../src-main/shared/models/plugin.js';

export const sshSchema = {
  type: 'object',
  properties: {
    ssh: {
      type: 'object',
      description: 'How to reach the host over SSH.',
      required: ['host'],
      properties: {
        host: { type: 'string', description: 'Host name or address' },
        port: { type: 'integer', description: 'SSH port (default 22)' },
        password: { type: 'string', secret: true, description: 'Login password' },
        useAgent: { type: 'boolean' },
      },
    },
    exclude: { type: 'array', items: { type: 'string' }, description: 'More paths to leave out', builtinItems: ['**/logs/*'] },
    stopTimeoutSeconds: { type: 'integer', default: 30 },
  },
};

export const btcpayPlugin: PluginInfo = {
  id: 'btcpay',
  displayName: 'BTCPay Server',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  folder: '/opt/lifeboat/plugins/btcpay',
  source: 'builtin',
  status: 'enabled',
  optionsSchema: sshSchema,
};

export const ARCHIVE = '/s/juju-client-2026-11-20T10-00-00Z.tar.gz.gpg';

export const manifest: ManifestHeader = {
  formatVersion: 1,
  tool: { name: 'lifeboat', version: '0.1.0' },
  plugin: { id: 'juju-client', version: '1.0.0' },
  target: { name: 'laptop', options: {} },
  startedAt: '2026-11-20T10:00:00Z',
  finishedAt: '2026-11-20T10:00:03Z',
  metadata: { jujuVersion: '3.6.1' },
  totals: { entries: 4, files: 3, bytes: 3072 },
};

const entry = (path: string, type: ArchiveTreeEntry['type'], size = 0, children?: number): ArchiveTreeEntry => ({
  path,
  name: path.split('/').pop()!,
  type,
  size,
  mode: type === 'directory' ? 0o755 : 0o600,
  uid: 1000,
  gid: 1000,
  mtime: '2026-11-20T09:00:00Z',
  children,
});

/** The archive's tree by folder, and a search over all its files. */
export const treeByDir: Record<string, ArchiveTreeEntry[]> = {
  '': [entry('juju', 'directory', 0, 3)],
  'juju': [entry('juju/controllers.yaml', 'file', 1024), entry('juju/logo.png', 'file', 1024), entry('juju/ssh', 'directory', 0, 1)],
  'juju/ssh': [entry('juju/ssh/juju_id_rsa', 'file', 1024)],
};
export const allFiles = Object.values(treeByDir).flat();

/** A 1×1 PNG. */
export const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
