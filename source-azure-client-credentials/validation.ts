// One configured ajv instance (draft-07, formats, Airbyte's UI keywords) for config and record checks.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Keywords Airbyte's UI reads; they carry no validation meaning. */
const AIRBYTE_KEYWORDS = [
  'airbyte_secret',
  'airbyte_hidden',
  'airbyte_type',
  'order',
  'group',
  'groups',
  'pattern_descriptor',
  'multiline',
  'always_show',
  'display_type',
  'examples',
];

/**
 * useDefaults fills in absent fields; verbose adds each error's schema (parentSchema) for messages that quote it;
 * standalone keeps each compiled function's source for ajv's standaloneCode (a CommonJS module; ajv-formats points
 * it at its own table of format functions), so a validator can be generated at build time and ajv never compiles at
 * run time.
 */
export function createAjv(options: { useDefaults?: boolean; verbose?: boolean; standalone?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    useDefaults: options.useDefaults ?? false,
    verbose: options.verbose ?? false,
    ...(options.standalone ? { code: { source: true } } : {}),
  });
  addFormats(ajv);
  ajv.addVocabulary(AIRBYTE_KEYWORDS.filter((k) => k !== 'examples'));
  return ajv;
}

export type { ErrorObject, ValidateFunction };
