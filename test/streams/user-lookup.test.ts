// app_role_assignments' direct users: read by id in $batch when few for the tenant, in one pass over /users when many;
// the same rows either way (truth equality), and the request counts the plan promises.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { planUserLookup } from '../../source-azure-client-credentials/streams/app-role-assignments/user-lookup.js';
import { merge } from '../../source-azure-client-credentials/streams/merge.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';

const BATCHED = { use_batch_requests: true, max_concurrent_requests: 4 };
const SEQUENTIAL = { use_batch_requests: false, max_concurrent_requests: 1 };

describe('planUserLookup: by id or the pass over /users, by numbers', () => {
  test('few assignees in a big tenant: by id, in ceil(n / 20 / C) round trips', () => {
    assert.deepEqual(planUserLookup(30, 50_000, BATCHED), { byId: true, listRoundTrips: 51, byIdRoundTrips: 1 });
    assert.deepEqual(planUserLookup(1_500, 50_000, BATCHED), { byId: true, listRoundTrips: 51, byIdRoundTrips: 19 });
  });
  test('many assignees: the pass, even when it is longer (their RU would outgrow a window of the smallest budget)', () => {
    assert.equal(planUserLookup(1_501, 1_000_000, BATCHED).byId, false);
    assert.deepEqual(planUserLookup(28_720, 50_000, BATCHED), { byId: false, listRoundTrips: 51, byIdRoundTrips: 359 });
  });
  test('a small tenant: one page of /users beats any lookup by id', () => {
    assert.deepEqual(planUserLookup(5, 900, BATCHED), { byId: false, listRoundTrips: 1, byIdRoundTrips: 1 });
  });
  test('without batching each user is a request: by id only when that is still fewer round trips', () => {
    assert.deepEqual(planUserLookup(40, 50_000, SEQUENTIAL), { byId: true, listRoundTrips: 51, byIdRoundTrips: 40 });
    assert.equal(planUserLookup(60, 50_000, SEQUENTIAL).byId, false);
  });
  test('an unknown tenant size takes the pass, which is right whatever the size', () => {
    assert.equal(planUserLookup(1, undefined, BATCHED).byId, false);
  });
});

describe('merge: several sources read at once as one', () => {
  async function* source(name: string, items: number, delayMs: number, log: string[]) {
    try {
      for (let i = 0; i < items; i++) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield `${name}${i}`;
      }
    } finally {
      log.push(`${name} ended`);
    }
  }

  test('every item once, each source in its own order, the fast one not waiting for the slow one', async () => {
    const log: string[] = [];
    const out: string[] = [];
    for await (const item of merge(source('a', 3, 30, log), source('b', 3, 1, log))) out.push(item);
    assert.deepEqual(
      out.filter((x) => x.startsWith('a')),
      ['a0', 'a1', 'a2'],
    );
    assert.deepEqual(
      out.filter((x) => x.startsWith('b')),
      ['b0', 'b1', 'b2'],
    );
    assert.equal(out[0], 'b0');
    assert.deepEqual(log.sort(), ['a ended', 'b ended']);
  });

  test('a reader that stops early ends every source; a failing source fails the whole and ends the others', async () => {
    const log: string[] = [];
    for await (const item of merge(source('a', 5, 5, log), source('b', 5, 5, log))) if (item) break;
    assert.deepEqual(log.sort(), ['a ended', 'b ended']);
    const failLog: string[] = [];
    async function* failing() {
      yield 'x';
      throw new Error('boom');
    }
    await assert.rejects(async () => {
      for await (const _ of merge(failing(), source('c', 50, 5, failLog))) {
        // drain
      }
    }, /boom/);
    assert.deepEqual(failLog, ['c ended']);
  });

  test('items already read are not kept alive while another source stays quiet (no Promise.race retention)', async () => {
    // app_role_assignments at 10x: the /users pass yields nothing for a minute while every group's member page goes by.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let release!: () => void;
    const quietUntilReleased = new Promise<void>((resolve) => (release = resolve));
    async function* quiet() {
      await quietUntilReleased;
      yield { payload: 'last' };
    }
    const refs: WeakRef<object>[] = [];
    async function* busy() {
      for (let i = 0; i < 200; i++) {
        const page = { payload: new Array(1_000).fill(i) };
        refs.push(new WeakRef(page));
        yield page;
      }
    }
    let read = 0;
    for await (const item of merge<{ payload: unknown }>(busy(), quiet())) {
      read++;
      if (read === 200) {
        // Every busy page has been handed over and dropped by this reader; the quiet source is still pending.
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        const alive = refs.filter((ref) => ref.deref() !== undefined).length;
        assert.ok(alive <= 2, `${alive} of 200 pages still alive while the other source is pending`);
        release();
      }
      assert.ok(item.payload);
    }
    assert.equal(read, 201);
  });
});

describe('app_role_assignments reads its direct users by the cheaper way', () => {
  let emulator: Emulator;
  before(async () => {
    // 3,000 users (4 pages of /users) and few direct assignees: by id.
    emulator = await startEmulator({
      seed: 31,
      sizes: { users: 3_000, servicePrincipals: 10, groups: 4, assignments: 40, groupAssignmentFraction: 0.2, signIns: 0 },
    });
  });
  after(async () => emulator?.stop());

  const sortedRows = (rows: Record<string, unknown>[]) =>
    rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)))).sort();

  /** Reads app_role_assignments alone, checks it against the truth, and returns the emulator's requests by endpoint. */
  async function readAndCompare(config: Record<string, unknown>): Promise<Record<string, number>> {
    emulator.resetMetrics();
    const result = await runConnector(['read'], {
      env: emulator.env,
      config: emulator.config(config),
      catalog: catalogOf([{ name: 'app_role_assignments' }]),
    });
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    assert.deepEqual(sortedRows(result.records('app_role_assignments')), sortedRows(emulator.truth.appRoleAssignments()));
    return emulator.metrics().requests;
  }

  for (const [name, config] of [
    ['batched', BATCHED],
    ['plain GETs, 16 at a time', { use_batch_requests: false, max_concurrent_requests: 16 }],
  ] as const) {
    test(`${name}: the assignees by id, no page of /users, and the truth's rows`, async () => {
      const assignees = new Set(
        [...emulator.tenant.assignments.values()]
          .flat()
          .filter((a) => a.principalType === 'User')
          .map((a) => String(a.principalId)),
      );
      // Fewer round trips than the 4 pages of /users: under 4 x 4 $batch calls of 20, or under 4 x 16 plain GETs.
      assert.ok(assignees.size > 0 && assignees.size < 64, `${assignees.size} direct assignees`);
      const requests = await readAndCompare(config);
      assert.equal(requests['GET /users'] ?? 0, 0, 'no pass over /users');
      assert.equal(requests['GET /users/$count'], 1, 'the tenant size, counted once');
      const byId = (requests['batch GET /users/{id}'] ?? 0) + (requests['GET /users/{id}'] ?? 0);
      assert.equal(byId, assignees.size, 'one GET per direct assignee');
      if (config.use_batch_requests) assert.equal(requests['GET /users/{id}'] ?? 0, 0, 'all inside $batch');
    });
  }

  test('when the tenant size cannot be counted (403), the pass over /users, with the same rows', async () => {
    emulator.setFaults([{ kind: 'status', status: 403, times: 10, path: '^/v1\\.0/users/\\$count' }]);
    try {
      const requests = await readAndCompare(BATCHED);
      assert.ok((requests['GET /users'] ?? 0) >= 1, 'the pass over /users');
      assert.equal((requests['batch GET /users/{id}'] ?? 0) + (requests['GET /users/{id}'] ?? 0), 0);
    } finally {
      emulator.setFaults([]);
    }
  });
});
