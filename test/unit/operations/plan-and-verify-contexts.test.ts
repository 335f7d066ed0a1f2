import { describe, expect, it } from 'vitest';
import { planConfirm } from '../../../src-main/operations/run-restore.js';
import { createTargetConnections, verifyConnectionOptions } from '../../../src-main/operations/target-connections.js';
import type { OperationContext } from '../../../src-main/operations/operation-context.js';

const op: OperationContext = {
  signal: new AbortController().signal,
  progress: { report: () => {} },
  log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
};

describe('a restore plan\'s confirm', () => {
  it('passes host-key trust questions to the operator', async () => {
    const asked: string[] = [];
    const confirm = planConfirm(async (q) => (asked.push(q), true), 'BTCPay Server');
    await expect(confirm('Trust host x with key SHA256:abc?', { trust: true })).resolves.toBe(true);
    expect(asked).toEqual(['Trust host x with key SHA256:abc?']);
  });

  it('refuses any other question as a plugin bug, without asking the operator', async () => {
    const asked: string[] = [];
    const confirm = planConfirm(async (q) => (asked.push(q), true), 'BTCPay Server');
    await expect(confirm('Stop the containers?')).rejects.toMatchObject({
      code: 'plugin',
      message: expect.stringContaining('BTCPay Server asked "Stop the containers?" while making a restore plan'),
    });
    expect(asked).toEqual([]);
  });
});

describe('the connections of a verify', () => {
  it('leave out ssh, and dockerSocket when it named a socket on the remote host', () => {
    expect(verifyConnectionOptions({ dir: '/x', ssh: { host: 'h' }, dockerSocket: '/remote.sock' })).toEqual({ dir: '/x' });
    expect(verifyConnectionOptions({ dir: '/x', dockerSocket: '/local.sock' })).toEqual({ dir: '/x', dockerSocket: '/local.sock' });
    expect(verifyConnectionOptions({ dir: '/x' })).toEqual({ dir: '/x' });
  });

  it('reject ssh() with a usage error that says verify never connects to the target', async () => {
    const connections = createTargetConnections({ ssh: { host: '127.0.0.1', port: 9 } }, op, async () => true, 'verify');
    await expect(connections.ssh()).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('Verify does not connect to the target') });
    await connections.close();
  });

  it('still reject ssh() with a config error outside verify when the target has no ssh option', async () => {
    const connections = createTargetConnections({}, op, async () => true);
    await expect(connections.ssh()).rejects.toMatchObject({ code: 'config' });
    await connections.close();
  });
});
