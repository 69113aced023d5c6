// Generates invalid configs, catalogs and states (each with the outcome the connector owes it), for the bad-input suite.
import { catalogOf, FAKE_SECRET, validConfig } from './fixtures.js';

/** 1 MB: far beyond any field's limit, to prove no input is echoed whole or breaks the connector. */
export const HUGE = 'x'.repeat(1024 * 1024);

export type Command = 'check' | 'discover' | 'read';

export interface BadInput {
  name: string;
  command: Command;
  /** An object is written as JSON; a string is written as the file's raw contents. */
  config: unknown;
  catalog?: unknown;
  state?: unknown;
  /** Extra CLI arguments (e.g. a config path that does not exist, instead of `config`). */
  args?: string[];
  /** Text the refusal must contain: the field (or file, catalog entry, state entry) that is wrong. */
  names: string;
}

/** One fault in a valid config; `names` is the field the refusal must name. */
type Mutation = { name: string; apply: (config: Record<string, any>) => unknown; names: string };

const set =
  (path: string, value: unknown): ((c: Record<string, any>) => unknown) =>
  (config) => {
    const keys = path.split('.');
    let target = config;
    for (const key of keys.slice(0, -1)) target = target[key];
    target[keys.at(-1)!] = value;
    return config;
  };
const remove =
  (path: string): ((c: Record<string, any>) => unknown) =>
  (config) => {
    const keys = path.split('.');
    let target = config;
    for (const key of keys.slice(0, -1)) target = target[key];
    delete target[keys.at(-1)!];
    return config;
  };
const describeValue = (value: unknown) =>
  typeof value === 'string' ? (value.length > 40 ? `${value.length}-char string` : JSON.stringify(value)) : JSON.stringify(value);

/** Every value in `values` set at `path`, one mutation each. */
const each = (path: string, values: unknown[]): Mutation[] =>
  values.map((value) => ({ name: `${path} = ${describeValue(value)}`, apply: set(path, value), names: path }));

const WRONG_TYPES_STRING = [123, null, true, [], {}];

/** Configs that break the spec (or its documented rules), one fault each. */
export function invalidConfigs(): Mutation[] {
  return [
    // Missing required fields.
    ...['tenant_id', 'client_id', 'credentials', 'credentials.auth_type', 'credentials.client_secret'].map((path) => ({
      name: `missing ${path}`,
      apply: remove(path),
      names: path,
    })),
    // Wrong types.
    ...each('tenant_id', WRONG_TYPES_STRING),
    ...each('client_id', WRONG_TYPES_STRING),
    ...each('credentials', ['client_secret', 5, null, []]),
    ...each('credentials.client_secret', [5, null, {}, [FAKE_SECRET]]),
    ...each('credentials.auth_type', ['password', 5, null]),
    // A certificate credential without its certificate: the missing field is what is wrong.
    { name: 'credentials.auth_type = "certificate"', apply: set('credentials.auth_type', 'certificate'), names: 'credentials.certificate' },
    ...each('include_guests', ['yes', 1, null]),
    ...each('include_sign_in_activity', ['no', 0]),
    ...each('domain_names', [5, ['contoso.com'], { domain: 'contoso.com' }]),
    ...each('sign_in_lookback_minutes', [-1, 1441, 1.5, '10', null]),
    ...each('cloud', ['mars', 'Global', 5, '']),
    ...each('max_concurrent_requests', [0, 17, 'four', 2.5]),
    ...each('use_batch_requests', ['true', 1]),
    ...each('reports_requests_per_10_seconds', [0, 6, '5']),
    ...each('delta_full_resync_days', [-1, 366, 1.5, '7', null]),
    ...each('additional_user_properties', [
      'onPremisesSamAccountName',
      5,
      null,
      { name: 'mail' },
      [5],
      [null],
      [''],
      Array(101).fill('city'),
    ]),
    // Names that are no listable v1.0 user property and no directory extension: the refusal names the name itself.
    ...[
      'birthday',
      'mailboxSettings',
      'manager',
      'signInActivity',
      'notAProperty',
      'extension_1234_costCenter',
      'extension_b7d8e6f1-a2c3-4d5e-9f0a-1b2c3d4e5f6a_costCenter',
    ].map((name) => ({
      name: `additional_user_properties = ["city", ${JSON.stringify(name)}]`,
      apply: set('additional_user_properties', ['city', name]),
      names: `additional_user_properties: "${name}"`,
    })),
    // Malformed GUIDs and tenant domains.
    ...each('client_id', [
      '',
      ' ',
      'not-a-guid',
      '00000000-0000-4000-8000-00000000000',
      '00000000-0000-4000-8000-0000000000022',
      'g0000000-0000-4000-8000-000000000002',
      '{00000000-0000-4000-8000-000000000002}',
      ' 00000000-0000-4000-8000-000000000002',
      '000000000000400080000000000000000002',
      'contoso.onmicrosoft.com',
    ]),
    ...each('tenant_id', [
      '',
      ' ',
      'contoso',
      'contoso.',
      '-contoso.com',
      'contoso..com',
      'https://contoso.com',
      'contoso.com/tenant',
      'contoso_tenant.com',
      '00000000-0000-4000-8000-00000000000g',
      `${'a'.repeat(64)}.com`,
      'contoso.c',
    ]),
    ...each('domain_names', [
      'not a domain!',
      'contoso',
      'contoso..com',
      'http://contoso.com',
      'contoso.com, foo_bar.com',
      '*.contoso.com',
      `${'a'.repeat(300)}.com`,
      'contoso.com;-fabrikam.com',
    ]),
    ...each('start_date', [
      '',
      'yesterday',
      '2026-13-45T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-01-01',
      '2026-01-01T00:00:00+01:00',
      20260101,
      null,
    ]),
    ...each('credentials.client_secret', ['', 'y'.repeat(1025)]),
    // Huge strings in every string field.
    ...['tenant_id', 'client_id', 'credentials.client_secret', 'credentials.auth_type', 'domain_names', 'start_date', 'cloud'].map(
      (path) => ({
        name: `${path} = 1 MB string`,
        apply: set(path, HUGE),
        names: path,
      }),
    ),
  ];
}

const NOT_JSON = 'config.json is not valid JSON';
const NOT_AN_OBJECT = 'The config must be a JSON object';

/** Config files that are not a JSON object at all (raw contents), and what the refusal must say about the file. */
export const RAW_CONFIGS: Array<{ name: string; contents: string; names: string }> = [
  { name: 'empty file', contents: '', names: NOT_JSON },
  { name: 'not JSON', contents: 'tenant_id: contoso', names: NOT_JSON },
  { name: 'truncated JSON', contents: '{"tenant_id": "00000000-', names: NOT_JSON },
  { name: 'JSON array', contents: '[]', names: NOT_AN_OBJECT },
  { name: 'JSON null', contents: 'null', names: NOT_AN_OBJECT },
  { name: 'JSON number', contents: '42', names: NOT_AN_OBJECT },
  { name: 'JSON string', contents: '"config"', names: NOT_AN_OBJECT },
  { name: '1 MB of garbage', contents: `{${HUGE}`, names: NOT_JSON },
];

const SIGN_INS_INCREMENTAL = { name: 'sign_ins', sync_mode: 'incremental', cursor_field: ['createdDateTime'] };
const stream = (name: string, extra: Record<string, unknown> = {}) => ({
  stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
  sync_mode: 'full_refresh',
  destination_sync_mode: 'append',
  ...extra,
});

const NO_STREAMS = 'it must be an object with a "streams" array';
const NO_STREAM_OBJECT = 'entry 0 has no "stream" object';
const NO_STREAM_NAME = 'entry 0 has no stream name';

/** Configured catalogs that read cannot run (each with a valid config), and the entry or stream the refusal must name. */
export const INVALID_CATALOGS: Array<{ name: string; catalog: unknown; names: string }> = [
  { name: 'not JSON', catalog: 'streams: users', names: 'catalog.json is not valid JSON' },
  { name: 'JSON array', catalog: '[]', names: NO_STREAMS },
  { name: 'JSON null', catalog: 'null', names: NO_STREAMS },
  { name: 'no streams', catalog: {}, names: NO_STREAMS },
  { name: 'streams is an object', catalog: { streams: {} }, names: NO_STREAMS },
  { name: 'stream entry is a number', catalog: { streams: [5] }, names: NO_STREAM_OBJECT },
  { name: 'stream entry is empty', catalog: { streams: [{}] }, names: NO_STREAM_OBJECT },
  { name: 'stream is a string', catalog: { streams: [{ stream: 'users', sync_mode: 'full_refresh' }] }, names: NO_STREAM_OBJECT },
  {
    name: 'stream without a name',
    catalog: { streams: [{ stream: { json_schema: {} }, sync_mode: 'full_refresh' }] },
    names: NO_STREAM_NAME,
  },
  { name: 'stream name is a number', catalog: { streams: [stream('users', { stream: { name: 5 } })] }, names: NO_STREAM_NAME },
  { name: 'unknown stream "calendars"', catalog: catalogOf([{ name: 'calendars' }]), names: 'stream "calendars" does not exist' },
  { name: 'unknown stream "Users" (case)', catalog: catalogOf([{ name: 'Users' }]), names: 'stream "Users" does not exist' },
  { name: 'empty stream name', catalog: catalogOf([{ name: '' }]), names: 'stream "" does not exist' },
  { name: 'stream name of 1 MB', catalog: catalogOf([{ name: HUGE }]), names: 'stream "xxxxxxxxxx' },
  {
    name: 'unknown stream among known ones',
    catalog: catalogOf([{ name: 'users' }, { name: 'devices' }]),
    names: 'stream "devices" does not exist',
  },
  { name: 'duplicate stream', catalog: catalogOf([{ name: 'users' }, { name: 'users' }]), names: 'stream "users" appears twice' },
  {
    name: 'missing sync_mode',
    catalog: { streams: [{ stream: { name: 'users', json_schema: {} }, destination_sync_mode: 'append' }] },
    names: 'stream "users" has sync_mode undefined',
  },
  {
    name: 'sync_mode "full_refresh_append"',
    catalog: catalogOf([{ name: 'users', sync_mode: 'full_refresh_append' }]),
    names: 'stream "users" has sync_mode "full_refresh_append"',
  },
  { name: 'sync_mode null', catalog: { streams: [stream('users', { sync_mode: null })] }, names: 'stream "users" has sync_mode null' },
  { name: 'sync_mode 1 MB', catalog: catalogOf([{ name: 'users', sync_mode: HUGE }]), names: 'stream "users" has sync_mode "xxxxxxxxxx' },
  {
    name: 'incremental app_role_assignments (unsupported)',
    catalog: catalogOf([{ name: 'app_role_assignments', sync_mode: 'incremental' }]),
    names: 'stream "app_role_assignments" does not support incremental',
  },
  {
    name: 'sign_ins incremental on another cursor',
    catalog: catalogOf([{ name: 'sign_ins', sync_mode: 'incremental', cursor_field: ['id'] }]),
    names: 'stream "sign_ins" has a source-defined cursor createdDateTime; cursor_field ["id"]',
  },
];

/** The catalog invalid states are read with: sign_ins incremental (the one stream with a state). */
export const SIGN_INS_CATALOG = catalogOf([SIGN_INS_INCREMENTAL]);

const streamState = (name: unknown, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });
const signInsCursor = (cursor: unknown) => [streamState('sign_ins', { createdDateTime: cursor })];

const NOT_AN_ARRAY = 'The state file is malformed: it must be a JSON array';
const ENTRY_NOT_AN_OBJECT = 'The state file is malformed: entry 0 is not an object';
const STATE_NOT_AN_OBJECT = 'the state of stream "sign_ins" must be a JSON object';

/** States read must refuse (config_error) before any request, and the entry or stream the refusal must name. */
export const INVALID_STATES: Array<{ name: string; state: unknown; names: string }> = [
  { name: 'not JSON', state: '[{"type": "STREAM"', names: 'state.json is not valid JSON' },
  { name: 'JSON number', state: '5', names: NOT_AN_ARRAY },
  { name: 'JSON string', state: '"sign_ins"', names: NOT_AN_ARRAY },
  { name: 'JSON true', state: 'true', names: NOT_AN_ARRAY },
  { name: 'array of numbers', state: [5], names: ENTRY_NOT_AN_OBJECT },
  { name: 'array with null', state: [null], names: ENTRY_NOT_AN_OBJECT },
  { name: 'array of strings', state: ['sign_ins'], names: ENTRY_NOT_AN_OBJECT },
  { name: 'GLOBAL state', state: [{ type: 'GLOBAL', global: { stream_states: [] } }], names: 'entry 0 is a GLOBAL state' },
  { name: 'unknown state type', state: [{ type: 'PER_STREAM', stream: {} }], names: 'entry 0 has an unknown type' },
  { name: 'STREAM without stream', state: [{ type: 'STREAM' }], names: 'entry 0 has no stream.stream_descriptor' },
  {
    name: 'STREAM without descriptor',
    state: [{ type: 'STREAM', stream: { stream_state: {} } }],
    names: 'entry 0 has no stream.stream_descriptor',
  },
  {
    name: 'STREAM without a name',
    state: [{ type: 'STREAM', stream: { stream_descriptor: {}, stream_state: {} } }],
    names: 'entry 0 has no stream name',
  },
  { name: 'STREAM name is a number', state: [streamState(5, {})], names: 'entry 0 has no stream name' },
  { name: 'LEGACY without data', state: [{ type: 'LEGACY' }], names: 'entry 0 is a LEGACY state without a data object' },
  { name: 'sign_ins state is a number', state: [streamState('sign_ins', 5)], names: STATE_NOT_AN_OBJECT },
  { name: 'sign_ins state is a string', state: [streamState('sign_ins', '2026-01-01T00:00:00Z')], names: STATE_NOT_AN_OBJECT },
  { name: 'sign_ins state is an array', state: [streamState('sign_ins', [])], names: STATE_NOT_AN_OBJECT },
  { name: 'legacy object with a non-object sign_ins state', state: { sign_ins: 'x' }, names: STATE_NOT_AN_OBJECT },
  ...[
    'not-a-date',
    '',
    12345,
    true,
    { at: '2026-01-01T00:00:00Z' },
    '2026-13-01T00:00:00Z',
    'yesterday',
    'NaN',
    '2026-01-01T25:00:00Z',
    HUGE,
  ].map((cursor) => ({
    name: `cursor ${describeValue(cursor)}`,
    state: signInsCursor(cursor),
    names: 'The saved state of the sign_ins stream is unusable: createdDateTime',
  })),
];

/** Every config-only bad input: invalid configs under check (and half of them under discover or read), raw and missing config files under all three, invalid catalogs and states under read. */
export function configOnlyCases(): BadInput[] {
  const cases: BadInput[] = [];
  const commands: Command[] = ['check', 'discover', 'read'];
  const catalog = catalogOf([{ name: 'users' }]);
  // Every invalid config under check (FAILED, exit 0); every other one also under discover or read, alternately
  // (the config path is the same for both; each process costs ~0.4 s of CPU, and the suite must stay fast).
  invalidConfigs().forEach((mutation, index) => {
    const under: Command[] = index % 2 === 0 ? ['check'] : ['check', index % 4 === 1 ? 'discover' : 'read'];
    for (const command of under) {
      cases.push({
        name: `${command}: config ${mutation.name}`,
        command,
        config: mutation.apply(validConfig()),
        ...(command === 'read' ? { catalog } : {}),
        names: mutation.names,
      });
    }
  });
  for (const { name, contents, names } of RAW_CONFIGS) {
    for (const command of commands)
      cases.push({ name: `${command}: config ${name}`, command, config: contents, ...(command === 'read' ? { catalog } : {}), names });
  }
  for (const command of commands) {
    cases.push({
      name: `${command}: config file missing`,
      command,
      config: undefined,
      args: ['--config', '/nonexistent/azcc-config.json'],
      ...(command === 'read' ? { catalog } : {}),
      names: 'The config file /nonexistent/azcc-config.json could not be read',
    });
  }
  for (const { name, catalog: bad, names } of INVALID_CATALOGS)
    cases.push({ name: `read: catalog ${name}`, command: 'read', config: validConfig(), catalog: bad, names });
  for (const { name, state, names } of INVALID_STATES)
    cases.push({ name: `read: state ${name}`, command: 'read', config: validConfig(), catalog: SIGN_INS_CATALOG, state, names });
  return cases;
}

/** Every string that is a client secret in `input`'s config (they must never be printed, even when the config is refused). */
export function secretsOf(input: BadInput): string[] {
  const secret = (input.config as { credentials?: { client_secret?: unknown } } | undefined)?.credentials?.client_secret;
  return [FAKE_SECRET, ...(typeof secret === 'string' && secret.length >= 8 && secret !== HUGE ? [secret] : [])];
}
