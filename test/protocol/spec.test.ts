// schemas/spec.json follows Airbyte's spec UI rules, and the README's configuration reference agrees with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfig } from '../../source-azure-client-credentials/config.js';
import { CLOUDS, type Cloud } from '../../source-azure-client-credentials/endpoints.js';
import { repoRoot } from '../support/paths.js';

type Schema = Record<string, any>;
const spec = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'spec.json'), 'utf8')).connectionSpecification as Schema;
const minimal = {
  tenant_id: '00000000-0000-4000-8000-000000000001',
  client_id: '00000000-0000-4000-8000-000000000002',
  credentials: { auth_type: 'client_secret', client_secret: 'x' },
};

/** Every object schema in the spec, with its path. */
function* objects(schema: Schema, path = 'spec'): Generator<[string, Schema]> {
  if (schema.properties) yield [path, schema];
  for (const [name, child] of Object.entries<Schema>(schema.properties ?? {})) yield* objects(child, `${path}.${name}`);
  for (const [i, branch] of (schema.oneOf ?? []).entries()) yield* objects(branch, `${path}.oneOf[${i}]`);
}

test('every top-level field has title, description, order and examples; orders are unique', () => {
  const orders = new Set<number>();
  for (const [name, field] of Object.entries<Schema>(spec.properties)) {
    for (const key of ['title', 'description', 'order']) assert.ok(field[key] !== undefined, `${name} has no ${key}`);
    if (!field.oneOf) assert.ok(Array.isArray(field.examples) && field.examples.length > 0, `${name} has no examples`);
    assert.ok(!orders.has(field.order), `order ${field.order} repeats`);
    orders.add(field.order);
  }
});

test('no forbidden keywords, types are one type or [type, "null"], groups only at the top', () => {
  const text = JSON.stringify(spec);
  for (const keyword of ['$ref', 'anyOf', 'allOf', '"not"', '"if"', 'patternProperties'])
    assert.ok(!text.includes(keyword), `spec uses ${keyword}`);
  for (const [path, schema] of objects(spec)) {
    for (const [name, field] of Object.entries<Schema>(schema.properties)) {
      if (Array.isArray(field.type)) assert.ok(field.type.length === 2 && field.type.includes('null'), `${path}.${name} type`);
      if (path !== 'spec') assert.equal(field.group, undefined, `${path}.${name} has a group below the top level`);
    }
  }
});

test('secret-like fields are marked airbyte_secret', () => {
  assert.equal(spec.properties.tenant_id.airbyte_secret, true);
  // An object cannot hold a secret: Airbyte's acceptance test fails an object marked airbyte_secret.
  assert.equal(spec.properties.credentials.airbyte_secret, undefined);
  for (const branch of spec.properties.credentials.oneOf) {
    for (const [name, field] of Object.entries<Schema>(branch.properties)) {
      if (/secret|key|password|passphrase/.test(name)) assert.equal(field.airbyte_secret, true, `${name} must be secret`);
    }
  }
});

test('credentials is a oneOf of titled objects sharing a const auth_type without default or enum', () => {
  for (const branch of spec.properties.credentials.oneOf) {
    assert.ok(branch.title);
    assert.equal(typeof branch.properties.auth_type.const, 'string');
    assert.equal(branch.properties.auth_type.default, undefined);
    assert.equal(branch.properties.auth_type.enum, undefined);
    assert.ok(branch.required.includes('auth_type'));
  }
});

test('the README configuration reference lists exactly the spec fields with their defaults', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split('## Configuration reference')[1]?.split('\n## ')[0];
  assert.ok(section, 'README has a "## Configuration reference" section');
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z0-9_.]+)` \|(.*)\|$/.exec(line.trim());
    if (match)
      rows.set(
        match[1]!,
        match[2]!.split('|').map((cell) => cell.trim()),
      );
  }
  const expected = new Map<string, Schema>();
  for (const [name, field] of Object.entries<Schema>(spec.properties)) {
    expected.set(name, field);
    for (const branch of field.oneOf ?? []) {
      for (const [sub, child] of Object.entries<Schema>(branch.properties)) expected.set(`${name}.${sub}`, child);
    }
  }
  assert.deepEqual([...rows.keys()].sort(), [...expected.keys()].sort(), 'README rows vs spec fields');
  for (const [name, field] of expected) {
    const [required, , defaultCell] = rows.get(name)!;
    const isRequired = (spec.required as string[]).includes(name.split('.')[0]!) && !name.includes('.');
    assert.equal(required, isRequired ? 'yes' : name.includes('.') ? 'in its option' : 'no', `${name}: required column`);
    const shownDefault = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    assert.equal(defaultCell, shownDefault, `${name}: default column`);
  }
});

test('sign_in_lookback_minutes defaults to 60 (late sign-ins have no documented upper bound) within 0-1440', () => {
  const field = spec.properties.sign_in_lookback_minutes;
  assert.deepEqual([field.default, field.minimum, field.maximum], [60, 0, 1440]);
  assert.equal(validateConfig(minimal).sign_in_lookback_minutes, 60, 'the validated config applies the default');
});

test('cloud: a dropdown of four named options, each with a description, keyed by a const cloud_type per cloud of the connector', () => {
  const cloud = spec.properties.cloud;
  assert.equal(cloud.type, 'object');
  assert.equal(cloud.display_type, 'dropdown');
  assert.equal(cloud.default, undefined, 'absent means Global (config.ts), so the form needs no object default');
  assert.deepEqual(
    cloud.oneOf.map((option: Schema) => option.title),
    ['Global (commercial and GCC)', 'US Government GCC High', 'US Government DoD', 'China (operated by 21Vianet)'],
  );
  assert.deepEqual(
    cloud.oneOf.map((option: Schema) => option.properties.cloud_type.const),
    Object.keys(CLOUDS),
  );
  for (const option of cloud.oneOf) {
    assert.ok(option.description?.length > 40, `${option.title} has a description`);
    assert.deepEqual(option.required, ['cloud_type']);
    assert.deepEqual(Object.keys(option.properties), ['cloud_type']);
    const graphHost = new URL(CLOUDS[option.properties.cloud_type.const as Cloud].graphRoot).hostname;
    assert.ok(option.description.includes(graphHost), `${option.title} names its Graph host ${graphHost}`);
  }
  // https://learn.microsoft.com/graph/deployments: GCC keeps the worldwide endpoints; GCC High and DoD have their own.
  assert.match(cloud.description, /GCC tenants pick Global/);
  assert.match(cloud.oneOf[0].description, /GCC/);
});

test('cloud: the option object and the earlier bare string settle to the same cloud; absent is Global; anything else is refused', () => {
  for (const cloud of Object.keys(CLOUDS) as Cloud[]) {
    assert.equal(validateConfig({ ...minimal, cloud: { cloud_type: cloud } }).cloud, cloud, `{cloud_type: ${cloud}}`);
    assert.equal(validateConfig({ ...minimal, cloud }).cloud, cloud, `legacy "${cloud}"`);
  }
  assert.equal(validateConfig(minimal).cloud, 'global');
  for (const [cloud, message] of [
    ['mars', /cloud must be one of global, us_government_l4, us_government_l5, china\./],
    ['Global', /cloud must be one of global/],
    [{ cloud_type: 'mars' }, /cloud must be an object whose cloud_type is one of global, us_government_l4/],
    [{}, /cloud must be an object whose cloud_type/],
    [5, /cloud must be an object whose cloud_type/],
  ] as const) {
    assert.throws(() => validateConfig({ ...minimal, cloud }), message, JSON.stringify(cloud));
  }
});

test('credentials: each option has a title and a description', () => {
  for (const option of spec.properties.credentials.oneOf) {
    assert.ok(option.title, 'a title');
    assert.ok(option.description?.length > 40, `${option.title} has a description`);
  }
});

test('form order: the common fields first, the tuning options last in the Advanced group', () => {
  const byOrder = Object.entries<Schema>(spec.properties).sort(([, a], [, b]) => a.order - b.order);
  assert.deepEqual(
    byOrder.slice(0, 4).map(([name]) => name),
    ['tenant_id', 'client_id', 'credentials', 'cloud'],
  );
  assert.equal(spec.properties.cloud.always_show, true, 'cloud is not folded into "Optional fields"');
  assert.deepEqual(spec.groups, [{ id: 'advanced', title: 'Advanced' }]);
  // The tuning options, and additional_user_properties (extra Graph columns most users never need).
  const tuning = [
    'sign_in_lookback_minutes',
    'max_concurrent_requests',
    'use_batch_requests',
    'reports_requests_per_10_seconds',
    'delta_full_resync_days',
    'additional_user_properties',
  ];
  for (const name of tuning) {
    assert.equal(spec.properties[name].group, 'advanced', `${name} is in the Advanced group`);
    assert.match(spec.properties[name].description, /^Advanced: /, `${name} says so in its help`);
  }
  const grouped = byOrder.filter(([, field]) => field.group === 'advanced').map(([name]) => name);
  assert.deepEqual(new Set(grouped), new Set(tuning), 'only these options are advanced');
  const lastCommon = Math.max(...byOrder.filter(([, field]) => !field.group).map(([, field]) => field.order));
  assert.ok(
    grouped.every((name) => spec.properties[name].order > lastCommon),
    'the advanced card comes after every common field',
  );
});

test('domain_names: a comma-separated string, a JSON array written as text, and an array in a config file give the same domains', () => {
  const expected = ['contoso.com', 'fabrikam.example'];
  for (const domain_names of [
    'contoso.com, @Fabrikam.example',
    ' contoso.com;fabrikam.example, ',
    '["contoso.com", "@Fabrikam.example"]',
    ' [ "contoso.com" , "fabrikam.example" ] ',
    ['contoso.com', '@Fabrikam.example'],
    ['Contoso.com', 'fabrikam.example', ''],
  ]) {
    assert.deepEqual(validateConfig({ ...minimal, domain_names }).domains, expected, JSON.stringify(domain_names));
  }
  assert.deepEqual(validateConfig({ ...minimal, domain_names: [] }).domains, []);
  assert.deepEqual(validateConfig({ ...minimal, domain_names: '[]' }).domains, []);
  for (const [domain_names, message] of [
    ['["contoso.com"', /domain_names starts with "\[" but is not a JSON array of strings/],
    ['[5]', /not a JSON array of strings/],
    ['{"a": 1}', /"\{"a":" is not a domain name/],
    [['contoso.com', 5], /domain_names as an array must hold strings only/],
    [['contoso.com, fabrikam.example'], /"contoso.com, fabrikam.example" is not a domain name/],
    [['not_a_domain'], /"not_a_domain" is not a domain name/],
  ] as const) {
    assert.throws(() => validateConfig({ ...minimal, domain_names }), message, JSON.stringify(domain_names));
  }
  assert.match(spec.properties.domain_names.description, /comma-separated list .* or as a JSON array of strings/);
  assert.ok(
    spec.properties.domain_names.examples.some((example: string) => Array.isArray(JSON.parse(example.startsWith('[') ? example : '0'))),
  );
});
