// Logs the emulator's own serving rate (records/s over HTTPS, client in worker threads) on a mid-size generated tenant.
// The full-size figure (100k users, 200k sign-ins) comes from `node dist/test/emulator/throughput.js`.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { generateTenant } from '../emulator/tenant.js';
import { measureThroughput } from '../emulator/throughput.js';

it('serves every user and in-retention sign-in of a 20k/40k tenant and logs records per second', async (t) => {
  const started = performance.now();
  const tenant = generateTenant(11, { users: 20_000, signIns: 40_000, servicePrincipals: 50, groups: 20, assignments: 500 });
  const result = await measureThroughput(tenant, Math.round(performance.now() - started), 2);
  t.diagnostic(`emulator throughput: ${JSON.stringify(result)}`);
  assert.equal(result.users.records, 2 * 20_000);
  // The windows cover retention minus its first minute; the generator spreads sign-ins over the whole of it.
  assert.ok(result.signIns.records > 39_000 && result.signIns.records <= 40_000, String(result.signIns.records));
});
