import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseAgentConf, repointAddresses, rewriteAgentConf } from '../../../../plugins/juju-state/src/agent-conf.js';

const MACHINE_1 = `# format 2.0
tag: machine-1
datadir: /var/lib/juju
transient-datadir: /var/run/juju
logdir: /var/log/juju
metricsspooldir: /var/lib/juju/metricspool
nonce: machine-1:7d3f
jobs:
- JobHostUnits
upgradedToVersion: 2.9.42
cacert: |
  -----BEGIN CERTIFICATE-----
  MIIEEzCCAnugAwIBAgIVAN
  -----END CERTIFICATE-----
controller: controller-5d1c8e6a-1f42-4a7b-8d6c-0e2d9b6f3a11
model: model-9a8b7c6d-1234-4f00-9abc-def012345678
apiaddresses:
- 10.0.0.1:17070
oldpassword: 7fQh2kZx
loggingconfig: <root>=WARNING
values:
  AGENT_SERVICE_NAME: jujud-machine-1
  CONTAINER_TYPE: ""
`;

const CONTROLLER = `# format 2.0
tag: machine-0
upgradedToVersion: 2.9.42
controller: controller-5d1c8e6a-1f42-4a7b-8d6c-0e2d9b6f3a11
model: model-11111111-2222-4333-8444-555555555555
apiaddresses:
- localhost:17070
- 10.0.0.1:17070
- 10.0.0.2:17070
statepassword: s3cr3t'pass
stateport: 37017
apiport: 17070
stateaddresses:
- localhost:37017
- 10.0.0.1:37017
- 10.0.0.2:37017
`;

describe('agent.conf', () => {
  it('reads the facts a backup needs', () => {
    const c = parseAgentConf(CONTROLLER, 'agent.conf');
    expect(c).toMatchObject({
      tag: 'machine-0',
      statePassword: "s3cr3t'pass",
      statePort: 37017,
      apiPort: 17070,
      controllerUuid: '5d1c8e6a-1f42-4a7b-8d6c-0e2d9b6f3a11',
      modelUuid: '11111111-2222-4333-8444-555555555555',
      version: '2.9.42',
    });
    expect(c.stateAddresses).toHaveLength(3);
    expect(parseAgentConf(MACHINE_1, 'm1').statePassword).toBeUndefined();
  });

  it('points a machine at the new controller and leaves every other line as it was', () => {
    const next = rewriteAgentConf(MACHINE_1, '10.9.9.9', 'm1');
    expect(parse(next).apiaddresses).toEqual(['10.9.9.9:17070']);
    expect(next.split('\n').filter((l) => !l.includes('17070'))).toEqual(MACHINE_1.split('\n').filter((l) => !l.includes('17070')));
    // A machine agent had no stateaddresses: it gets none.
    expect(parse(next).stateaddresses).toBeUndefined();
  });

  it('points a controller at its new address, keeps its loopback addresses, folds HA members into one', () => {
    const next = parse(rewriteAgentConf(CONTROLLER, '10.0.0.50', 'c')) as Record<string, unknown>;
    expect(next.apiaddresses).toEqual(['localhost:17070', '10.0.0.50:17070']);
    expect(next.stateaddresses).toEqual(['localhost:37017', '10.0.0.50:37017']);
    expect(next.statepassword).toBe("s3cr3t'pass");
  });

  it('adds the new address when there was only loopback, and handles IPv6', () => {
    expect(repointAddresses(['localhost:37017'], 'fd00::5', 37017)).toEqual(['localhost:37017', '[fd00::5]:37017']);
    expect(repointAddresses(['[fd00::1]:17070'], '10.0.0.3', 17070)).toEqual(['10.0.0.3:17070']);
  });

  it('refuses a file that is not an agent.conf', () => {
    expect(() => parseAgentConf('foo: bar\n', '/x/agent.conf')).toThrow(/no "tag"/);
  });
});
