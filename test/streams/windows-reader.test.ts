// Unit tests of the window engine's reader against an in-memory Graph: any answer order, splits only on newest-first answers, the short-retention fallback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphClient, GraphPage, PagesOptions } from '../../source-azure-client-credentials/graph/types.js';
import type { StreamOutput } from '../../source-azure-client-credentials/streams/types.js';
import { readWindowed, type WindowedLog } from '../../source-azure-client-credentials/streams/windows/reader.js';
import { captureLog } from '../support/graph-helpers.js';
import { assertCheckpointsSound as assertSound, isoOf, ticksOf } from '../support/log-checkpoints.js';

type Event = { id: string; at: string };
type Order = 'newestFirst' | 'oldestFirst' | 'unordered';

// The test's own instants: 100-ns ticks since the epoch, written independently of the engine's instants.ts.
const SECOND = 10_000_000n;
const MINUTE = 60n * SECOND;
const DAY = 24n * 60n * MINUTE;

const NOW = '2026-11-15T10:20:30.456Z';
const NOW_MS = Date.parse(NOW);
const now = ticksOf(NOW);
/** The range every first read here covers: 30 days minus the 15-minute margin (rounded up) to now minus the 2-minute lag. */
const START_30 = ticksOf('2026-10-16T10:35:31Z');
const START_7 = ticksOf('2026-11-08T10:35:31Z');
const END = ticksOf('2026-11-15T10:18:30Z');

/** A seeded shuffle, the same for the same filter (as a server would answer every page of one query in one order). */
function shuffle<T>(items: T[], seed: string): T[] {
  let state = [...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 3266489909) >>> 0;
    return state / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * /auditLogs/things with `at ge A and at le B`, in `order`, 999 per page. `refuseBefore`: a literal older than this is
 * refused with 400 BadRequest, as the reports service answers a date older than it keeps. `requests` counts the pages asked for.
 */
function fakeGraph(all: Event[], order: Order, refuseBefore?: bigint) {
  const requests: string[] = [];
  const graph = {
    async *pages<T>(path: string, options?: PagesOptions<T>): AsyncIterable<GraphPage<T>> {
      assert.equal(path, '/auditLogs/things');
      assert.equal(options?.bucket, 'reports');
      const filter = String(options?.query?.$filter);
      const match = /^at ge (\S+) and at le (\S+)$/.exec(filter);
      assert.ok(match, `unexpected filter ${filter}`);
      const [from, to] = [ticksOf(match[1]!), ticksOf(match[2]!)];
      requests.push(filter);
      if (refuseBefore !== undefined && from < refuseBefore)
        throw Object.assign(new Error('Invalid filter clause'), { status: 400, code: 'BadRequest' });
      const hits = all.filter((e) => ticksOf(e.at) >= from && ticksOf(e.at) <= to).sort((a, b) => (ticksOf(b.at) > ticksOf(a.at) ? 1 : -1));
      const ordered = order === 'newestFirst' ? hits : order === 'oldestFirst' ? hits.reverse() : shuffle(hits, filter);
      const top = Number(options?.query?.$top);
      for (let offset = 0; ; offset += top) {
        const more = offset + top < ordered.length;
        const page: GraphPage<T> = {
          value: ordered.slice(offset, offset + top) as T[],
          ...(more ? { nextLink: `https://graph.example/next/${offset + top}` } : {}),
        };
        if (offset > 0) requests.push(`${filter} skip=${offset}`);
        yield page;
        if (!more) return;
      }
    },
  } as unknown as GraphClient;
  return { graph, requests };
}

const LOG: WindowedLog<Event, Event & { seen: true }> = {
  stream: 'things',
  cursor: 'at',
  noun: 'things',
  logs: 'thing logs',
  retentionDays: 30,
  request: (filter) => ({ path: '/auditLogs/things', query: { $filter: filter, $top: 999 } }),
  record: (event) => ({ ...event, seen: true }),
};

async function read(graph: GraphClient, log: WindowedLog<Event, Event & { seen: true }> = LOG, cursor?: bigint) {
  const lines: string[] = [];
  const outputs: StreamOutput<Event & { seen: true }>[] = [];
  for await (const output of readWindowed(log, {
    graph,
    log: captureLog(lines),
    nowMs: NOW_MS,
    lookbackMinutes: 60,
    ...(cursor !== undefined ? { cursor } : {}),
    checkpoint: (position) => ({ at: position }),
  })) {
    outputs.push(output);
  }
  return { outputs, lines, records: outputs.filter((o) => o.kind === 'record').map((o) => (o as { data: Event & { seen: true } }).data) };
}

let serial = 0;
const event = (ticks: bigint): Event => ({ id: `e${serial++}`, at: isoOf(ticks) });

/** A quiet month, then 40,000 events within 10 minutes three days ago (ties included): a window the planner cannot foresee. */
function month(): Event[] {
  const events: Event[] = [];
  for (let i = 0; i < 3_000; i++) events.push(event(START_30 + BigInt(i) * 14n * MINUTE + BigInt(i % 7)));
  const burst = now - 3n * DAY;
  for (let i = 0; i < 40_000; i++) events.push(event(burst + BigInt(i % 20_000) * 300_000n));
  return events.filter((e) => ticksOf(e.at) < END);
}

for (const order of ['newestFirst', 'oldestFirst', 'unordered'] as const) {
  test(`answers ${order}: every event of the range exactly once, checkpoints never pass an unread one`, async () => {
    const all = month();
    const { graph, requests } = fakeGraph(all, order);
    const { outputs, lines, records } = await read(graph);
    assert.ok(
      lines.includes(`INFO things: reading things with at from ${isoOf(START_30)} up to (not including) ${isoOf(END)}.`),
      lines.join('\n'),
    );
    assert.equal(isoOf(assertCheckpointsSound(outputs, all, START_30, order === 'newestFirst' ? 50_000 : 45_000)), isoOf(END));
    assert.ok(records.every((r) => r.seen));
    // Each event exactly once: a split skips the records of its boundary second that are already out.
    assert.equal(records.length, all.length);
    assert.deepEqual(new Set(records.map((r) => r.id)), new Set(all.map((e) => e.id)));
    const splits = lines.filter((l) => l.includes('reading its older part in smaller windows')).length;
    const whole = `at ge ${isoOf(START_30)} and at le ${isoOf(END)}`;
    assert.equal(requests[0], whole, 'the first window is the whole range');
    if (order === 'newestFirst') {
      // Newest first: the whole range's window is split where it gets large, and the burst's window again.
      assert.ok(splits >= 1, 'the burst should split a window');
    } else {
      // Any other order: no split (the engine cannot know what is already out). The whole range's first page shows it,
      // and that page is the one request given up: the range is read again from 1-hour windows, with an INFO saying why.
      assert.equal(splits, 0);
      assert.equal(requests[1], `at ge ${isoOf(START_30)} and at le ${isoOf(START_30 + 3600n * SECOND)}`);
      assert.equal(requests.filter((r) => r.startsWith(whole)).length, 1, 'no read-ahead of the given-up window');
      assert.ok(lines.some((l) => l.startsWith('INFO things: Microsoft Graph does not answer') && l.includes('newest first')));
    }
  });
}

test('ESTIMATE: from the first page of the whole range, made again from the first split; none for a range read in one page', async () => {
  // 60,000 events evenly over the range: the first page's density is the range's.
  const span = END - START_30;
  const even = Array.from({ length: 60_000 }, (_, i) => event(START_30 + (span * BigInt(i)) / 60_000n + 1n));
  const { outputs } = await read(fakeGraph(even, 'newestFirst').graph);
  const kinds = outputs.map((o) => o.kind);
  const estimates = outputs.flatMap((o) => (o.kind === 'estimate' ? [o.rows] : []));
  assert.equal(kinds[0], 'estimate', 'the first estimate comes before the first record');
  assert.equal(estimates.length, 2);
  for (const rows of estimates) assert.ok(Math.abs(rows - 60_000) < 600, `estimated ${rows} of 60,000`);
  const quiet = await read(fakeGraph(even.slice(0, 500), 'newestFirst').graph);
  assert.equal(quiet.outputs.filter((o) => o.kind === 'estimate').length, 0);
});

test('short retention: a first window Graph refuses as too old (400) is read again from the short retention, with a warning', async () => {
  const all = month().filter((e) => ticksOf(e.at) >= START_7);
  const { graph, requests } = fakeGraph(all, 'newestFirst', START_7);
  const short: typeof LOG = { ...LOG, shortRetention: { days: 7, tenants: 'tenants without a licence' } };
  const { outputs, lines, records } = await read(graph, short);
  assert.equal(requests[0], `at ge ${isoOf(START_30)} and at le ${isoOf(END)}`, 'first asked for the whole 30 days');
  assert.ok(
    lines.includes(
      `WARN things: Microsoft Graph refused at ${isoOf(START_30)} as invalid (400), as it does for a date older than it keeps: the tenant keeps thing logs for 7 days (tenants without a licence). Reading from ${isoOf(START_7)} instead; things before that are no longer available.`,
    ),
    lines.join('\n'),
  );
  assert.ok(lines.includes(`INFO things: reading things with at from ${isoOf(START_7)} up to (not including) ${isoOf(END)}.`));
  assert.equal(isoOf(assertCheckpointsSound(outputs, all, START_7, 50_000)), isoOf(END));
  assert.deepEqual(new Set(records.map((r) => r.id)), new Set(all.map((e) => e.id)));
  assert.equal(requests.filter((r) => ticksOf(/ge (\S+)/.exec(r)![1]!) < START_7).length, 1, 'one refused request, not retried');
});

test('short retention: a Graph that serves old literals is read from 30 days without a warning', async () => {
  const all = month().filter((e) => ticksOf(e.at) >= START_7); // a tenant that keeps 7 days simply has nothing older
  const { graph } = fakeGraph(all, 'newestFirst');
  const { lines, records } = await read(graph, { ...LOG, shortRetention: { days: 7, tenants: 'tenants without a licence' } });
  assert.equal(lines.filter((l) => l.startsWith('WARN')).length, 0);
  assert.ok(lines.includes(`INFO things: reading things with at from ${isoOf(START_30)} up to (not including) ${isoOf(END)}.`));
  assert.deepEqual(new Set(records.map((r) => r.id)), new Set(all.map((e) => e.id)));
});

test('without a short retention, or inside it, a 400 fails the read as it is', async () => {
  const all = month();
  await assert.rejects(read(fakeGraph(all, 'newestFirst', START_7).graph), /Invalid filter clause/);
  // A saved cursor inside the short retention: the refusal is not about retention, so it is not taken for it.
  const short: typeof LOG = { ...LOG, shortRetention: { days: 7, tenants: 'tenants without a licence' } };
  await assert.rejects(read(fakeGraph(all, 'newestFirst', END).graph, short, now - DAY), /Invalid filter clause/);
});

/** The windowed reader's checkpoints over these events (state { at }). */
const assertCheckpointsSound = (outputs: StreamOutput<Event>[], all: Event[], from: bigint, maxRecords: number): bigint =>
  assertSound(outputs, all, {
    from,
    maxRecords,
    instantOf: (e) => ticksOf(e.at),
    cursorOf: (state) => (state as { at: string }).at,
    noun: 'events',
  });
