// `node dist/scripts/manager-cost.js [--users 5000,50000] [--sign-in-activity] [--time-scale 1]`: what the users stream's
// managerId costs in the two designs Graph allows, measured with the connector's own Graph client (pacing, retries,
// $batch) against the emulator (throttling model on, 30 ms per request), and printed as JSON:
// - expand: GET /users?$select=...&$expand=manager($select=id)&$top=999, which Graph serves 100 users a page
//   (known issue 13635) at 2 RU a page;
// - batched: GET /users?$select=...&$top=999, plus one GET /users/{id}?$select=id&$expand=manager($select=id) per user
//   through $batch (20 a call), 1 RU each: what a batched GET /users/{id}/manager?$select=id costs too.
// With --sign-in-activity the lists also select signInActivity (500 a page at most, 10 requests a minute).
import { parseArgs } from 'node:util';
import { settleConfig } from '../source-azure-client-credentials/config.js';
import { createGraphClient } from '../source-azure-client-credentials/graph/client.js';
import type { GraphClient } from '../source-azure-client-credentials/graph/types.js';
import type { Logger } from '../source-azure-client-credentials/logger.js';
import { USER_FIELDS } from '../source-azure-client-credentials/streams/users.js';
import { EmulatorChild } from './bench-emulator-child.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000,50000' },
    'sign-in-activity': { type: 'boolean', default: false },
    'time-scale': { type: 'string', default: '1' },
    designs: { type: 'string', default: 'expand,batched' },
  },
});
const timeScale = Number(values['time-scale']);
const withSignInActivity = values['sign-in-activity'];
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

type Design = 'expand' | 'batched';

/** Reads every user and its manager's id the `design` way; returns how many users have a manager. */
async function readManagers(graph: GraphClient, design: Design): Promise<{ users: number; managed: number }> {
  const select = [...USER_FIELDS, ...(withSignInActivity ? ['signInActivity'] : [])].join(',');
  const $top = withSignInActivity ? 500 : 999;
  let users = 0;
  let managed = 0;
  if (design === 'expand') {
    for await (const user of graph.list<{ id: string; manager?: { id?: string } }>('/users', {
      query: { $select: select, $expand: 'manager($select=id)', $top },
    })) {
      users++;
      if (user.manager?.id) managed++;
    }
    return { users, managed };
  }
  // The list's ids feed the batched reads as the pages arrive: both run at once, within the client's concurrency.
  async function* ids() {
    for await (const user of graph.list<{ id: string }>('/users', { query: { $select: select, $top } })) {
      users++;
      yield { key: user.id, path: `/users/${user.id}?$select=id&$expand=manager($select=id)` };
    }
  }
  for await (const answer of graph.batchGet<{ manager?: { id?: string } }>(ids())) if (answer.body?.manager?.id) managed++;
  return { users, managed };
}

const results: Record<string, unknown>[] = [];
for (const count of values.users.split(',').map(Number)) {
  const emulator = await EmulatorChild.start({
    seed: 2026,
    sizes: { users: count, servicePrincipals: 10, groups: 2, assignments: 10, signIns: 0, signInsBeyondRetention: 0 },
    latencyMs: 30,
    throttling: { enabled: true, timeScale },
  });
  try {
    for (const design of values.designs.split(',') as Design[]) {
      const config = settleConfig(emulator.ready.config, emulator.ready.env);
      const graph = createGraphClient(config, { log: quiet, env: { ...process.env, ...emulator.ready.env } });
      await graph.grantedRoles();
      await emulator.reset();
      const started = performance.now();
      const read = await readManagers(graph, design);
      const wallMs = Math.round(performance.now() - started);
      const metrics = await emulator.metrics();
      const batchItems = Object.entries(metrics.requests)
        .filter(([label]) => label.startsWith('batch '))
        .reduce((n, [, c]) => n + c, 0);
      graph.close();
      const result = {
        users: count,
        design,
        signInActivity: withSignInActivity,
        timeScale,
        read,
        httpRequests: metrics.totalRequests - batchItems,
        batchItems,
        resourceUnits: metrics.resourceUnits,
        throttled429: metrics.throttled,
        wallMs,
        // Graph's windows run timeScale times faster here: a wall bound by them is that much longer against Graph.
        wallMsAtGraphSpeed: wallMs * timeScale,
      };
      console.log(JSON.stringify(result));
      results.push(result);
    }
  } finally {
    await emulator.stop();
  }
}
