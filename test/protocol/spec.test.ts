// schemas/spec.json follows Airbyte's spec UI rules, and the README's configuration reference agrees with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfig } from '../../source-azure-client-credentials/config.js';
import { repoRoot } from '../support/paths.js';

type Schema = Record<string, any>;
const spec = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'spec.json'), 'utf8')).connectionSpecification as Schema;

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
  const minimal = {
    tenant_id: '00000000-0000-4000-8000-000000000001',
    client_id: '00000000-0000-4000-8000-000000000002',
    credentials: { auth_type: 'client_secret', client_secret: 'x' },
  };
  assert.equal(validateConfig(minimal).sign_in_lookback_minutes, 60, 'the validated config applies the default');
});
