import { describe, expect, it } from 'vitest';
import { coerceOptionStrings, redactOptions, secretValues, validateOptions } from '../../../src-main/plugin-host/index.js';
import type { JsonSchemaObject, PluginManifest } from '../../../src-main/plugin-host/index.js';
import type { AppError } from '../../../src-main/shared/app-error.js';

const options: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['dir'],
  properties: {
    dir: { type: 'string' },
    port: { type: 'integer', default: 22 },
    ratio: { type: 'number' },
    halt: { type: 'boolean', default: false },
    mode: { type: 'string', enum: ['fast', 'safe'] },
    exclude: { type: 'array', items: { type: 'string' } },
    ports: { type: 'array', items: { type: 'integer' } },
    sudoPassword: { type: 'string', secret: true },
    db: {
      type: 'object',
      properties: { user: { type: 'string' }, password: { type: 'string', secret: true } },
    },
  },
};
const manifest: PluginManifest = { id: 'demo', displayName: 'Demo', apiVersion: '^1.0.0', main: 'index.js', options };

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toMatchObject({ code: 'config' });
    return (e as Error).message;
  }
  throw new Error('expected a config error');
}

describe('validateOptions', () => {
  it('returns a copy with defaults applied, leaving the input alone', () => {
    const input = { dir: '/srv' };
    expect(validateOptions(manifest, input)).toEqual({ dir: '/srv', port: 22, halt: false });
    expect(input).toEqual({ dir: '/srv' });
  });

  it('names every bad option and what is expected, in one error', () => {
    const message = configError(() => validateOptions(manifest, { prot: 22, port: 'x', mode: 'slow', exclude: ['a', 3] }));
    expect(message).toContain('Options for plugin "demo" are not valid');
    expect(message).toContain('missing required option "dir"');
    expect(message).toContain('unknown option "prot"');
    expect(message).toContain('option "port" must be integer');
    expect(message).toContain('option "mode" must be one of: "fast", "safe"');
    expect(message).toContain('option "exclude.1" must be string');
  });

  it('gives each problem to its field for a form: list items to their list, problems at one field together', () => {
    let error: unknown;
    try {
      validateOptions(manifest, { prot: 22, port: 'x', mode: 'slow', exclude: ['a', 3], ports: [1, 'two', 'three'], db: { user: 7 } });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'config' });
    expect((error as AppError).fields).toEqual({
      dir: 'missing required option',
      prot: 'unknown option (known: dir, port, ratio, halt, mode, exclude, ports, sudoPassword, db)',
      port: 'must be integer',
      mode: 'must be one of: "fast", "safe"',
      exclude: 'item 2 must be string',
      ports: 'item 2 must be integer; item 3 must be integer',
      'db.user': 'must be string',
    });
    // The message still says it all, for the command line.
    expect((error as AppError).message).toContain('option "ports.2" must be integer');
  });

  it('never puts an option’s value in the message', () => {
    const message = configError(() => validateOptions(manifest, { dir: '/srv', sudoPassword: 12345678 }));
    expect(message).toContain('option "sudoPassword" must be string');
    expect(message).not.toContain('12345678');
  });

  it('treats an option set to undefined as not given', () => {
    expect(validateOptions(manifest, { dir: '/srv', port: undefined })).toEqual({ dir: '/srv', port: 22, halt: false });
  });

  it('accepts the `secret` keyword in schemas', () => {
    expect(validateOptions(manifest, { dir: '/', sudoPassword: 'pw' })).toMatchObject({ sudoPassword: 'pw' });
  });
});

describe('coerceOptionStrings', () => {
  it('turns --opt strings into the types the schema asks for', () => {
    expect(
      coerceOptionStrings(options, {
        dir: '/srv/app',
        port: '2222',
        ratio: '0.5',
        halt: 'yes',
        exclude: 'logs, cache,,tmp',
        ports: ['80', '443'],
        unknown: 'kept',
      }),
    ).toEqual({ dir: '/srv/app', port: 2222, ratio: 0.5, halt: true, exclude: ['logs', 'cache', 'tmp'], ports: [80, 443], unknown: 'kept' });
    expect(coerceOptionStrings(options, { halt: 'off' })).toEqual({ halt: false });
  });

  it('takes repeated values whole, so an item may contain a comma', () => {
    expect(coerceOptionStrings(options, { exclude: ['a,b', 'c'] })).toEqual({ exclude: ['a,b', 'c'] });
  });

  it('leaves what does not parse for validation to report', () => {
    const coerced = coerceOptionStrings(options, { dir: '/x', port: '22.5', halt: 'maybe' });
    expect(coerced).toEqual({ dir: '/x', port: '22.5', halt: 'maybe' });
    const message = configError(() => validateOptions(manifest, coerced));
    expect(message).toContain('option "port" must be integer');
    expect(message).toContain('option "halt" must be boolean');
  });

  it('refuses a single-valued option given twice', () => {
    expect(() => coerceOptionStrings(options, { port: ['1', '2'] })).toThrow(
      expect.objectContaining({ code: 'usage', message: 'Option "port" was given 2 times; it takes one value.' }),
    );
  });
});

describe('secret options', () => {
  const values = { dir: '/srv', sudoPassword: 'pw-1', db: { user: 'app', password: 'pw-2' } };

  it('redactOptions replaces secrets, nested ones too, and keeps the rest', () => {
    expect(redactOptions(options, values)).toEqual({ dir: '/srv', sudoPassword: '***', db: { user: 'app', password: '***' } });
    expect(values.sudoPassword).toBe('pw-1');
  });

  it('secretValues lists the values to redact from logs', () => {
    expect(secretValues(options, values).sort()).toEqual(['pw-1', 'pw-2']);
    expect(secretValues(options, { dir: '/srv', sudoPassword: '' })).toEqual([]);
  });
});
