import { describe, expect, it } from 'vitest';
import type { JujuFacts } from '../../../../plugins/juju-state/src/juju-facts.js';
import { jujuMetadataJson, seriesOf } from '../../../../plugins/juju-state/src/juju-facts.js';
import { readOptions } from '../../../../plugins/juju-state/src/juju-options.js';
import { machineTag, restoreLayout } from '../../../../plugins/juju-state/src/restore-layout.js';

const facts: JujuFacts = {
  tag: 'machine-0',
  machineId: '0',
  controllerUuid: 'c-uuid',
  modelUuid: 'm-uuid',
  version: '2.9.42',
  series: 'focal',
  arch: 'amd64',
  hostname: 'juju-0',
  instanceId: 'manual:10.0.0.1',
  statePort: 37017,
  apiPort: 17070,
  apiAddresses: ['10.0.0.1:17070'],
  stateAddresses: ['10.0.0.1:37017'],
  haMembers: [],
  tools: ['2.9.42-focal-amd64'],
  machines: [
    { id: '0', addresses: ['10.0.0.1'] },
    { id: '1', addresses: ['10.0.0.5'] },
    { id: '2', addresses: [] },
  ],
  startedAt: '2026-11-22T03:15:00.000Z',
  finishedAt: '2026-11-22T03:15:09.000Z',
};

const opts = (extra: Record<string, unknown> = {}) => readOptions({ ssh: { host: '10.0.0.50', user: 'ubuntu' }, ...extra });

describe('restore layout', () => {
  it("checks the old controller from the backup's agent.conf, re-points every other machine of the dump", () => {
    const l = restoreLayout(opts(), facts);
    expect(l).toMatchObject({ oldHost: '10.0.0.1', newAddress: '10.0.0.50', tools: { ok: true, dir: '2.9.42-focal-amd64' } });
    expect(l.haNote).toBeUndefined();
    expect(l.machines).toEqual([
      { id: '1', host: '10.0.0.5', from: 'database dump' },
      { id: '2', from: 'database dump' },
    ]);
  });

  it('takes oldAddress, newAddress and the machines option over what the backup says', () => {
    const l = restoreLayout(opts({ oldAddress: '192.0.2.1', newAddress: 'ctl.example', machines: [{ id: '2', host: '10.0.0.6', user: 'admin' }, { id: '1', skip: true }] }), facts);
    expect(l.oldHost).toBe('192.0.2.1');
    expect(l.newAddress).toBe('ctl.example');
    expect(l.machines).toEqual([{ id: '2', host: '10.0.0.6', user: 'admin', from: 'machines option' }]);
  });

  it('with HA checks only the first member and says so', () => {
    const ha = { ...facts, stateAddresses: ['10.0.0.1:37017', '10.0.0.2:37017', '10.0.0.3:37017'], haMembers: ['10.0.0.1:37017', '10.0.0.2:37017', '10.0.0.3:37017'] };
    const l = restoreLayout(opts(), ha);
    expect(l.oldHost).toBe('10.0.0.1');
    expect(l.haNote).toMatch(/Only the initial controller, 10\.0\.0\.1, is checked/);
    expect(JSON.parse(jujuMetadataJson(ha)).HANodes).toBe(3);
  });

  it('falls back to the dump for the old address, and refuses when nothing says where it was', () => {
    const loopback = { ...facts, apiAddresses: ['localhost:17070'], stateAddresses: ['localhost:37017'] };
    expect(restoreLayout(opts(), loopback).oldHost).toBe('10.0.0.1');
    expect(() => restoreLayout(opts(), { ...loopback, machines: [] })).toThrow(/"oldAddress" option/);
  });

  it('refuses, with the version difference, when the tools are of another version', () => {
    const l = restoreLayout(opts(), { ...facts, tools: ['2.9.37-focal-amd64'] });
    expect(l.tools).toEqual({ ok: false, problem: expect.stringMatching(/Juju 2\.9\.42, but its tools are 2\.9\.37-focal-amd64/) });
  });

  it('names agents and series as Juju does', () => {
    expect(machineTag('0/lxd/3')).toBe('machine-0-lxd-3');
    expect(seriesOf(['2.9.42-focal-amd64', 'machine-0'], '2.9.42')).toEqual({ series: 'focal', arch: 'amd64' });
    expect(seriesOf(['3.1.6-ubuntu-arm64'], '3.1.6')).toEqual({ series: 'ubuntu', arch: 'arm64' });
  });

  it('refuses options an operator can get wrong, saying what to write', () => {
    expect(() => readOptions({})).toThrow(/needs an "ssh" option/);
    expect(() => opts({ agent: '0' })).toThrow(/machine-0/);
    expect(() => opts({ machines: [{ host: 'x' }] })).toThrow(/needs an "id"/);
    expect(opts().sudo).toBe(true);
  });
});
