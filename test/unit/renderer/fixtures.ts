/** Models the renderer's tests share: a plugin with an SSH options schema, jobs, archives. */
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
