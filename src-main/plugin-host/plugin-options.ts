/**
 * A target's options against its plugin's schema: validation with defaults and messages
 * an operator can act on, coercion of `--opt key=value` strings from the command line,
 * and redaction of the options marked `secret`.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { AppError } from '../shared/app-error.js';
import type { JsonSchemaObject, JsonSchemaProperty, PluginManifest } from './plugin-api.js';
import { compileOptionsSchema } from './options-schema-compiler.js';

/** What a secret option shows as in manifests, logs and listings. */
export const REDACTED_VALUE = '***';

/**
 * Check `options` against the plugin's schema and return a copy with defaults applied.
 * Throws AppError('config') naming every bad option at once, in its message and, for a
 * form, in its `fields` (each problem at the option's dotted path; list items at the list).
 */
export function validateOptions(manifest: PluginManifest, options: Record<string, unknown>): Record<string, unknown> {
  let validate;
  try {
    validate = compileOptionsSchema(manifest.options);
  } catch (e) {
    throw new AppError('config', `Plugin "${manifest.id}" has an options schema that does not compile; report it to the plugin's author.`, { cause: e });
  }
  // An option set to undefined (an unset field in a form) is an option not given.
  const copy = structuredClone(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  if (validate(copy)) return copy;
  const problems = (validate.errors ?? []).map((err) => describeError(err, manifest.options));
  const byField = new Map<string, Set<string>>();
  for (const { field, atField } of problems) byField.set(field, (byField.get(field) ?? new Set()).add(atField));
  const fields = Object.fromEntries([...byField].map(([field, said]) => [field, [...said].join('; ')]));
  throw new AppError(
    'config',
    `Options for plugin "${manifest.id}" are not valid: ${[...new Set(problems.map((p) => p.inMessage))].join('; ')}. Fix the target's options and try again.`,
    { fields },
  );
}

/**
 * One problem, said twice: in the message, naming the option (`option "exclude.0" must be
 * string`), and at the form field it belongs to (`exclude`: `item 1 must be string`).
 */
interface OptionProblem {
  /** The field's dotted path: list items belong to their list; '' is the options as a whole. */
  readonly field: string;
  readonly inMessage: string;
  readonly atField: string;
}

function describeError(err: ErrorObject, schema: JsonSchemaObject): OptionProblem {
  const at = optionName(err.instancePath);
  const where = at === '' ? 'the options' : `option "${at}"`;
  const params = err.params as Record<string, unknown>;
  const field = fieldOf(at);
  // Said at a list's field, a problem with one of its items says which item.
  const item = itemOf(at);
  const subject = item === undefined ? '' : `item ${item + 1} `;
  switch (err.keyword) {
    case 'required': {
      const name = joinName(at, String(params.missingProperty));
      return { field: fieldOf(name), inMessage: `missing required option "${name}"`, atField: 'missing required option' };
    }
    case 'additionalProperties': {
      const name = joinName(at, String(params.additionalProperty));
      const known = at === '' ? Object.keys(schema.properties ?? {}) : [];
      const list = known.length > 0 ? ` (known: ${known.join(', ')})` : '';
      return { field: fieldOf(name), inMessage: `unknown option "${name}"${list}`, atField: `unknown option${list}` };
    }
    case 'type': {
      const problem = `must be ${String(params.type).replace(/,/g, ' or ')}`;
      return { field, inMessage: `${where} ${problem}`, atField: `${subject}${problem}` };
    }
    case 'enum': {
      const problem = `must be one of: ${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
      return { field, inMessage: `${where} ${problem}`, atField: `${subject}${problem}` };
    }
    default: {
      const problem = err.message ?? 'is not valid';
      return { field, inMessage: `${where} ${problem}`, atField: `${subject}${problem}` };
    }
  }
}

/** `exclude.0` → `exclude`, `hosts.2.port` → `hosts.port`: the form has one field per list. */
function fieldOf(name: string): string {
  return name
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .join('.');
}

/** The index of the list item `name` is in (the last one), if any. */
function itemOf(name: string): number | undefined {
  const indexes = name.split('.').filter((part) => /^\d+$/.test(part));
  return indexes.length > 0 ? Number(indexes[indexes.length - 1]) : undefined;
}

/** `/paths/0` → `paths.0`: the name an operator typed. */
function optionName(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function joinName(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}

/**
 * Turn command-line strings into typed option values by the schema: numbers, integers,
 * booleans (true/false, yes/no, on/off, 1/0), and arrays (repeated keys, each value taken
 * whole, or one comma-separated value). Values that do not parse are left as strings so
 * {@link validateOptions} reports them with the other problems. A scalar option given more
 * than once is an AppError('usage').
 */
export function coerceOptionStrings(
  schema: JsonSchemaObject,
  raw: Readonly<Record<string, string | readonly string[]>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const prop = schema.properties?.[key];
    const type = mainType(prop);
    const values = typeof value === 'string' ? [value] : [...value];
    if (type === 'array') {
      const itemType = mainType(prop?.items as JsonSchemaProperty | undefined);
      const parts = values.length === 1 ? splitList(values[0] as string) : values;
      out[key] = parts.map((part) => coerceScalar(part, itemType));
      continue;
    }
    if (values.length !== 1) {
      throw new AppError('usage', `Option "${key}" was given ${values.length} times; it takes one value.`);
    }
    out[key] = coerceScalar(values[0] as string, type);
  }
  return out;
}

function mainType(prop: JsonSchemaProperty | undefined): string | undefined {
  const type = prop?.type;
  if (typeof type === 'string') return type;
  return type?.find((t) => t !== 'null');
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function coerceScalar(value: string, type: string | undefined): unknown {
  const text = value.trim();
  switch (type) {
    case 'integer':
      return /^[+-]?\d+$/.test(text) ? Number(text) : value;
    case 'number': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(lower)) return true;
      if (['false', 'no', 'off', '0'].includes(lower)) return false;
      return value;
    }
    case 'null':
      return text === 'null' || text === '' ? null : value;
    default:
      return value;
  }
}

/** A copy of `options` with every secret option (at any depth) replaced by `***`. */
export function redactOptions(schema: JsonSchemaObject, options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const prop = schema.properties?.[key];
    if (prop?.secret === true && value !== undefined && value !== null) out[key] = REDACTED_VALUE;
    else if (isNestedObject(prop, value)) out[key] = redactOptions(prop as JsonSchemaObject, value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

/** The values of the secret options (at any depth), for the job log's redactor. */
export function secretValues(schema: JsonSchemaObject, options: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const prop = schema.properties?.[key];
    if (prop?.secret === true) {
      if (typeof value === 'string' || typeof value === 'number') {
        if (String(value) !== '') out.push(String(value));
      } else if (Array.isArray(value)) {
        for (const v of value) if (typeof v === 'string' && v !== '') out.push(v);
      }
    } else if (isNestedObject(prop, value)) {
      out.push(...secretValues(prop as JsonSchemaObject, value as Record<string, unknown>));
    }
  }
  return out;
}

function isNestedObject(prop: JsonSchemaProperty | undefined, value: unknown): boolean {
  return (
    prop !== undefined &&
    typeof prop.properties === 'object' &&
    prop.properties !== null &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value)
  );
}
