// The keys Airbyte's current acceptance-test config model accepts (../shared/reference/airbyte.md), and a check that finds any other.
// CAT loads acceptance-test-config.yml into pydantic models that forbid unknown keys: one stray key and no test runs.

/** What a value in the config may be. `opaque`: a section the reference names without listing its keys (never used here). */
export type Shape =
  | { kind: 'string' | 'boolean' | 'integer' | 'opaque' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; fields: Record<string, Shape>; exactlyOne?: readonly (readonly string[])[] }
  | { kind: 'list'; of: Shape }
  | { kind: 'map'; of: Shape };

const string: Shape = { kind: 'string' };
const boolean: Shape = { kind: 'boolean' };
const integer: Shape = { kind: 'integer' };
const opaque: Shape = { kind: 'opaque' };
const object = (fields: Record<string, Shape>, rules: { exactlyOne?: string[][] } = {}): Shape => ({
  kind: 'object',
  fields,
  ...rules,
});
const list = (of: Shape): Shape => ({ kind: 'list', of });
const deploymentMode: Shape = { kind: 'enum', values: ['cloud', 'oss'] };
const bypassed = object({ name: string, bypass_reason: string });
const backwardCompatibility = object({ previous_connector_version: string, disable_for_version: string });

/** A test section: `{bypass_reason}` or `{tests: [...]}`, never both. */
const section = (test: Record<string, Shape>): Shape =>
  object({ bypass_reason: string, tests: list(object(test)) }, { exactlyOne: [['bypass_reason', 'tests']] });

export const CAT_CONFIG_MODEL: Shape = object({
  connector_image: string,
  base_path: string,
  test_strictness_level: { kind: 'enum', values: ['high', 'low'] },
  custom_environment_variables: { kind: 'map', of: opaque },
  acceptance_tests: object({
    spec: section({
      spec_path: string,
      config_path: string,
      timeout_seconds: integer,
      deployment_mode: deploymentMode,
      backward_compatibility_tests_config: backwardCompatibility,
      auth_default_method: object({ oauth: boolean, bypass_reason: string }),
    }),
    connection: section({
      config_path: string,
      status: { kind: 'enum', values: ['succeed', 'failed', 'exception'] },
      timeout_seconds: integer,
      deployment_mode: deploymentMode,
    }),
    discovery: section({
      config_path: string,
      timeout_seconds: integer,
      deployment_mode: deploymentMode,
      backward_compatibility_tests_config: backwardCompatibility,
      validate_primary_keys_data_type: boolean,
    }),
    basic_read: section({
      config_path: string,
      deployment_mode: deploymentMode,
      configured_catalog_path: string,
      empty_streams: list(bypassed),
      // The older extra_fields and extra_records are gone from the model.
      expect_records: object({ path: string, bypass_reason: string, exact_order: boolean }, { exactlyOne: [['path', 'bypass_reason']] }),
      validate_schema: boolean,
      validate_stream_statuses: boolean,
      validate_state_messages: boolean,
      validate_primary_keys_data_type: boolean,
      fail_on_extra_columns: boolean,
      validate_data_points: boolean,
      expect_trace_message_on_failure: boolean,
      timeout_seconds: integer,
      file_types: opaque,
      client_container_config: opaque,
    }),
    full_refresh: section({
      config_path: string,
      configured_catalog_path: string,
      timeout_seconds: integer,
      deployment_mode: deploymentMode,
      ignored_fields: { kind: 'map', of: list(bypassed) },
      client_container_config: opaque,
    }),
    incremental: section({
      config_path: string,
      configured_catalog_path: string,
      // The older cursor_paths and threshold_days are gone from the model.
      future_state: object({
        future_state_path: string,
        missing_streams: list(bypassed),
        bypass_reason: string,
        cursor_format: object({ format: string, streams: list(object({ name: string, format: string })) }),
      }),
      timeout_seconds: integer,
      deployment_mode: deploymentMode,
      skip_comprehensive_incremental_tests: boolean,
      client_container_config: opaque,
    }),
    connector_attributes: section({
      timeout_seconds: integer,
      config_path: string,
      streams_without_primary_key: list(bypassed),
      allowed_hosts: object({ bypass_reason: string }),
      suggested_streams: object({ bypass_reason: string }),
    }),
    connector_documentation: section({ timeout_seconds: integer, config_path: string }),
    client_container_config: opaque,
  }),
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every place where `value` leaves the model: unknown keys, wrong types, values outside an enum, exclusive keys together. */
export function catConfigProblems(value: unknown, shape: Shape = CAT_CONFIG_MODEL, path = '(top level)'): string[] {
  switch (shape.kind) {
    case 'opaque':
      return [];
    case 'string':
      return typeof value === 'string' && value.trim() !== '' ? [] : [`${path} must be a non-empty string`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path} must be true or false`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path} must be an integer`];
    case 'enum':
      return shape.values.includes(value as string) ? [] : [`${path} must be one of ${shape.values.join(', ')}`];
    case 'list':
      if (!Array.isArray(value)) return [`${path} must be a list`];
      return value.flatMap((item, i) => catConfigProblems(item, shape.of, `${path}[${i}]`));
    case 'map':
      if (!isPlainObject(value)) return [`${path} must be a mapping`];
      return Object.entries(value).flatMap(([key, item]) => catConfigProblems(item, shape.of, `${path}.${key}`));
    case 'object': {
      if (!isPlainObject(value)) return [`${path} must be a mapping`];
      const problems: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const field = shape.fields[key];
        if (!field) problems.push(`${path}: unknown key "${key}" (CAT's model allows ${Object.keys(shape.fields).join(', ')})`);
        else problems.push(...catConfigProblems(item, field, path === '(top level)' ? key : `${path}.${key}`));
      }
      for (const keys of shape.exactlyOne ?? []) {
        const present = keys.filter((k) => k in value);
        if (present.length !== 1) problems.push(`${path} needs exactly one of ${keys.join(', ')} (has ${present.join(', ') || 'none'})`);
      }
      return problems;
    }
  }
}
