// Progress estimates: users, service_principals and groups announce their row count (GET /$count) before their records,
// and a count that fails or is slow never costs the sync anything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type Message, type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';

const COUNTED = { users: '/users', service_principals: '/servicePrincipals', groups: '/groups' } as const;
const CATALOG = catalogOf([{ name: 'users' }, { name: 'service_principals' }, { name: 'groups' }, { name: 'app_role_assignments' }]);

const isEstimate = (m: Message) => m.type === 'TRACE' && m.trace.type === 'ESTIMATE';
const estimatesOf = (result: RunResult, stream: string) =>
  result.messages.filter((m) => isEstimate(m) && m.trace.estimate.name === stream).map((m) => m.trace.estimate);

/** Index of the first message of `stream` that matches. */
const firstIndex = (result: RunResult, stream: string, match: (m: Message) => boolean) =>
  result.messages.findIndex(
    (m) =>
      match(m) &&
      (m.record?.stream === stream || m.trace?.estimate?.name === stream || m.trace?.stream_status?.stream_descriptor.name === stream),
  );

describe('ESTIMATE traces from $count', () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({
      seed: 19,
      sizes: { users: 140, servicePrincipals: 25, groups: 6, bigGroupSizes: [30], assignments: 60, signIns: 10 },
      latencyMs: 150,
    });
  });
  after(async () => emulator?.stop());

  async function read(catalog: object, config: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<RunResult> {
    emulator.resetMetrics();
    const result = await runConnector(['read'], { env: emulator.env, config: emulator.config(config), catalog, timeoutMs });
    assert.equal(result.code, 0, `${JSON.stringify(result.errors())}\n${result.stderr.slice(-2000)}`);
    assert.deepEqual(result.errors(), []);
    return result;
  }

  test('each counted stream gets one STREAM estimate with the directory count, after STARTED and before its first record', async () => {
    const result = await read(CATALOG);
    const truth = {
      users: emulator.tenant.users.length,
      service_principals: emulator.truth.servicePrincipals().length,
      groups: emulator.truth.groups().length,
    };
    for (const [stream, expected] of Object.entries(truth)) {
      assert.deepEqual(estimatesOf(result, stream), [{ name: stream, type: 'STREAM', row_estimate: expected }], stream);
      const started = firstIndex(result, stream, (m) => m.trace?.stream_status?.status === 'STARTED');
      const estimate = firstIndex(result, stream, isEstimate);
      const record = firstIndex(result, stream, (m) => m.type === 'RECORD');
      assert.ok(started < estimate && estimate < record, `${stream}: STARTED ${started}, ESTIMATE ${estimate}, first RECORD ${record}`);
      // Client-side filters (guests, concealed users) may keep fewer rows than the directory holds, never more.
      assert.ok(result.records(stream).length <= expected, stream);
    }
    assert.equal(result.records('service_principals').length, truth.service_principals);
    assert.equal(result.records('groups').length, truth.groups);
    assert.deepEqual(estimatesOf(result, 'app_role_assignments'), [], 'no count estimates app_role_assignments');
    // One request per count: /users/$count serves both the throttling tier and the users estimate.
    const requests = emulator.metrics().requests;
    for (const collection of Object.values(COUNTED)) assert.equal(requests[`GET ${collection}/$count`], 1, collection);
  });

  test('an incremental sync from a saved state reads changes only, so it has no estimate', async () => {
    const incremental = catalogOf([{ name: 'users', sync_mode: 'incremental', cursor_field: ['_ab_cdc_updated_at'] }]);
    const first = await read(incremental);
    assert.equal(estimatesOf(first, 'users').length, 1, 'a first sync lists every user');
    emulator.resetMetrics();
    const resumed = await runConnector(['read'], {
      env: emulator.env,
      config: emulator.config(),
      catalog: incremental,
      state: [first.states().at(-1)!.state],
    });
    assert.equal(resumed.code, 0, JSON.stringify(resumed.errors()));
    assert.deepEqual(estimatesOf(resumed, 'users'), []);
    assert.equal(emulator.metrics().requests['GET /users/$count'], 1, 'the count still sets the throttling tier');
  });

  test('a $count refused with 403 leaves that estimate out; the sync succeeds with every record', async () => {
    const baseline = await read(CATALOG);
    emulator.setFaults([{ kind: 'status', status: 403, times: 10, path: '^/v1\\.0/users/\\$count' }]);
    try {
      const result = await read(CATALOG);
      assert.deepEqual(estimatesOf(result, 'users'), []);
      assert.equal(estimatesOf(result, 'groups').length, 1);
      assert.equal(estimatesOf(result, 'service_principals').length, 1);
      for (const stream of ['users', 'service_principals', 'groups', 'app_role_assignments']) {
        assert.deepEqual(result.statuses(stream), ['STARTED', 'RUNNING', 'COMPLETE'], stream);
        assert.equal(result.records(stream).length, baseline.records(stream).length, stream);
      }
      assert.equal(emulator.metrics().throttled, 0);
    } finally {
      emulator.setFaults([]);
    }
  });

  test('the count goes out alongside the stream’s first request, not before it: a failing count adds no round trip', async () => {
    emulator.setFaults([{ kind: 'status', status: 403, times: 10, path: '^/v1\\.0/groups/\\$count' }]);
    try {
      // One request at a time for the stream itself: only the count, outside that limit, can be in flight beside it.
      const result = await read(catalogOf([{ name: 'groups' }]), { max_concurrent_requests: 1 });
      assert.deepEqual(estimatesOf(result, 'groups'), []);
      assert.equal(result.records('groups').length, emulator.truth.groups().length);
      const log = emulator.requestLog().map((r) => r.path);
      assert.ok(log.includes('/groups/$count') && log.includes('/groups'), log.join(', '));
      // 150 ms per answer: the count and the first page were in flight at once (1 if the page had waited for the count).
      assert.ok(emulator.metrics().peakInFlight >= 2, `peak in flight ${emulator.metrics().peakInFlight}`);
    } finally {
      emulator.setFaults([]);
    }
  });

  test('a count slower than the stream never holds it back: the records go out, the estimate is left out', async () => {
    // The count's answer is held for 60 s; the run must finish long before, with every record.
    emulator.setFaults([{ kind: 'stall', times: 10, stallMs: 60_000, beforeHeaders: true, path: '^/v1\\.0/servicePrincipals/\\$count' }]);
    try {
      const result = await read(catalogOf([{ name: 'service_principals' }]), {}, 30_000);
      assert.deepEqual(estimatesOf(result, 'service_principals'), []);
      assert.equal(result.records('service_principals').length, emulator.truth.servicePrincipals().length);
    } finally {
      emulator.setFaults([]);
    }
  });
});
