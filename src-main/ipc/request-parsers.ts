import { AppError } from '../shared/app-error.js';

/**
 * Checks what a renderer sent and returns it typed, or throws AppError('usage'). The
 * renderer is ours, but its input still crosses a process boundary: never trust its shape.
 */
export type RequestParser<T> = (input: unknown) => T;

/** For channels that take no argument. */
export const noRequest: RequestParser<void> = (input) => {
  if (input !== undefined) {
    throw new AppError('usage', 'This call takes no argument; the request was rejected.');
  }
};

type FieldKind = 'text' | 'string' | 'boolean' | 'number' | 'string[]' | 'object';
interface FieldSpec {
  readonly kind: FieldKind;
  readonly optional?: boolean;
}
type FieldValue<S extends FieldSpec> = S['kind'] extends 'string' | 'text'
  ? string
  : S['kind'] extends 'boolean'
    ? boolean
    : S['kind'] extends 'number'
      ? number
      : S['kind'] extends 'string[]'
        ? readonly string[]
        : Readonly<Record<string, unknown>>;
type Parsed<F extends Record<string, FieldSpec>> = {
  readonly [K in keyof F as F[K]['optional'] extends true ? never : K]: FieldValue<F[K]>;
} & {
  readonly [K in keyof F as F[K]['optional'] extends true ? K : never]?: FieldValue<F[K]>;
};

const KIND_WORDS: Record<FieldKind, string> = {
  text: 'a string',
  string: 'a non-empty string',
  boolean: 'true or false',
  number: 'a number',
  'string[]': 'a list of non-empty strings',
  object: 'an object',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function matches(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'text':
      return typeof v === 'string';
    case 'string':
      return typeof v === 'string' && v !== '';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '');
    case 'object':
      return isRecord(v);
  }
}

/**
 * A parser for an object request with exactly these fields: a missing required field, a
 * field of the wrong type or an unknown field is rejected, naming the field.
 */
export function objectRequest<F extends Record<string, FieldSpec>>(what: string, fields: F): RequestParser<Parsed<F>> {
  return (input) => {
    if (!isRecord(input)) {
      throw new AppError('usage', `${what} takes an object with ${describeFields(fields)}; the request was rejected.`);
    }
    for (const key of Object.keys(input)) {
      if (!(key in fields)) throw new AppError('usage', `${what}: "${key}" is not a known field (expected ${Object.keys(fields).join(', ')}).`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(fields)) {
      const v = input[key];
      if (v === undefined) {
        if (!spec.optional) throw new AppError('usage', `${what}: "${key}" is missing; it must be ${KIND_WORDS[spec.kind]}.`);
        continue;
      }
      if (!matches(spec.kind, v)) throw new AppError('usage', `${what}: "${key}" must be ${KIND_WORDS[spec.kind]}.`);
      out[key] = v;
    }
    return out as Parsed<F>;
  };
}

function describeFields(fields: Record<string, FieldSpec>): string {
  return Object.entries(fields)
    .map(([k, s]) => `${k}${s.optional ? '?' : ''}`)
    .join(', ');
}

export const str = { kind: 'string' } as const;
export const optStr = { kind: 'string', optional: true } as const;
/** A string that may be empty (a folder inside an archive, '' for the top). */
export const optText = { kind: 'text', optional: true } as const;
export const optBool = { kind: 'boolean', optional: true } as const;
export const bool = { kind: 'boolean' } as const;
export const optNum = { kind: 'number', optional: true } as const;
export const strList = { kind: 'string[]' } as const;
export const obj = { kind: 'object' } as const;
export const optObj = { kind: 'object', optional: true } as const;
