// The acceptance suite's rule checks catch what Airbyte's acceptance tests reject (so a clean result means something).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogProblems, type DiscoveredStream, recordProblems, recordValidators, specProblems } from '../support/airbyte-rules.js';

const spec = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: true, properties });

test('spec rules: each CAT violation is reported, a clean spec gives none', () => {
  const clean = spec({
    tenant_id: { type: 'string', airbyte_secret: true, order: 0 },
    credentials: {
      type: 'object',
      order: 1,
      oneOf: [
        {
          type: 'object',
          title: 'A',
          properties: { auth_type: { type: 'string', const: 'a' }, client_secret: { type: 'string', airbyte_secret: true } },
        },
        {
          type: 'object',
          title: 'B',
          properties: { auth_type: { type: 'string', const: 'b' }, password: { type: 'string', airbyte_secret: true } },
        },
      ],
    },
    not: { type: 'string', order: 2 },
  });
  assert.deepEqual(specProblems(clean), []);
  const cases: [string, Record<string, unknown>][] = [
    ['cannot hold a secret', spec({ credentials: { type: 'object', airbyte_secret: true, properties: { a: { type: 'string' } } } })],
    ['not marked airbyte_secret', spec({ password: { type: 'string' } })],
    ['uses anyOf', spec({ a: { anyOf: [{ type: 'string' }] } })],
    ['order 1 repeats', spec({ a: { type: 'string', order: 1 }, b: { type: 'string', order: 1 } })],
    ['top-level properties only', spec({ a: { type: 'object', properties: { b: { type: 'string', group: 'x' } } } })],
    [
      'exactly one common property with const',
      spec({ c: { type: 'object', oneOf: [{ properties: { t: { type: 'string' } } }, { properties: { t: { type: 'string' } } }] } }),
    ],
    ['enum has duplicate', spec({ a: { type: 'string', enum: ['x', 'x'] } })],
    ['[type, "null"]', spec({ a: { type: ['null', 'string'] } })],
    ['additionalProperties must be true', { ...spec({}), additionalProperties: false }],
    ['uses $ref', spec({ a: { $ref: '#/definitions/x' } })],
  ];
  for (const [expected, candidate] of cases) {
    const problems = specProblems(candidate);
    assert.ok(
      problems.some((p) => p.includes(expected)),
      `expected "${expected}" in ${JSON.stringify(problems)}`,
    );
  }
});

const stream = (json_schema: Record<string, unknown>, extra: Partial<DiscoveredStream> = {}): DiscoveredStream => ({
  name: 's',
  json_schema,
  supported_sync_modes: ['full_refresh'],
  source_defined_primary_key: [['id']],
  ...extra,
});

test('discovery rules: each CAT violation is reported, a clean catalog gives none', () => {
  const good = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { id: { type: 'string' }, at: { type: ['null', 'string'], format: 'date-time' } },
  };
  assert.deepEqual(catalogProblems([stream(good, { default_cursor_field: ['at'] })]), []);
  const cases: [string, DiscoveredStream[]][] = [
    ['repeat', [stream(good), stream(good)]],
    ['does not compile', [stream({ type: 'nonsense' })]],
    ['uses $ref', [stream({ ...good, properties: { ...good.properties, x: { $ref: '#/x' } } })]],
    ['uses allOf', [stream({ ...good, allOf: [{}] })]],
    ['additionalProperties must be true', [stream({ ...good, additionalProperties: false })]],
    ['primary key id is of type', [stream({ type: 'object', properties: { id: { type: 'object' } } })]],
    ['primary key id is not in', [stream({ type: 'object', properties: {} })]],
    ['cursor missing is not in', [stream(good, { default_cursor_field: ['missing'] })]],
    ['supported_sync_modes is empty', [stream(good, { supported_sync_modes: [] })]],
  ];
  for (const [expected, candidate] of cases) {
    const problems = catalogProblems(candidate);
    assert.ok(
      problems.some((p) => p.includes(expected)),
      `expected "${expected}" in ${JSON.stringify(problems)}`,
    );
  }
});

test('record rules: schema with formats, extra top-level fields, missing, null or composite keys', () => {
  const s = stream({
    type: 'object',
    properties: { id: { type: ['null', 'string'] }, at: { type: ['null', 'string'], format: 'date-time' } },
  });
  const validate = recordValidators([s]).get('s')!;
  assert.deepEqual(recordProblems({ id: 'a', at: '2026-01-01T00:00:00.1234567Z' }, s, validate), []);
  assert.match(recordProblems({ id: 'a', at: 'yesterday' }, s, validate).join(), /invalid/);
  assert.match(recordProblems({ id: 'a', other: 1 }, s, validate).join(), /not in the schema: other/);
  assert.match(recordProblems({ id: null }, s, validate).join(), /missing or null/);
  assert.match(recordProblems({ at: null }, s, validate).join(), /missing or null/);
});
