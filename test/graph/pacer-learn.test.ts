// Pacer.learn, the one entry for what an answer teaches: cost settled and corrected to Graph's charge, limit percentage, Retry-After block, 429s counted; and the pacing headers it reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pacer, pacingHeaders } from '../../source-azure-client-credentials/graph/pacing.js';

function pacer() {
  let t = 1_000_000;
  const slept: number[] = [];
  const stats = { requests: 0, retries: 0, throttled: 0, waitMs: 0 };
  const p = new Pacer({
    timeScale: 1,
    identityRuPer10s: 10,
    reportsPer10s: 5,
    stats,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  });
  return { p, stats, slept, advance: (ms: number) => (t += ms) };
}

test('the cost counts from the answer, not from the send', async () => {
  const { p, slept, advance } = pacer();
  const { entry } = await p.acquire('identity', 9);
  advance(2_000); // the answer comes 2 s after the request went out
  p.learn('identity', { entry });
  // The window (10 s * 1.05 + 20 ms) of those 9 RU starts at the answer: 10.52 s from now, not 8.52 s.
  await p.acquire('identity', 2);
  assert.deepEqual(slept, [10_520]);
});

test('the charge Graph reports replaces the estimate', async () => {
  const { p, slept } = pacer();
  const { entry } = await p.acquire('identity', 9);
  p.learn('identity', { entry, charged: 1 });
  await p.acquire('identity', 9); // 1 RU charged: 9 of 10 are free
  assert.deepEqual(slept, []);
});

test('reports are counted in requests: a charge header does not change them', async () => {
  const { p, slept } = pacer();
  for (let i = 0; i < 5; i++) {
    const { entry } = await p.acquire('reports', 1);
    p.learn('reports', { entry, charged: 0 });
  }
  await p.acquire('reports', 1);
  assert.equal(slept.length, 1, 'the sixth request waited for the window');
});

test('429s are counted, a Retry-After blocks the bucket, and the waits are counted too', async () => {
  const { p, stats, slept } = pacer();
  p.learn('identity', { throttled: 1, blockedUntil: 1_000_000 + 2_500 });
  p.learn('identity', { throttled: 2 });
  assert.equal(stats.throttled, 3);
  const longWaits: number[] = [];
  await p.acquire('identity', 1, (until) => longWaits.push(until));
  assert.deepEqual(slept, [2_500]);
  assert.deepEqual(longWaits, [1_000_000 + 2_500]);
  assert.equal(stats.waitMs, 2_500);
  // The reports bucket was not blocked.
  await p.acquire('reports', 1);
  assert.deepEqual(slept, [2_500]);
});

test('a limit percentage beyond what this client spent slows the bucket down', async () => {
  const { p, slept } = pacer();
  p.learn('identity', { limitPercentage: 1.2 }); // another caller of the app: the share halves to 5 RU
  for (let i = 0; i < 5; i++) await p.acquire('identity', 1);
  assert.deepEqual(slept, []);
  await p.acquire('identity', 1);
  assert.equal(slept.length, 1);
});

test('pacing headers are read as numbers; absent or unreadable ones are left out', () => {
  assert.deepEqual(pacingHeaders({ 'x-ms-resource-unit': '2', 'x-ms-throttle-limit-percentage': '0.9' }), {
    charged: 2,
    limitPercentage: 0.9,
  });
  assert.deepEqual(pacingHeaders({ 'x-ms-resource-unit': 'n/a' }), { charged: undefined, limitPercentage: undefined });
  assert.deepEqual(pacingHeaders({}), { charged: undefined, limitPercentage: undefined });
});
