// The rules of Airbyte's connector acceptance tests (CAT) as pure checks that return the problems they find.
// Source of the rules: airbytehq/airbyte connector_acceptance_test/tests/test_core.py and test_incremental.py.
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../source-azure-client-credentials/validation.js';
import type { Message } from './connector.js';

type Schema = Record<string, any>;

/** CAT's secret_property_names fixture: a property with one of these names must be airbyte_secret when it can hold text. */
export const SECRET_PROPERTY_NAMES = [
  'client_token',
  'access_token',
  'api_token',
  'token',
  'secret',
  'client_secret',
  'password',
  'key',
  'service_account_info',
  'service_account',
  'tenant_id',
  'certificate',
  'jwt',
  'credentials',
  'app_id',
  'appid',
  'refresh_token',
];

/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];
/** Keywords whose value is one subschema. */
const SCHEMA_VALUES = ['items', 'not', 'if', 'then', 'else', 'additionalProperties', 'contains', 'propertyNames'];
/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];

const isObject = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Visits every subschema with its JSON-pointer-like path. Property NAMES are never mistaken for
 * keywords: a property called "not" is visited as a schema, not reported as the keyword.
 */
export function walkSchema(schema: Schema, visit: (node: Schema, path: string) => void, path = ''): void {
  if (!isObject(schema)) return;
  visit(schema, path);
  for (const key of SCHEMA_LISTS) {
    if (Array.isArray(schema[key]))
      for (const [i, sub] of (schema[key] as Schema[]).entries()) walkSchema(sub, visit, `${path}/${key}/${i}`);
  }
  for (const key of SCHEMA_VALUES) if (isObject(schema[key])) walkSchema(schema[key], visit, `${path}/${key}`);
  if (Array.isArray(schema.items))
    for (const [i, sub] of (schema.items as Schema[]).entries()) walkSchema(sub, visit, `${path}/items/${i}`);
  for (const key of SCHEMA_MAPS) {
    if (isObject(schema[key]))
      for (const [name, sub] of Object.entries(schema[key])) walkSchema(sub as Schema, visit, `${path}/${key}/${name}`);
  }
}

/** The keywords of `keywords` used anywhere in the schema (as keywords, not as property names). */
export function keywordsUsed(schema: Schema, keywords: string[]): string[] {
  const found: string[] = [];
  walkSchema(schema, (node, path) => {
    for (const keyword of keywords) if (keyword in node) found.push(`${path || '/'} uses ${keyword}`);
  });
  return found;
}

/** Every additionalProperties that is set must be true (CAT test_additional_properties_is_true). */
function additionalPropertiesProblems(schema: Schema): string[] {
  const problems: string[] = [];
  walkSchema(schema, (node, path) => {
    if ('additionalProperties' in node && node.additionalProperties !== true)
      problems.push(`${path || '/'}: additionalProperties must be true when set`);
  });
  return problems;
}

const typesOf = (node: Schema): string[] => (Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type]);

/** CAT _property_can_store_secret: a string, integer or number that is not a const. */
const canStoreSecret = (node: Schema): boolean => typesOf(node).some((t) => ['string', 'integer', 'number'].includes(t)) && !node.const;

/**
 * CAT's spec rules (TestSpec in test_core.py) for a connectionSpecification: secrets marked both ways,
 * oneOf shape, distinct enums, one type or [type, "null"], no empty objects, array items, forbidden
 * keywords, unique order per group, groups only at the top, display_type, no $ref, additionalProperties true.
 */
export function specProblems(spec: Schema): string[] {
  const problems: string[] = [];
  walkSchema(spec, (node, path) => {
    if (Array.isArray(node.enum) && new Set(node.enum).size !== node.enum.length) problems.push(`${path}: enum has duplicate values`);

    if (Array.isArray(node.oneOf) || Array.isArray(node.anyOf)) {
      const variants: Schema[] = node.oneOf ?? node.anyOf;
      if (node.type !== 'object') problems.push(`${path}: a oneOf must sit on a type "object" property`);
      if (!variants.every((v) => isObject(v.properties))) problems.push(`${path}: every oneOf item must be an object with properties`);
      else {
        const common = Object.keys(variants[0]!.properties).filter((name) => variants.every((v) => name in v.properties));
        const constant = common.filter((name) => variants.every((v) => 'const' in v.properties[name]));
        if (constant.length !== 1)
          problems.push(`${path}: the oneOf items need exactly one common property with const (found ${constant.length})`);
        for (const name of constant) {
          for (const [i, v] of variants.entries()) {
            const prop = v.properties[name];
            if ('default' in prop && prop.default !== prop.const) problems.push(`${path}/oneOf/${i}/${name}: default differs from const`);
            if ('enum' in prop && !(prop.enum.length === 1 && prop.enum[0] === prop.const))
              problems.push(`${path}/oneOf/${i}/${name}: enum differs from [const]`);
          }
        }
      }
    }

    if (Array.isArray(node.type) && !(node.type.length === 1 || (node.type.length === 2 && node.type[1] === 'null'))) {
      problems.push(`${path}: type must be one type or [type, "null"], not ${JSON.stringify(node.type)}`);
    }
    if (path !== '' && node.type === 'object' && !node.oneOf && (!isObject(node.properties) || Object.keys(node.properties).length === 0)) {
      problems.push(`${path}: an object needs properties for the UI to show it`);
    }
    if (node.type === 'array' && node.items !== undefined) {
      if (Array.isArray(node.items)) problems.push(`${path}: items must be one schema`);
      else if (!['object', 'string', 'number', 'integer'].includes(node.items.type) && !('enum' in node.items)) {
        problems.push(`${path}: array items must be object, string, number, integer or an enum`);
      }
    }
    if (node.type === 'object' && isObject(node.properties)) {
      const orders = new Map<string, Set<number>>();
      for (const [name, prop] of Object.entries<Schema>(node.properties)) {
        if (prop.order === undefined) continue;
        const group = orders.get(prop.group ?? '') ?? new Set<number>();
        if (group.has(prop.order)) problems.push(`${path}/properties/${name}: order ${prop.order} repeats in its group`);
        group.add(prop.order);
        orders.set(prop.group ?? '', group);
      }
    }
    if ('group' in node && !/^\/properties\/[^/]+$/.test(path)) problems.push(`${path}: group is allowed on top-level properties only`);
    if ('display_type' in node && (!node.oneOf || !['dropdown', 'radio'].includes(node.display_type))) {
      problems.push(`${path}: display_type needs a oneOf and must be dropdown or radio`);
    }
    if (isObject(node.properties)) {
      for (const [name, prop] of Object.entries<Schema>(node.properties)) {
        if (!SECRET_PROPERTY_NAMES.includes(name.toLowerCase()) || prop.type === undefined) continue;
        const marked = prop.airbyte_secret === true;
        if (marked && !canStoreSecret(prop))
          problems.push(`${path}/properties/${name}: marked airbyte_secret but cannot hold a secret (CAT fails this)`);
        if (!marked && canStoreSecret(prop))
          problems.push(`${path}/properties/${name}: a secret-like name that is not marked airbyte_secret`);
      }
    }
  });
  problems.push(
    ...keywordsUsed(spec, [
      'not',
      'anyOf',
      'patternProperties',
      'prefixItems',
      'allOf',
      'if',
      'then',
      'else',
      'dependentSchemas',
      'dependentRequired',
      '$ref',
    ]),
  );
  problems.push(...additionalPropertiesProblems(spec));
  return problems;
}

/** The schema node at a path of property names (a primary key or cursor), or undefined. */
export function propertyAt(schema: Schema, path: string[]): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const name of path) node = isObject(node?.properties) ? node.properties[name] : undefined;
  return node;
}

export interface DiscoveredStream {
  name: string;
  json_schema: Schema;
  supported_sync_modes?: string[];
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
}

/**
 * CAT's discovery rules (TestDiscovery): unique names, sync modes, a draft-07 schema that ajv compiles
 * (with Airbyte's keywords), no $ref / allOf / not, additionalProperties true where set, primary key and
 * cursor fields in properties, primary key parts neither arrays nor objects.
 */
export function catalogProblems(streams: DiscoveredStream[]): string[] {
  const problems: string[] = [];
  const names = streams.map((s) => s.name);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) problems.push(`stream names repeat: ${repeated.join(', ')}`);
  if (streams.length === 0) problems.push('the catalog has no streams');
  const ajv = createAjv();
  for (const stream of streams) {
    const where = `stream ${stream.name}`;
    if (!stream.supported_sync_modes?.length) problems.push(`${where}: supported_sync_modes is empty`);
    try {
      ajv.compile(stream.json_schema);
    } catch (error) {
      problems.push(`${where}: json_schema does not compile as draft-07: ${(error as Error).message}`);
    }
    const declared = stream.json_schema.$schema;
    if (declared !== undefined && !String(declared).includes('draft-07')) problems.push(`${where}: $schema ${declared} is not draft-07`);
    problems.push(...keywordsUsed(stream.json_schema, ['$ref', 'allOf', 'not']).map((p) => `${where}: ${p}`));
    problems.push(...additionalPropertiesProblems(stream.json_schema).map((p) => `${where}: ${p}`));
    for (const key of stream.source_defined_primary_key ?? []) {
      const node = propertyAt(stream.json_schema, key);
      if (!node) problems.push(`${where}: primary key ${key.join('.')} is not in the schema's properties`);
      else if (typesOf(node).some((t) => t === 'array' || t === 'object'))
        problems.push(`${where}: primary key ${key.join('.')} is of type ${JSON.stringify(node.type)}`);
    }
    if (stream.default_cursor_field && !propertyAt(stream.json_schema, stream.default_cursor_field)) {
      problems.push(`${where}: cursor ${stream.default_cursor_field.join('.')} is not in the schema's properties`);
    }
  }
  return problems;
}

/** Validators (formats included) for each stream's schema: records are checked the way CAT's verify_records_schema does. */
export function recordValidators(streams: DiscoveredStream[]): Map<string, ValidateFunction> {
  const ajv = createAjv();
  return new Map(streams.map((s) => [s.name, ajv.compile(s.json_schema)]));
}

/**
 * A record's problems: invalid against its schema (formats included), top-level fields the schema
 * lacks (CAT fail_on_extra_columns), a primary key part missing, null, an array or an object.
 */
export function recordProblems(record: Schema, stream: DiscoveredStream, validate: ValidateFunction): string[] {
  const problems: string[] = [];
  if (!validate(record)) problems.push(`invalid: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  const known = Object.keys(stream.json_schema.properties ?? {});
  const extra = Object.keys(record).filter((field) => !known.includes(field));
  if (extra.length) problems.push(`fields not in the schema: ${extra.join(', ')}`);
  for (const key of stream.source_defined_primary_key ?? []) {
    const value = key.reduce<any>((data, name) => (isObject(data) ? data[name] : undefined), record);
    if (value === undefined || value === null) problems.push(`primary key ${key.join('.')} is missing or null`);
    else if (typeof value === 'object') problems.push(`primary key ${key.join('.')} is an ${Array.isArray(value) ? 'array' : 'object'}`);
  }
  return problems;
}

/** The primary key of a record as one comparable string. */
export const primaryKeyOf = (record: Schema, key: string[][]): string =>
  JSON.stringify(key.map((path) => path.reduce<any>((data, name) => (isObject(data) ? data[name] : undefined), record)));

/** The per-stream states CAT passes back: the latest stream_state of each stream, as a state file. */
export function latestStates(states: Message[]): object[] {
  const latest = new Map<string, unknown>();
  for (const message of states) latest.set(message.state.stream.stream_descriptor.name, message.state.stream.stream_state);
  return [...latest].map(([name, state]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } }));
}
