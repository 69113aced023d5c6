// Incoming state shapes: per-stream arrays, [], legacy forms, unknown streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStateInput } from '../../source-azure-client-credentials/state.js';

const known = new Set(['users', 'sign_ins']);
const stream = (name: string, stream_state: object) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } });

test('an array of STREAM messages maps each stream to its state', () => {
  const map = parseStateInput([stream('sign_ins', { createdDateTime: '2026-11-01T00:00:00Z' }), stream('users', {})], known);
  assert.deepEqual(Object.fromEntries(map), { sign_ins: { createdDateTime: '2026-11-01T00:00:00Z' }, users: {} });
});

test('[] and null mean no state', () => {
  assert.equal(parseStateInput([], known).size, 0);
  assert.equal(parseStateInput(null, known).size, 0);
});

test('legacy shapes: a LEGACY message and a bare object keyed by stream', () => {
  assert.deepEqual(Object.fromEntries(parseStateInput([{ type: 'LEGACY', data: { sign_ins: { createdDateTime: 'x' } } }], known)), {
    sign_ins: { createdDateTime: 'x' },
  });
  assert.deepEqual(Object.fromEntries(parseStateInput({ sign_ins: { createdDateTime: 'y' } }, known)), {
    sign_ins: { createdDateTime: 'y' },
  });
});

test('a state for a stream this source does not have is ignored with a warning', () => {
  const warnings: string[] = [];
  const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {}, debugEnabled: false };
  const map = parseStateInput([stream('calendars', { x: 1 })], known, log);
  assert.equal(map.size, 0);
  assert.match(warnings[0]!, /"calendars"/);
});
