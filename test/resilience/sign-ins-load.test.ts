// The log streams under the emulator's throttling model: tenants big enough for dozens of reports requests get zero 429.
// The same check at any size: `node dist/scripts/sign-ins-load.js <sign-ins> <time scale> [<audit events>]`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RECORDS_PER_STATE, MAX_REQUESTS_OVER_LEAST, reportsEfficiency } from '../../scripts/reports-efficiency.js';
import { loadProblems, runSignInsLoad } from '../../scripts/sign-ins-load.js';

test('200,000 sign-ins sync under the throttling model with zero 429 and nothing missing', async () => {
  // Time scale 50: Graph's 10 s reports window lasts 200 ms for both the emulator and the connector.
  const result = await runSignInsLoad(200_000, 50);
  assert.deepEqual(loadProblems(result), [], JSON.stringify(result));
  assert.ok(
    result.streams.sign_ins!.expected > 199_000,
    `the range should hold nearly all 200,000 sign-ins, got ${result.streams.sign_ins!.expected}`,
  );
  // The reports budget (5 per 10 s, 50x faster here) is the floor: the connector must actually have been paced by it.
  assert.ok(result.requests >= 200, `${result.requests} requests`);
  assert.ok(result.wallMs >= result.floorMs, `finished in ${result.wallMs} ms, under the model's floor of ${result.floorMs} ms`);
});

test('a 100,000-event audit log and sign_ins in one read share the reports budget: zero 429, nothing missing', async (t) => {
  const result = await runSignInsLoad(20_000, 50, 100_000);
  t.diagnostic(JSON.stringify({ requests: result.requests, throttled: result.throttled, wallMs: result.wallMs, floorMs: result.floorMs }));
  assert.deepEqual(loadProblems(result), [], JSON.stringify(result));
  assert.ok(result.streams.directory_audits!.expected > 99_000, `got ${result.streams.directory_audits!.expected} audit events in range`);
  assert.ok(result.streams.sign_ins!.expected > 19_000);
  // About 100 pages of 999 audit events and 20 of 1,000 sign-ins, all from one budget of 5 per 10 s.
  assert.ok(result.requests >= 120, `${result.requests} requests`);
  assert.ok(result.wallMs >= result.floorMs, `finished in ${result.wallMs} ms, under the model's floor of ${result.floorMs} ms`);
});

test('reports efficiency: a first 30-day sync of 10,000 sign-ins and 10,000 audit events takes at most 1.15x the least requests', async (t) => {
  // Request counts do not depend on time (the range, the windows and the pages are fixed by the tenant): nothing here is timed.
  // The same at 100,000: `npm run bench -- --scenario reports`, or node dist/scripts/reports-efficiency.js.
  const figures = await reportsEfficiency(10_000);
  t.diagnostic(JSON.stringify(figures));
  assert.deepEqual(
    figures.map((f) => f.stream),
    ['sign_ins', 'directory_audits'],
  );
  for (const f of figures) {
    assert.deepEqual(f.problems, [], `${f.stream}: ${f.problems.join('; ')}`);
    assert.ok(f.records > 9_900, `${f.stream}: ${f.records} records in range`);
    // The least: ceil(records / largest page) (1,000 sign-ins, 999 audit events a page).
    assert.equal(f.leastRequests, Math.ceil(f.records / (f.stream === 'sign_ins' ? 1000 : 999)));
    assert.ok(
      f.requests <= Math.floor(f.leastRequests * MAX_REQUESTS_OVER_LEAST),
      `${f.stream}: ${f.requests} requests, least ${f.leastRequests}`,
    );
    assert.ok(f.maxRecordsPerState <= MAX_RECORDS_PER_STATE);
    // Progress: one estimate, from the first page's density over the range (no split at this size); within 3x.
    assert.equal(f.estimates.length, 1, `${f.stream}: estimates ${f.estimates}`);
    assert.ok(
      f.estimates[0]! > f.records / 3 && f.estimates[0]! < f.records * 3,
      `${f.stream}: estimated ${f.estimates[0]} of ${f.records}`,
    );
  }
});
