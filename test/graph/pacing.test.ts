// Pacing math: the sliding-window budget, its proactive slow-down, Retry-After blocks, request costs and bounded concurrency.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pacer, Semaphore, WindowBudget } from '../../source-azure-client-credentials/graph/pacing.js';
import { estimateCost, selectLimits, selectsSignInActivity } from '../../source-azure-client-credentials/graph/urls.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('a window budget admits up to its limit, then waits until the oldest cost leaves the window', () => {
  const c = clock();
  const b = new WindowBudget(10, 1000, c.now);
  b.take(4);
  c.advance(100);
  b.take(4);
  assert.equal(b.delay(2), 0);
  assert.equal(b.delay(3), 900); // the first 4 leave at +1000
  c.advance(899);
  assert.equal(b.delay(3), 1);
  c.advance(1);
  assert.equal(b.delay(3), 0);
  assert.equal(b.used(), 4);
});

test('a cost above the limit is clamped so it can still go out alone', () => {
  const c = clock();
  const b = new WindowBudget(5, 1000, c.now);
  assert.equal(b.delay(50), 0);
  b.take(50);
  assert.equal(b.delay(1), 1000);
});

test('the charge Graph reports replaces the estimate', () => {
  const c = clock();
  const b = new WindowBudget(10, 1000, c.now);
  const entry = b.take(9);
  assert.equal(b.delay(2), 1000);
  b.correct(entry, 1);
  assert.equal(b.delay(2), 0);
});

test('a Retry-After blocks the whole bucket until then', () => {
  const c = clock();
  const b = new WindowBudget(100, 1000, c.now);
  b.block(c.now() + 2500);
  assert.equal(b.delay(1), 2500);
  c.advance(2500);
  assert.equal(b.delay(1), 0);
});

test('x-ms-throttle-limit-percentage cuts the usable share (AIMD) and quiet windows restore it', () => {
  const c = clock();
  const b = new WindowBudget(100, 1000, c.now);
  b.pressure(0.5); // below 0.8: Graph does not send it; ignored
  assert.equal(b.effectiveLimit(), 100);
  b.pressure(0.9);
  assert.equal(b.effectiveLimit(), 75);
  b.pressure(0.9); // within half a window: no second cut
  assert.equal(b.effectiveLimit(), 75);
  c.advance(500);
  b.pressure(1.2); // at or above the limit: halve
  assert.equal(b.effectiveLimit(), 37);
  c.advance(1000);
  b.delay(1);
  assert.equal(b.effectiveLimit(), 47);
  c.advance(10_000);
  b.delay(1);
  assert.equal(b.effectiveLimit(), 100);
});

test('the pacer divides the windows by the time scale and reports long waits', async () => {
  const c = clock();
  const slept: number[] = [];
  const pacer = new Pacer({
    timeScale: 10,
    identityRuPer10s: 3000,
    reportsPer10s: 5,
    now: c.now,
    sleep: async (ms) => {
      slept.push(ms);
      c.advance(ms);
    },
  });
  // 10 s / 10 * 1.05 + 20 ms slack = 1070 ms window for the reports bucket.
  for (let i = 0; i < 5; i++) await pacer.acquire('reports', 1);
  assert.deepEqual(slept, []);
  const longWaits: number[] = [];
  const { waitedMs } = await pacer.acquire('reports', 1, (until) => longWaits.push(until));
  assert.deepEqual(slept, [1070]);
  assert.equal(waitedMs, 1070);
  assert.equal(longWaits.length, 1);
  // The identity bucket is separate: not affected by reports.
  await pacer.acquire('identity', 2);
  assert.deepEqual(slept, [1070]);
});

test('no more than the reports limit goes out in any window', async () => {
  const c = clock();
  const sent: number[] = [];
  const pacer = new Pacer({ timeScale: 1, identityRuPer10s: 3000, reportsPer10s: 5, now: c.now, sleep: async (ms) => void c.advance(ms) });
  for (let i = 0; i < 23; i++) {
    await pacer.acquire('reports', 1);
    sent.push(c.now());
    c.advance(37);
  }
  for (const t of sent) assert.ok(sent.filter((s) => s >= t && s < t + 10_000).length <= 5);
});

test('signInActivity requests are also held to 10 per minute', async () => {
  const c = clock();
  const pacer = new Pacer({ timeScale: 1, identityRuPer10s: 3000, reportsPer10s: 5, now: c.now, sleep: async (ms) => void c.advance(ms) });
  const start = c.now();
  for (let i = 0; i < 11; i++) await pacer.acquire('identity', 1, undefined, { signInActivity: 1 });
  assert.ok(c.now() - start >= 60_000);
  assert.equal(selectsSignInActivity('https://g/v1.0/users?$select=id,signInActivity&$top=500'), true);
  assert.equal(selectsSignInActivity('https://g/v1.0/users?$select=id%2CsignInActivity'), true);
  assert.equal(selectsSignInActivity('https://g/v1.0/users?$select=id'), false);
});

test('keyCredentials requests are held to 150 per minute, a $batch counting its items; other requests are not', async () => {
  const c = clock();
  const pacer = new Pacer({
    timeScale: 1,
    identityRuPer10s: 100_000,
    reportsPer10s: 5,
    now: c.now,
    sleep: async (ms) => void c.advance(ms),
  });
  const start = c.now();
  // Seven batches of 20 limited items and one of 10: 150 within the first minute, the next one waits for the window.
  for (let i = 0; i < 7; i++) await pacer.acquire('identity', 1, undefined, { keyCredentials: 20 });
  await pacer.acquire('identity', 1, undefined, { keyCredentials: 10 });
  assert.equal(c.now() - start, 0);
  for (let i = 0; i < 50; i++) await pacer.acquire('identity', 1);
  assert.equal(c.now() - start, 0, 'requests without keyCredentials do not wait for its budget');
  await pacer.acquire('identity', 1, undefined, { keyCredentials: 1 });
  assert.ok(c.now() - start >= 60_000);
});

test('selectLimits: keyCredentials on applications and service principals, selected or by default; never on their relationships', () => {
  const root = 'https://graph.microsoft.com/v1.0';
  assert.deepEqual(selectLimits(`${root}/applications?$select=id,keyCredentials&$top=100`), { keyCredentials: 1 });
  assert.deepEqual(selectLimits(`${root}/applications?$select=id%2CKeyCredentials`), { keyCredentials: 1 });
  assert.deepEqual(selectLimits('/applications/abc?$select=id,passwordCredentials,keyCredentials'), { keyCredentials: 1 });
  // No $select: the default properties include keyCredentials; a saved delta link hides its $select in the token.
  assert.deepEqual(selectLimits(`${root}/servicePrincipals`), { keyCredentials: 1 });
  assert.deepEqual(selectLimits(`${root}/applications/delta()?$deltatoken=abc`), { keyCredentials: 1 });
  assert.deepEqual(selectLimits(`${root}/servicePrincipals?$select=id,appId&$top=999`), {});
  assert.deepEqual(selectLimits(`${root}/applications?$select=id&$top=1`), {});
  assert.deepEqual(selectLimits('/applications/abc/owners?$select=id&$top=999'), {});
  assert.deepEqual(selectLimits(`${root}/servicePrincipals/abc/appRoleAssignedTo?$top=999`), {});
  assert.deepEqual(selectLimits(`${root}/users?$select=id,signInActivity`), { signInActivity: 1 });
  assert.deepEqual(selectLimits(`${root}/users`), {});
});

test('request costs follow the documented table', () => {
  assert.equal(estimateCost('/users'), 2);
  assert.equal(estimateCost('/users?$select=id,mail&$top=999'), 1);
  assert.equal(estimateCost('/users/delta?$select=id'), 1);
  assert.equal(estimateCost('/groups/abc/members?$top=999'), 3);
  assert.equal(estimateCost('/groups/abc/members?$select=id'), 2);
  assert.equal(estimateCost('/groups/abc/transitiveMembers'), 5);
  assert.equal(estimateCost('/servicePrincipals?$select=id'), 1);
  assert.equal(estimateCost('/servicePrincipals?$expand=owners'), 2);
  assert.equal(estimateCost('/users?$top=1&$select=id'), 1);
  assert.equal(estimateCost('/users?$top=5'), 1);
  assert.equal(estimateCost('https://graph.microsoft.com/v1.0/users?$skiptoken=abc'), 2);
  assert.equal(estimateCost('https://graph.microsoft.com/v1.0/Users?%24select=id'), 1);
  assert.equal(estimateCost('/applications?$select=id,keyCredentials&$expand=owners($select=id)&$top=100'), 2);
  assert.equal(estimateCost('/applications/delta?$select=id'), 1);
  assert.equal(estimateCost('/applications/abc'), 2);
  assert.equal(estimateCost('/applications/abc/owners?$select=id&$top=999'), 1);
  assert.equal(estimateCost('/oauth2PermissionGrants'), 2);
  assert.equal(estimateCost('/subscribedSkus?$select=skuId'), 2);
  assert.equal(estimateCost('/subscribedSkus'), 3);
  assert.equal(estimateCost('/roleManagement/directory/roleAssignments?$expand=principal'), 2);
});

test('the semaphore bounds concurrency and runs everything', async () => {
  const sem = new Semaphore(3);
  let active = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      sem.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return i;
      }),
    ),
  );
  assert.equal(peak, 3);
  assert.deepEqual(
    results,
    Array.from({ length: 20 }, (_, i) => i),
  );
});
