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
}

type Mutation = { name: string; apply: (config: Record<string, any>) => unknown };

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
  values.map((value) => ({ name: `${path} = ${describeValue(value)}`, apply: set(path, value) }));

const WRONG_TYPES_STRING = [123, null, true, [], {}];

/** Configs that break the spec (or its documented rules), one fault each. */
export function invalidConfigs(): Mutation[] {
  return [
    // Missing required fields.
    ...['tenant_id', 'client_id', 'credentials', 'credentials.auth_type', 'credentials.client_secret'].map((path) => ({
      name: `missing ${path}`,
      apply: remove(path),
    })),
    // Wrong types.
    ...each('tenant_id', WRONG_TYPES_STRING),
    ...each('client_id', WRONG_TYPES_STRING),
    ...each('credentials', ['client_secret', 5, null, []]),
    ...each('credentials.client_secret', [5, null, {}, [FAKE_SECRET]]),
    ...each('credentials.auth_type', ['password', 'certificate', 5, null]),
    ...each('include_guests', ['yes', 1, null]),
    ...each('include_sign_in_activity', ['no', 0]),
    ...each('domain_names', [5, ['contoso.com'], { domain: 'contoso.com' }]),
    ...each('sign_in_lookback_minutes', [-1, 1441, 1.5, '10', null]),
    ...each('cloud', ['mars', 'Global', 5, '']),
    ...each('max_concurrent_requests', [0, 17, 'four', 2.5]),
    ...each('use_batch_requests', ['true', 1]),
    ...each('reports_requests_per_10_seconds', [0, 6, '5']),
    ...each('delta_full_resync_days', [-1, 366, 1.5, '7', null]),
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
      }),
    ),
  ];
}

/** Config files that are not a JSON object at all (raw contents). */
export const RAW_CONFIGS: Array<{ name: string; contents: string }> = [
  { name: 'empty file', contents: '' },
  { name: 'not JSON', contents: 'tenant_id: contoso' },
  { name: 'truncated JSON', contents: '{"tenant_id": "00000000-' },
  { name: 'JSON array', contents: '[]' },
  { name: 'JSON null', contents: 'null' },
  { name: 'JSON number', contents: '42' },
  { name: 'JSON string', contents: '"config"' },
  { name: '1 MB of garbage', contents: `{${HUGE}` },
];

const SIGN_INS_INCREMENTAL = { name: 'sign_ins', sync_mode: 'incremental', cursor_field: ['createdDateTime'] };
const stream = (name: string, extra: Record<string, unknown> = {}) => ({
  stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
  sync_mode: 'full_refresh',
  destination_sync_mode: 'append',
  ...extra,
});

/** Configured catalogs that read cannot run (each with a valid config). */
export const INVALID_CATALOGS: Array<{ name: string; catalog: unknown }> = [
  { name: 'not JSON', catalog: 'streams: users' },
  { name: 'JSON array', catalog: '[]' },
  { name: 'JSON null', catalog: 'null' },
  { name: 'no streams', catalog: {} },
  { name: 'streams is an object', catalog: { streams: {} } },
  { name: 'stream entry is a number', catalog: { streams: [5] } },
  { name: 'stream entry is empty', catalog: { streams: [{}] } },
  { name: 'stream is a string', catalog: { streams: [{ stream: 'users', sync_mode: 'full_refresh' }] } },
  { name: 'stream without a name', catalog: { streams: [{ stream: { json_schema: {} }, sync_mode: 'full_refresh' }] } },
  { name: 'stream name is a number', catalog: { streams: [stream('users', { stream: { name: 5 } })] } },
  { name: 'unknown stream "groups"', catalog: catalogOf([{ name: 'groups' }]) },
  { name: 'unknown stream "Users" (case)', catalog: catalogOf([{ name: 'Users' }]) },
  { name: 'empty stream name', catalog: catalogOf([{ name: '' }]) },
  { name: 'stream name of 1 MB', catalog: catalogOf([{ name: HUGE }]) },
  { name: 'unknown stream among known ones', catalog: catalogOf([{ name: 'users' }, { name: 'devices' }]) },
  { name: 'duplicate stream', catalog: catalogOf([{ name: 'users' }, { name: 'users' }]) },
  { name: 'missing sync_mode', catalog: { streams: [{ stream: { name: 'users', json_schema: {} }, destination_sync_mode: 'append' }] } },
  { name: 'sync_mode "full_refresh_append"', catalog: catalogOf([{ name: 'users', sync_mode: 'full_refresh_append' }]) },
  { name: 'sync_mode null', catalog: { streams: [stream('users', { sync_mode: null })] } },
  { name: 'sync_mode 1 MB', catalog: catalogOf([{ name: 'users', sync_mode: HUGE }]) },
  {
    name: 'incremental app_role_assignments (unsupported)',
    catalog: catalogOf([{ name: 'app_role_assignments', sync_mode: 'incremental' }]),
  },
  {
    name: 'sign_ins incremental on another cursor',
    catalog: catalogOf([{ name: 'sign_ins', sync_mode: 'incremental', cursor_field: ['id'] }]),
  },
];

/** The catalog invalid states are read with: sign_ins incremental (the one stream with a state). */
export const SIGN_INS_CATALOG = catalogOf([SIGN_INS_INCREMENTAL]);

const streamState = (name: unknown, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });
const signInsCursor = (cursor: unknown) => [streamState('sign_ins', { createdDateTime: cursor })];

/** States read must refuse (config_error) before any request. */
export const INVALID_STATES: Array<{ name: string; state: unknown }> = [
  { name: 'not JSON', state: '[{"type": "STREAM"' },
  { name: 'JSON number', state: '5' },
  { name: 'JSON string', state: '"sign_ins"' },
  { name: 'JSON true', state: 'true' },
  { name: 'array of numbers', state: [5] },
  { name: 'array with null', state: [null] },
  { name: 'array of strings', state: ['sign_ins'] },
  { name: 'GLOBAL state', state: [{ type: 'GLOBAL', global: { stream_states: [] } }] },
  { name: 'unknown state type', state: [{ type: 'PER_STREAM', stream: {} }] },
  { name: 'STREAM without stream', state: [{ type: 'STREAM' }] },
  { name: 'STREAM without descriptor', state: [{ type: 'STREAM', stream: { stream_state: {} } }] },
  { name: 'STREAM without a name', state: [{ type: 'STREAM', stream: { stream_descriptor: {}, stream_state: {} } }] },
  { name: 'STREAM name is a number', state: [streamState(5, {})] },
  { name: 'LEGACY without data', state: [{ type: 'LEGACY' }] },
  { name: 'sign_ins state is a number', state: [streamState('sign_ins', 5)] },
  { name: 'sign_ins state is a string', state: [streamState('sign_ins', '2026-01-01T00:00:00Z')] },
  { name: 'sign_ins state is an array', state: [streamState('sign_ins', [])] },
  { name: 'legacy object with a non-object sign_ins state', state: { sign_ins: 'x' } },
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
  ].map((cursor) => ({ name: `cursor ${describeValue(cursor)}`, state: signInsCursor(cursor) })),
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
      });
    }
  });
  for (const { name, contents } of RAW_CONFIGS) {
    for (const command of commands)
      cases.push({ name: `${command}: config ${name}`, command, config: contents, ...(command === 'read' ? { catalog } : {}) });
  }
  for (const command of commands) {
    cases.push({
      name: `${command}: config file missing`,
      command,
      config: undefined,
      args: ['--config', '/nonexistent/azcc-config.json'],
      ...(command === 'read' ? { catalog } : {}),
    });
  }
  for (const { name, catalog: bad } of INVALID_CATALOGS)
    cases.push({ name: `read: catalog ${name}`, command: 'read', config: validConfig(), catalog: bad });
  for (const { name, state } of INVALID_STATES)
    cases.push({ name: `read: state ${name}`, command: 'read', config: validConfig(), catalog: SIGN_INS_CATALOG, state });
  return cases;
}

/** Every string that is a client secret in `input`'s config (they must never be printed, even when the config is refused). */
export function secretsOf(input: BadInput): string[] {
  const secret = (input.config as { credentials?: { client_secret?: unknown } } | undefined)?.credentials?.client_secret;
  return [FAKE_SECRET, ...(typeof secret === 'string' && secret.length >= 8 && secret !== HUGE ? [secret] : [])];
}
