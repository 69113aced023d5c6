// $batch against the emulator: every item followed to its last page, throttled or failed items retried alone, 404 items skipped, the plain per-item mode.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { BatchPage, BatchRequest } from '../../source-azure-client-credentials/graph/types.js';
import { collect, rejection, type Setup, setup } from '../support/graph-helpers.js';

type Assignment = { id: string };
const MISSING = '00000000-0000-4000-8000-00000000dead';

describe('batchPages against the emulator', () => {
  let s: Setup;
  let spIds: string[];
  let withAssignments: string[];
  before(async () => {
    s = await setup();
    spIds = s.emulator.tenant.servicePrincipals.map((sp) => sp.id);
    withAssignments = spIds.filter((id) => (s.emulator.tenant.assignments.get(id)?.length ?? 0) > 3);
    assert.ok(spIds.length > 20, 'more keys than one batch holds');
    assert.ok(withAssignments.length >= 2, 'some service principals have several pages of assignments');
  });
  after(async () => s.close());
  beforeEach(() => {
    s.emulator.setFaults([]);
    s.emulator.resetMetrics();
    s.graph.stats(true);
  });

  const count = (label: string) => s.emulator.metrics().requests[label] ?? 0;
  const requests = (ids: string[], top: number): BatchRequest[] =>
    ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=${top}` }));
  const expected = (id: string) => (s.emulator.tenant.assignments.get(id) ?? []).map((a) => a.id).sort();

  /** Pages per key, checking that each key's pages end with exactly one `last`. */
  function byKey(pages: BatchPage<Assignment>[]) {
    const result = new Map<string, string[]>();
    const ended = new Set<string>();
    for (const p of pages) {
      assert.ok(!ended.has(p.key), `no page for ${p.key} after its last`);
      if (p.last) ended.add(p.key);
      if (p.page) result.set(p.key, [...(result.get(p.key) ?? []), ...p.page.value.map((a) => a.id)]);
    }
    return { result, ended };
  }

  test('follows every item to its last page, in order per key, across batches of at most 20', async () => {
    const pages = await collect(s.graph.batchPages<Assignment>(requests(spIds, 3)));
    const { result, ended } = byKey(pages);
    assert.equal(ended.size, spIds.length);
    for (const id of spIds) assert.deepEqual([...(result.get(id) ?? [])].sort(), expected(id), id);
    const items = count('batch GET /servicePrincipals/{id}/appRoleAssignedTo');
    const batches = count('POST /$batch');
    assert.equal(
      items,
      spIds.reduce((n, id) => n + Math.max(1, Math.ceil(expected(id).length / 3)), 0),
    );
    assert.ok(batches >= Math.ceil(items / 20), `${batches} batches for ${items} items`);
    assert.equal(s.graph.stats().requests, batches);
    // Per-key order equals plain paging of the same collection.
    const one = withAssignments[0]!;
    const plain = (await collect(s.graph.pages<Assignment>(`/servicePrincipals/${one}/appRoleAssignedTo?$top=3`))).flatMap((p) =>
      p.value.map((a) => a.id),
    );
    assert.deepEqual(result.get(one), plain);
  });

  test('accepts an async iterable of requests', async () => {
    async function* source() {
      for (const r of requests(spIds.slice(0, 5), 999)) yield r;
    }
    const pages = await collect(s.graph.batchPages<Assignment>(source()));
    assert.equal(byKey(pages).ended.size, 5);
  });

  test('a throttled item is retried alone after its Retry-After', async () => {
    const target = withAssignments[0]!;
    s.emulator.setFaults([{ kind: 'throttle', times: 1, path: `/servicePrincipals/${target}/appRoleAssignedTo`, retryAfterSeconds: 0.3 }]);
    const ids = spIds.slice(0, 20);
    if (!ids.includes(target)) ids[0] = target;
    const started = Date.now();
    const pages = await collect(s.graph.batchPages<Assignment>(requests(ids, 999)));
    const { result, ended } = byKey(pages);
    assert.equal(ended.size, 20);
    assert.deepEqual([...result.get(target)!].sort(), expected(target));
    assert.ok(Date.now() - started >= 300);
    // One batch of 20, then one batch with the throttled item only.
    assert.equal(count('POST /$batch'), 2);
    assert.equal(count('batch GET /servicePrincipals/{id}/appRoleAssignedTo'), 21);
    const stats = s.graph.stats();
    assert.equal(stats.throttled, 1);
    assert.equal(stats.retries, 1);
  });

  test('item headers named as in Microsoft\'s examples ("Retry-After") are read too: the throttled item waits as long as it is told', async () => {
    s.emulator.configure({ batchItemHeaderNames: 'capitalised' });
    try {
      const target = spIds[2]!;
      // Without the header the client's own backoff (FAST_RETRY: at most 20 ms here) would retry far sooner.
      s.emulator.setFaults([
        { kind: 'throttle', times: 1, path: `/servicePrincipals/${target}/appRoleAssignedTo`, retryAfterSeconds: 0.4 },
      ]);
      const started = Date.now();
      const pages = await collect(s.graph.batchPages<Assignment>(requests(spIds.slice(0, 5), 999)));
      assert.equal(byKey(pages).ended.size, 5);
      assert.ok(Date.now() - started >= 400, `${Date.now() - started} ms`);
      assert.equal(s.graph.stats().retries, 1);
    } finally {
      s.emulator.configure({ batchItemHeaderNames: 'lower' });
    }
  });

  test('a failed (503) item is retried alone', async () => {
    const target = spIds[3]!;
    s.emulator.setFaults([{ kind: 'status', status: 503, times: 2, path: `/servicePrincipals/${target}/appRoleAssignedTo` }]);
    const pages = await collect(s.graph.batchPages<Assignment>(requests(spIds.slice(0, 10), 999)));
    assert.equal(byKey(pages).ended.size, 10);
    assert.equal(count('POST /$batch'), 3);
    assert.equal(count('batch GET /servicePrincipals/{id}/appRoleAssignedTo'), 12);
  });

  test('an item that keeps failing ends the batch run with a transient_error', async () => {
    const graph = s.client({}, { retry: { baseMs: 20, backoffCapMs: 50, budgetMs: 200, maxAttempts: 50 } });
    s.emulator.setFaults([{ kind: 'status', status: 503, times: 1_000, path: `/servicePrincipals/${spIds[1]}/appRoleAssignedTo` }]);
    const error = await rejection(() => collect(graph.batchPages<Assignment>(requests(spIds.slice(0, 4), 999))));
    assert.equal(error.failureType, 'transient_error');
    assert.equal(error.status, 503);
    assert.match(error.message, /batch GET \/servicePrincipals\/.+\/appRoleAssignedTo/);
  });

  test('a 404 item (object deleted) is yielded as a skippable error; the others complete', async () => {
    const pages = await collect(s.graph.batchPages<Assignment>(requests([spIds[0]!, MISSING, spIds[1]!], 999)));
    const failed = pages.filter((p) => p.error);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.key, MISSING);
    assert.equal(failed[0]!.error!.status, 404);
    assert.equal(failed[0]!.last, true);
    assert.equal(byKey(pages).ended.size, 3);
  });

  test('an item denied (403) is thrown as a config_error', async () => {
    s.emulator.setPermissions(['User.Read.All']);
    try {
      const graph = s.client();
      const error = await rejection(() => collect(graph.batchPages<Assignment>(requests(spIds.slice(0, 3), 999))));
      assert.equal(error.failureType, 'config_error');
      assert.equal(error.code, 'Authorization_RequestDenied');
    } finally {
      s.emulator.setPermissions([
        'User.Read.All',
        'Application.Read.All',
        'GroupMember.Read.All',
        'Organization.Read.All',
        'AuditLog.Read.All',
      ]);
    }
  });

  test('a repeating nextLink inside a batch item is stopped', async () => {
    s.emulator.setFaults([{ kind: 'loop', path: `/servicePrincipals/${withAssignments[0]}/appRoleAssignedTo` }]);
    const error = await rejection(() => collect(s.graph.batchPages<Assignment>(requests([withAssignments[0]!], 2))));
    assert.equal(error.row, 'nextlink-loop');
  });

  test('with use_batch_requests off: one plain GET per page, same results, 404 still skipped', async () => {
    const graph = s.client({ use_batch_requests: false, max_concurrent_requests: 1 });
    const ids = [...spIds.slice(0, 12), MISSING];
    const pages = await collect(graph.batchPages<Assignment>(requests(ids, 3)));
    const { result, ended } = byKey(pages);
    assert.equal(ended.size, ids.length);
    for (const id of ids.slice(0, -1)) assert.deepEqual([...(result.get(id) ?? [])].sort(), expected(id));
    assert.equal(pages.find((p) => p.key === MISSING)?.error?.status, 404);
    assert.equal(count('POST /$batch'), 0);
    const plain = count('GET /servicePrincipals/{id}/appRoleAssignedTo');
    assert.equal(plain, graph.stats().requests);
    assert.equal(plain, ids.slice(0, -1).reduce((n, id) => n + Math.max(1, Math.ceil(expected(id).length / 3)), 0) + 1);
  });

  test("concurrent, a key's next page is asked for while the reader still holds its current page; with max_concurrent_requests 1, only after", async () => {
    const key = withAssignments[0]!;
    for (const [concurrency, expectedWhileHeld] of [
      [2, 2],
      [1, 1],
    ] as const) {
      const graph = s.client({ max_concurrent_requests: concurrency });
      s.emulator.resetMetrics();
      let whileHeld: number | undefined;
      for await (const page of graph.batchPages<Assignment>(requests([key], 1))) {
        if (whileHeld !== undefined || page.last) continue;
        // The reader works on its first page (the rows of a group's first 999 members, say) for a while.
        await new Promise((resolve) => setTimeout(resolve, 150));
        whileHeld = count('POST /$batch');
      }
      assert.equal(whileHeld, expectedWhileHeld, `max_concurrent_requests ${concurrency}: $batch calls sent while page 1 was held`);
      assert.equal(count('POST /$batch'), expected(key).length, 'one call per page, none more');
    }
  });

  test('with max_concurrent_requests 1 the plain mode is fully sequential', async () => {
    const slow = await setup({ latencyMs: 40 }, { use_batch_requests: false, max_concurrent_requests: 1 });
    try {
      const ids = slow.emulator.tenant.servicePrincipals.slice(0, 8).map((sp) => sp.id);
      await collect(
        slow.graph.batchPages<Assignment>(ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=999` }))),
      );
      slow.emulator.resetMetrics();
      const started = Date.now();
      await collect(
        slow.graph.batchPages<Assignment>(ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=999` }))),
      );
      const sequential = Date.now() - started;
      assert.ok(sequential >= 8 * 40, `8 requests one after another take at least 320 ms (took ${sequential})`);
      // The emulator saw them one at a time: never two requests in flight.
      assert.equal(slow.emulator.metrics().totalRequests, 8);
      assert.equal(slow.emulator.metrics().peakInFlight, 1);
      const parallel = slow.client({ use_batch_requests: false, max_concurrent_requests: 8 });
      // Warm up as above (token, TLS connections), so only the request pattern differs.
      await collect(
        parallel.batchPages<Assignment>(ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=999` }))),
      );
      slow.emulator.resetMetrics();
      await collect(
        parallel.batchPages<Assignment>(ids.map((id) => ({ key: id, path: `/servicePrincipals/${id}/appRoleAssignedTo?$top=999` }))),
      );
      // More concurrency overlaps the requests (counted by the emulator, not timed: a loaded machine cannot change it).
      assert.equal(slow.emulator.metrics().totalRequests, 8);
      const peak = slow.emulator.metrics().peakInFlight;
      assert.ok(peak > 1 && peak <= 8, `${peak} requests in flight at most, with max_concurrent_requests 8`);
    } finally {
      await slow.close();
    }
  });
});
