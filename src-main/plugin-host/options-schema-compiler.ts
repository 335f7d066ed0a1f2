/**
 * One Ajv instance for plugins' option schemas (JSON Schema 2020-12), knowing the
 * `secret` and `builtinItems` keywords. Compiled validators are cached per schema object.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({
  allErrors: true,
  useDefaults: true,
  // Typos in a schema ("requird") are errors, but Ajv's type-consistency hints would only print noise.
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  // No format validators are bundled; `format` stays a hint for the UI.
  validateFormats: false,
  // Two plugins may reuse an `$id`; do not register schemas on the instance.
  addUsedSchema: false,
});
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
// Annotation only (see JsonSchemaProperty.builtinItems): what the plugin always adds.
ajv.addKeyword({ keyword: 'builtinItems', schemaType: 'array' });

const cache = new WeakMap<object, ValidateFunction>();

/** Compile (or reuse) the validator of an options schema; throws Ajv's error when it does not compile. */
export function compileOptionsSchema(schema: object): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}
