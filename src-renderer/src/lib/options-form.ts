/**
 * A target's add/edit form, generated from its plugin's options schema: which fields, of what
 * kind, with their help text; turning typed values back into options; and placing the
 * problems main reports for each field (a failed save's `fields`) at those fields.
 */
import { errorMessage } from '../../../src-main/shared/app-error.js';
import { IpcCallError } from '../../../src-main/shared/ipc-contract.js';

/** The part of a JSON Schema property the form understands. */
interface SchemaProperty {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly secret?: boolean;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly items?: SchemaProperty;
  readonly properties?: Readonly<Record<string, SchemaProperty>>;
  readonly required?: readonly string[];
  readonly builtinItems?: readonly unknown[];
}

export type FieldKind = 'string' | 'secret' | 'integer' | 'number' | 'boolean' | 'list' | 'group';

export interface FormField {
  /** Dotted path of the option, e.g. `ssh.host`. */
  readonly key: string;
  /** The option's own name, the field's label. */
  readonly label: string;
  readonly kind: FieldKind;
  readonly description?: string;
  /** Required within its group (the label's asterisk). */
  readonly required: boolean;
  /**
   * Required whatever else is filled: required, and so is every group around it. `ssh.host`
   * is required only when `ssh` is used, so the browser must not demand it on its own.
   */
  readonly alwaysRequired: boolean;
  readonly defaultValue?: unknown;
  /** For lists: what the plugin always adds, shown read-only beside the field. */
  readonly builtinItems?: readonly string[];
  /** For groups (nested objects such as `ssh`): their fields. */
  readonly fields?: readonly FormField[];
}

function mainType(prop: SchemaProperty): string | undefined {
  if (typeof prop.type === 'string') return prop.type;
  return prop.type?.find((t) => t !== 'null');
}

function kindOf(prop: SchemaProperty): FieldKind {
  switch (mainType(prop)) {
    case 'object':
      return 'group';
    case 'array':
      return 'list';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    default:
      return prop.secret ? 'secret' : 'string';
  }
}

/** The fields of an options schema, in the schema's order. */
export function fieldsOf(schema: Readonly<Record<string, unknown>> | undefined, prefix = '', groupRequired = true): FormField[] {
  const object = (schema ?? {}) as SchemaProperty;
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, prop]) => {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const kind = kindOf(prop);
    return {
      key,
      label: name,
      kind,
      description: prop.description,
      required: required.has(name),
      alwaysRequired: groupRequired && required.has(name),
      defaultValue: prop.default,
      builtinItems: prop.builtinItems?.map(String),
      fields: kind === 'group' ? fieldsOf(prop as Record<string, unknown>, key, groupRequired && required.has(name)) : undefined,
    };
  });
}

/** What the form edits: strings for text inputs, booleans for checkboxes, one line per list item. */
export type FormValues = Record<string, string | boolean>;

/** The form's starting values from a target's options (secrets arrive as `***`, kept unless retyped). */
export function valuesFrom(fields: readonly FormField[], options: Readonly<Record<string, unknown>>): FormValues {
  const out: FormValues = {};
  for (const field of fields) {
    const value = field.key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], options);
    if (field.kind === 'group') Object.assign(out, valuesFrom(field.fields ?? [], options));
    else if (field.kind === 'boolean') out[field.key] = typeof value === 'boolean' ? value : field.defaultValue === true;
    else if (field.kind === 'list') out[field.key] = Array.isArray(value) ? value.map(String).join('\n') : '';
    else out[field.key] = value === undefined || value === null ? '' : String(value);
  }
  return out;
}

/**
 * Options from the form's values: empty fields are left out (the plugin's default applies),
 * a group with nothing filled is left out, and a checkbox is sent only when it differs
 * from the schema's default. Numbers that do not parse are sent as typed, so main's
 * validation names the field.
 */
export function optionsFrom(fields: readonly FormField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.key];
    switch (field.kind) {
      case 'group': {
        const inner = optionsFrom(field.fields ?? [], values);
        if (Object.keys(inner).length > 0) out[field.label] = inner;
        break;
      }
      case 'boolean':
        if (value === true || (value === false && field.defaultValue === true)) out[field.label] = value;
        break;
      case 'list': {
        const items = String(value ?? '').split('\n').map((s) => s.trim()).filter((s) => s !== '');
        if (items.length > 0) out[field.label] = items;
        break;
      }
      case 'integer':
      case 'number': {
        const text = String(value ?? '').trim();
        if (text === '') break;
        const n = Number(text);
        out[field.label] = Number.isFinite(n) && (field.kind === 'number' || Number.isInteger(n)) ? n : text;
        break;
      }
      case 'string':
      case 'secret': {
        const text = String(value ?? '');
        if (text !== '') out[field.label] = text;
        break;
      }
    }
  }
  return out;
}

/**
 * Where to show a failed save: each of main's field problems (the error's `fields`, keyed by
 * dotted option path or `name`) at its field; what no field of this form shows (an option
 * the form does not have, the options as a whole) and errors without fields under `''`.
 */
export function fieldErrorsOf(error: unknown, fields: readonly FormField[]): Record<string, string> {
  const message = errorMessage(error);
  const problems = error instanceof IpcCallError ? error.fields : undefined;
  if (problems === undefined) return { '': message };
  const shown = new Set(['name', ...keysOf(fields)]);
  const out: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const [key, problem] of Object.entries(problems)) {
    if (shown.has(key)) out[key] = problem;
    else elsewhere.push(key === '' ? `The options: ${problem}` : `Option "${key}": ${problem}`);
  }
  if (elsewhere.length > 0) out[''] = elsewhere.join('; ');
  // Fields that say nothing would leave the operator with no reason at all.
  return Object.keys(out).length > 0 ? out : { '': message };
}

function keysOf(fields: readonly FormField[]): string[] {
  return fields.flatMap((f) => [f.key, ...keysOf(f.fields ?? [])]);
}

/** Where a target's plugin connects: its `ssh.host`, or this machine. */
export function hostOf(options: Readonly<Record<string, unknown>>): string {
  const ssh = options.ssh as Record<string, unknown> | undefined;
  return typeof ssh?.host === 'string' && ssh.host !== '' ? ssh.host : 'this machine';
}
