// fieldCopier: the compiled copy of a stream's Graph properties (order, nulls, kept falsy values, refused names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldCopier } from '../../source-azure-client-credentials/streams/field-copier.js';

test('copies the fields in the listed order, null where missing or null, falsy values kept, other properties left out', () => {
  const copy = fieldCopier(['b', 'a', 'zero', 'no', 'empty', 'gone', 'nil'] as const);
  const out = copy({ a: 1, b: [2], zero: 0, no: false, empty: '', nil: null, ...{ extra: 'x' } } as Record<string, unknown>);
  assert.equal(JSON.stringify(out), '{"b":[2],"a":1,"zero":0,"no":false,"empty":"","gone":null,"nil":null}');
});

test('each call gives a new object that shares values with the source, not the source itself', () => {
  const copy = fieldCopier(['id', 'tags'] as const);
  const source = { id: 'x', tags: ['t'] };
  const first = copy(source);
  const second = copy(source);
  assert.notEqual(first, second);
  assert.notEqual(first, source as unknown);
  assert.equal(first.tags, source.tags);
});

test('refuses a name that is not a plain property name, or a repeated one, when it is made', () => {
  assert.throws(() => fieldCopier(['ok', 'a-b']), /"a-b" is not a plain property name/);
  assert.throws(() => fieldCopier(['x; process.exit(1)']), /not a plain property name/);
  assert.throws(() => fieldCopier(['id', 'id']), /named twice/);
});
