// sign_ins splits a window that a sign-in burst overfills without wasting a reports request: the real stream and Graph client against the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphClient, GraphPage, PagesOptions } from '../../source-azure-client-credentials/graph/types.js';
import { signIns } from '../../source-azure-client-credentials/streams/sign-ins/sign-ins.js';
import type { StreamOutput } from '../../source-azure-client-credentials/streams/types.js';
import { PLANNER } from '../../source-azure-client-credentials/streams/windows/windows.js';
import { captureLog, type Setup, setup } from '../support/graph-helpers.js';
import { announcedRange } from '../support/sign-ins.js';

const SIGN_INS = 'GET /auditLogs/signIns';
const SPLIT = 'reading its older part in smaller windows';

/** The client, with every page handed to the stream counted (what the stream consumed), and pages() options optionally rewritten. */
function counting(graph: GraphClient, rewrite: (options: PagesOptions<unknown>) => PagesOptions<unknown> = (o) => o) {
  const counter = { pages: 0 };
  const wrapped: GraphClient = {
    ...graph,
    async *pages<T>(path: string, options?: PagesOptions<T>): AsyncIterable<GraphPage<T>> {
      for await (const page of graph.pages<T>(path, rewrite((options ?? {}) as PagesOptions<unknown>) as PagesOptions<T>)) {
        counter.pages++;
        yield page;
      }
    },
  };
  return { graph: wrapped, counter };
}

describe('sign_ins through a burst of sign-ins', () => {
  let s: Setup;
  before(async () => {
    s = await setup({
      // 2,000 steady sign-ins over 30 days, and 55,000 within 30 minutes three days ago: the planner's windows
      // have grown to days by then, so the burst's window must be split (more than once).
      sizes: { signIns: 2_000, signInBurst: { count: 55_000, minutes: 30, hoursAgo: 72 } },
      // Graph's reports limit (5 requests per 10 s), 100x faster for the emulator and the client alike.
      throttling: { enabled: true, timeScale: 100 },
    });
  });
  after(async () => s?.close());

  async function readAll(graph: GraphClient) {
    const lines: string[] = [];
    const outputs: StreamOutput<any>[] = [];
    s.emulator.resetMetrics();
    for await (const output of signIns.read({
      graph,
      config: s.config,
      log: captureLog(lines),
      syncMode: 'full_refresh',
      state: undefined,
    })) {
      if (output.kind !== 'json') outputs.push(output);
    }
    // A request read ahead is sent even after the stream has moved on: give any such request time to arrive.
    await sleep(300);
    const metrics = s.emulator.metrics();
    return {
      lines,
      records: outputs.filter((o) => o.kind === 'record').map((o) => (o as { data: any }).data),
      splits: lines.filter((l) => l.includes(SPLIT)).length,
      requests: metrics.requests[SIGN_INS] ?? 0,
      throttled: metrics.throttled,
    };
  }

  test('windows split, every reports request is a page the stream consumed, and the records equal the truth', async (t) => {
    const { graph, counter } = counting(s.graph);
    const run = await readAll(graph);
    t.diagnostic(`${run.requests} signIns requests, ${counter.pages} pages consumed, ${run.splits} splits, ${run.records.length} records`);
    assert.ok(run.splits >= 2, `the burst should force at least two splits, got ${run.splits}`);
    assert.equal(run.requests, counter.pages, 'a signIns request for a page the stream never consumed');
    assert.equal(run.throttled, 0);
    // The records are exactly the tenant's sign-ins in the announced range, each as Graph returns it plus loginLocation.
    const range = run.lines.map((l) => announcedRange(l.replace(/^INFO /, ''))).find((r) => r !== undefined);
    assert.ok(range, 'no range announced');
    const truth = s.emulator.truth.signIns(range.from, range.to);
    assert.ok(truth.length > 56_000, `the range should hold the burst and the steady sign-ins, got ${truth.length}`);
    const byId = new Map(run.records.map((r) => [r.id, r]));
    assert.equal(byId.size, truth.length, 'none missing, none extra');
    for (const expected of truth) assert.deepEqual(byId.get(expected.id), expected);
    // A split window's records down to its oldest one are out; the smaller windows re-read from the start of that
    // oldest record's second. Those, and only those, come twice (the destination de-duplicates by id).
    const seen = new Map<string, number>();
    for (const record of run.records) seen.set(record.id, (seen.get(record.id) ?? 0) + 1);
    assert.ok(
      [...seen.values()].every((n) => n <= 2),
      'a sign-in emitted three times',
    );
    const twice = [...seen].filter(([, n]) => n === 2).map(([id]) => byId.get(id)!);
    const seconds = new Set(twice.map((r) => String(r.createdDateTime).slice(0, 19)));
    assert.ok(seconds.size <= run.splits, `re-read sign-ins from ${seconds.size} seconds for ${run.splits} splits`);
    // The splits happened where the planner says: after splitAfterRecords records of one window.
    assert.ok(run.lines.some((l) => new RegExp(`holds more than ${PLANNER.splitAfterRecords} sign-ins`).test(l)));
  });

  test('control: with a read-ahead on every page (the behaviour before), each split costs one wasted request', async (t) => {
    // Proves the count above can fail: the same read, with the stream's readAhead answer dropped.
    const { graph, counter } = counting(s.graph, ({ readAhead: _dropped, ...rest }) => rest);
    const run = await readAll(graph);
    t.diagnostic(`${run.requests} signIns requests, ${counter.pages} pages consumed, ${run.splits} splits`);
    assert.ok(run.splits >= 2);
    assert.equal(run.requests, counter.pages + run.splits, `${run.requests} requests for ${counter.pages} pages and ${run.splits} splits`);
  });
});
