import { describe, expect, it } from 'vitest';
import { sshSchema } from './fixtures.js';
import { IpcCallError } from '../../../src-main/shared/ipc-contract.js';
import { fieldErrorsOf, fieldsOf, hostOf, optionsFrom, valuesFrom } from '../../../src-renderer/src/lib/options-form.js';


describe('the options form from a schema', () => {
  it('has a field per option, the ssh object as a group, secrets as secret fields', () => {
    const fields = fieldsOf(sshSchema);
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ['ssh', 'group'],
      ['exclude', 'list'],
      ['stopTimeoutSeconds', 'integer'],
    ]);
    expect(fields[0]?.fields?.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['ssh.host', 'string', true],
      ['ssh.port', 'integer', false],
      ['ssh.password', 'secret', false],
      ['ssh.useAgent', 'boolean', false],
    ]);
    expect(fields[1]?.builtinItems).toEqual(['**/logs/*']);
  });

  it('demands a field on its own only when every group around it is required', () => {
    // `ssh` is optional (leave it out for this machine's Docker): its host is required only once ssh is used.
    const optionalGroup = fieldsOf(sshSchema)[0]!.fields!.find((f) => f.key === 'ssh.host')!;
    expect([optionalGroup.required, optionalGroup.alwaysRequired]).toEqual([true, false]);
    const requiredGroup = fieldsOf({ ...sshSchema, required: ['ssh'] })[0]!.fields!.find((f) => f.key === 'ssh.host')!;
    expect([requiredGroup.required, requiredGroup.alwaysRequired]).toEqual([true, true]);
    const top = fieldsOf({ type: 'object', required: ['container'], properties: { container: { type: 'string' } } })[0]!;
    expect(top.alwaysRequired).toBe(true);
  });

  it('round-trips a target’s options, leaving out what was not filled', () => {
    const fields = fieldsOf(sshSchema);
    const options = { ssh: { host: 'btcpay.example', port: 2222, password: '***' }, exclude: ['a', 'b/**'] };
    const values = valuesFrom(fields, options);
    expect(values).toMatchObject({ 'ssh.host': 'btcpay.example', 'ssh.port': '2222', 'exclude': 'a\nb/**', 'ssh.useAgent': false, 'stopTimeoutSeconds': '' });
    expect(optionsFrom(fields, values)).toEqual(options);
    expect(optionsFrom(fields, valuesFrom(fields, {}))).toEqual({});
  });

  it('sends a number that does not parse as typed, so main names the field', () => {
    const fields = fieldsOf(sshSchema);
    expect(optionsFrom(fields, { 'ssh.host': 'h', 'ssh.port': '22x' })).toEqual({ ssh: { host: 'h', port: '22x' } });
  });

  it('places each of main’s field problems at its field, and what no field shows in the form’s own line', () => {
    const fields = fieldsOf(sshSchema);
    const error = new IpcCallError('targets:save', 'config', 'Options for plugin "btcpay" are not valid: … Fix the target\'s options and try again.', {
      'ssh.host': 'missing required option',
      'exclude': 'item 1 must be string',
      'ssh': 'unknown option "ssh.hots"',
      'colour': 'unknown option (known: ssh, exclude)',
      '': 'must be object',
    });
    expect(fieldErrorsOf(error, fields)).toEqual({
      'ssh.host': 'missing required option',
      'exclude': 'item 1 must be string',
      'ssh': 'unknown option "ssh.hots"',
      '': 'Option "colour": unknown option (known: ssh, exclude); The options: must be object',
    });
    const name = new IpcCallError('targets:save', 'usage', 'A target named "prod" already exists; choose another name or edit that one.', {
      name: 'a target named "prod" already exists; choose another name or edit that one',
    });
    expect(fieldErrorsOf(name, fields)).toEqual({ name: 'a target named "prod" already exists; choose another name or edit that one' });
  });

  it('shows the whole message where main named no field, whatever its wording', () => {
    const fields = fieldsOf(sshSchema);
    // Worded like a validation message, but without fields nothing is placed at "ssh.host".
    const message = 'Options for plugin "btcpay" are not valid: missing required option "ssh.host". Fix the target\'s options and try again.';
    expect(fieldErrorsOf(new IpcCallError('targets:save', 'config', message), fields)).toEqual({ '': message });
    expect(fieldErrorsOf(new IpcCallError('targets:save', 'config', message, {}), fields)).toEqual({ '': message });
    expect(fieldErrorsOf(new Error('The config file could not be written: disk full.'), fields)).toEqual({ '': 'The config file could not be written: disk full.' });
  });

  it('says where a target runs', () => {
    expect(hostOf({ ssh: { host: 'btcpay.example' } })).toBe('btcpay.example');
    expect(hostOf({ dir: '/x' })).toBe('this machine');
  });
});
