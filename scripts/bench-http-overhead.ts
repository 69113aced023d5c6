// `npm run bench:http`: the CPU one Graph request costs this process through the connector's client (got, pacing,
// token, error policy), through got alone, and through bare node:https, same emulator, same requests: the fixed
// per-request share of a stream's per-record ratio (issue 18). Prints figures; not a target, not part of `npm run bench`.
import { parseArgs } from 'node:util';
import got from 'got';
import { settleConfig } from '../source-azure-client-credentials/config.js';
import { createGraphClient } from '../source-azure-client-credentials/graph/client.js';
import type { Logger } from '../source-azure-client-credentials/logger.js';
import { fetchToken } from '../test/emulator/test-client.js';
import { median, SEED, tenantSizes, UNTHROTTLED, withEmulator } from './bench-common.js';
import { bareAgent, bareRequest } from './bench-https.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '500' }, rounds: { type: 'string', default: '11' } } });
const PER_ROUND = Number(values.requests);
const ROUNDS = Number(values.rounds);

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, debugEnabled: false };

interface Cost {
  cpuMs: number;
  wallMs: number;
}

/** One sequential request at a time: per-request CPU (user + system of this process) and wall, in ms. */
async function measure(send: () => Promise<unknown>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await send();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / PER_ROUND, wallMs: (performance.now() - started) / PER_ROUND };
}

await withEmulator('http overhead', { seed: SEED, sizes: tenantSizes(true), throttling: UNTHROTTLED }, async (emulator) => {
  const { url, credentials: c, config: raw } = emulator.ready;
  const env = { ...process.env, ...emulator.ready.env, AZURE_GRAPH_TIME_SCALE: String(UNTHROTTLED.timeScale) };
  const graph = createGraphClient(settleConfig(raw, env), { log: silent, env });
  const agent = bareAgent();
  const token = await fetchToken(url, c.tenantId, c.clientId, c.clientSecret);
  const bare = async (method: string, path: string, body?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return JSON.parse(await bareRequest(agent, `${url}${path}`, method, headers, body)) as unknown;
  };
  // got with nothing of the connector's around it: the same agent, token and JSON parsing, no hooks, no retries.
  const plainGot = got.extend({
    agent: { https: agent },
    headers: { authorization: `Bearer ${token}` },
    responseType: 'json',
    retry: { limit: 0 },
  });
  const gotAlone = (method: 'GET' | 'POST', path: string, body?: string) =>
    plainGot(`${url}${path}`, { method, ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) }).then(
      (response) => response.body,
    );
  try {
    // A one-record page (GET), and a $batch of 20 single objects (POST), the shape of every fan-out call.
    const ids = (await graph.get<{ value: { id: string }[] }>('/users', { query: { $top: 20, $select: 'id' } })).value.map((u) => u.id);
    const items = ids.map((id) => ({ key: id, path: `/users/${id}?$select=id` }));
    const batchBody = JSON.stringify({ requests: items.map((item, i) => ({ id: String(i), method: 'GET', url: item.path })) });
    const drain = async (iterable: AsyncIterable<unknown>) => {
      for await (const _ of iterable);
    };
    const kinds = {
      'GET one page': {
        connector: () => graph.get('/groups', { query: { $top: 1, $select: 'id' } }),
        got: () => gotAlone('GET', '/v1.0/groups?$top=1&$select=id'),
        bare: () => bare('GET', '/v1.0/groups?$top=1&$select=id'),
      },
      '$batch of 20': {
        connector: () => drain(graph.batchGet(items)),
        got: () => gotAlone('POST', '/v1.0/$batch', batchBody),
        bare: () => bare('POST', '/v1.0/$batch', batchBody),
      },
    };
    for (const [kind, sides] of Object.entries(kinds)) {
      // Warm every path (JIT, sockets, token) before measuring; each round runs the three in a rotating order.
      for (let i = 0; i < 100; i++) await Promise.all([sides.connector(), sides.got(), sides.bare()]);
      const order = ['connector', 'got', 'bare'] as const;
      const costs: Record<(typeof order)[number], Cost[]> = { connector: [], got: [], bare: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < order.length; k++) {
          const side = order[(round + k) % order.length]!;
          costs[side].push(await measure(sides[side]));
        }
      }
      const cpu = (side: keyof typeof costs) => median(costs[side].map((r) => r.cpuMs)).toFixed(3);
      const wall = (side: keyof typeof costs) => median(costs[side].map((r) => r.wallMs)).toFixed(3);
      const extra = (side: keyof typeof costs) => median(costs[side].map((r, i) => r.cpuMs - costs.bare[i]!.cpuMs)).toFixed(3);
      console.log(
        `${kind}: CPU per request: connector's client ${cpu('connector')} ms, got alone ${cpu('got')} ms, bare node:https ${cpu('bare')} ms; ` +
          `above bare (median of per-round differences): connector ${extra('connector')} ms, got alone ${extra('got')} ms. ` +
          `Wall per request ${wall('connector')}, ${wall('got')}, ${wall('bare')} ms (${ROUNDS} rounds of ${PER_ROUND} sequential requests per side)`,
      );
    }
  } finally {
    graph.close();
    agent.destroy();
  }
  return {};
});
