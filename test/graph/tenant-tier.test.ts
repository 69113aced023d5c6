// The identity budget follows the tenant's size tier, learnt from GET /users/$count (ConsistencyLevel: eventual); unknown size: the smallest tier.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { identityBudgetFor, identityTier, Pacer } from '../../source-azure-client-credentials/graph/pacing.js';
import { setup } from '../support/graph-helpers.js';

describe("the tenant's throttling tier", () => {
  test('3,500 RU under 50 users, 5,000 for 50-500, 8,000 above; a count within 10% above a threshold takes the lower tier', () => {
    const tiers = [0, 49, 50, 55, 56, 500, 550, 551, 50_000].map((users) => [users, identityTier(users)]);
    assert.deepEqual(tiers, [
      [0, 3_500],
      [49, 3_500],
      [50, 3_500],
      [55, 3_500],
      [56, 5_000],
      [500, 5_000],
      [550, 5_000],
      [551, 8_000],
      [50_000, 8_000],
    ]);
    assert.equal(identityTier(undefined), 3_500);
    // The client spends 6/7 of its tier: 3,000 of 3,500 as before, 4,285 of 5,000, 6,857 of 8,000.
    assert.deepEqual([undefined, 100, 10_000].map(identityBudgetFor), [3_000, 4_285, 6_857]);
  });

  test('a raised budget lets a request through at once that the smallest would have held for a window', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new Pacer({
      timeScale: 1,
      identityRuPer10s: identityBudgetFor(undefined),
      reportsPer10s: 5,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    await pacer.acquire('identity', 2_500);
    pacer.setIdentityBudget(identityBudgetFor(10_000));
    await pacer.acquire('identity', 2_500);
    assert.deepEqual(waits, [], '5,000 RU within 6,857');
    pacer.setIdentityBudget(identityBudgetFor(undefined));
    await pacer.acquire('identity', 100);
    assert.ok(waits.length > 0 && waits[0]! > 0, 'back at 3,000 the next request waits');
  });

  test('count(/users) asks with ConsistencyLevel: eventual, once, and paces to the tier of the answer', async () => {
    const s = await setup({ sizes: { users: 600 } });
    try {
      const [first, second] = await Promise.all([s.graph.count('/users'), s.graph.count('users')]);
      assert.equal(first, 600);
      assert.equal(second, 600);
      assert.equal(s.emulator.metrics().requests['GET /users/$count'], 1, 'asked once');
      assert.ok(s.lines.includes('DEBUG The tenant has 600 users: pacing to 6857 RU per 10 s of its identity budget.'), s.lines.join('\n'));
      assert.equal(await s.graph.count('/groups'), s.emulator.tenant.groups.length);
    } finally {
      await s.close();
    }
  });

  test('a count Graph refuses gives undefined, the smallest tier and a DEBUG line, never an error', async () => {
    const s = await setup({
      sizes: { users: 600 },
      faults: [{ kind: 'status', status: 403, times: 5, path: '^/v1\\.0/users/\\$count' }],
    });
    try {
      assert.equal(await s.graph.count('/users'), undefined);
      assert.ok(s.lines.includes("DEBUG The tenant's size is unknown: pacing to the smallest identity budget, 3000 RU per 10 s."));
      // Nothing above DEBUG but the test hosts' own WARN.
      assert.deepEqual(
        s.lines.filter((line) => !line.startsWith('DEBUG') && !line.includes('overrides the global cloud')),
        [],
      );
    } finally {
      await s.close();
    }
  });
});
