// The config validator as build-time code: ajv compiles schemas/spec.json once, when the connector is built (scripts/build.mjs).
// ajv's standalone module is CommonJS; under NodeNext its default export arrives as the module object.
import standalone from 'ajv/dist/standalone/index.js';
import { loadSpec } from './schemas.js';
import { createAjv } from './validation.js';

type SchemaNode = { properties?: Record<string, SchemaNode & { default?: unknown }>; oneOf?: SchemaNode[] };

/**
 * The source of a CommonJS module exporting the config's validate function, as ajv's standaloneCode writes it
 * (https://ajv.js.org/standalone.html): the build saves it as generated/config-validator.cjs, which config.ts loads,
 * so no command compiles a schema or loads ajv's compiler at start. It requires only two small files of ajv and
 * ajv-formats (the string length and date-time functions). useDefaults fills in absent options; verbose gives each
 * error its field's schema, whose pattern_descriptor words a pattern failure.
 */
export function configValidatorCode(): string {
  // ajv (strict) refuses a default inside oneOf, where it would not apply it anyway; the UI still shows it,
  // and the code reads an absent option field as its default.
  const schema = structuredClone(loadSpec().connectionSpecification) as SchemaNode;
  for (const option of schema.properties?.credentials?.oneOf ?? [])
    for (const field of Object.values(option.properties ?? {})) delete field.default;
  const ajv = createAjv({ useDefaults: true, verbose: true, standalone: true });
  return `// Generated from schemas/spec.json by scripts/build.mjs (config-schema.ts): do not edit by hand.\n${standalone.default(ajv, ajv.compile(schema))}`;
}
