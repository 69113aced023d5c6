// sign_ins under the emulator's throttling model: a tenant big enough for dozens of reports requests gets zero 429.
// The same check at any size: `node dist/scripts/sign-ins-load.js <sign-ins> <time scale>`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProblems, runSignInsLoad } from '../../scripts/sign-ins-load.js';

test('200,000 sign-ins sync under the throttling model with zero 429 and nothing missing', async () => {
  // Time scale 50: Graph's 10 s reports window lasts 200 ms for both the emulator and the connector.
  const result = await runSignInsLoad(200_000, 50);
  assert.deepEqual(loadProblems(result), [], JSON.stringify(result));
  assert.ok(result.expected > 199_000, `the range should hold nearly all 200,000 sign-ins, got ${result.expected}`);
  // The reports budget (5 per 10 s, 50x faster here) is the floor: the connector must actually have been paced by it.
  assert.ok(result.requests >= 200, `${result.requests} requests`);
  assert.ok(result.wallMs >= result.floorMs, `finished in ${result.wallMs} ms, under the model's floor of ${result.floorMs} ms`);
});
