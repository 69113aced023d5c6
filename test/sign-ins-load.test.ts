// sign_ins under the emulator's throttling model: a tenant big enough for dozens of reports requests gets zero 429.
// The 200,000-sign-in version of this check is `node dist/scripts/sign-ins-load.js 200000 50` (about a minute; too slow for CI).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProblems, runSignInsLoad } from '../scripts/sign-ins-load.js';

test('40,000 sign-ins sync under the throttling model with zero 429 and nothing missing', async () => {
  const result = await runSignInsLoad(40_000, 20);
  assert.deepEqual(loadProblems(result), [], JSON.stringify(result));
  assert.ok(result.expected > 39_000, `the range should hold nearly all 40,000 sign-ins, got ${result.expected}`);
  // The reports budget (5 per 10 s, 20x faster here) is the floor: the connector must actually have been paced by it.
  assert.ok(result.requests >= 40, `${result.requests} requests`);
  assert.ok(result.wallMs >= result.floorMs, `finished in ${result.wallMs} ms, under the model's floor of ${result.floorMs} ms`);
});
