// Unit tests of the sign_ins stream's read against an in-memory Graph (newest-first pages), and of its state parsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import type { GraphClient, GraphPage, PagesOptions } from '../../source-azure-client-credentials/graph/types.js';
import type { Logger } from '../../source-azure-client-credentials/logger.js';
import { loginLocation, signIns } from '../../source-azure-client-credentials/streams/sign-ins/sign-ins.js';
import { parseSignInsState } from '../../source-azure-client-credentials/streams/sign-ins/state.js';
import type { StreamOutput } from '../../source-azure-client-credentials/streams/types.js';
import { assertCheckpointsSound as assertSound, isoOf, ticksOf } from '../support/log-checkpoints.js';

type SignIn = { id: string; createdDateTime: string; location?: Record<string, unknown> | null };

// The test's own instants, written independently of the connector's instants.ts: 100-ns ticks since the epoch.
const SECOND = 10_000_000n;
const MINUTE = 60n * SECOND;

/** Every read in this file runs at this frozen instant, so that the expected ranges can be written out. */
const NOW = '2026-11-15T10:20:30.456Z';
const NOW_MS = Date.parse(NOW);
const now = ticksOf(NOW);

/** When each generated sign-in happened, as the test made it (never parsed back from the record). */
const createdAt = new Map<string, bigint>();
const at = (signIn: SignIn) => createdAt.get(signIn.id)!;

/**
 * Serves /auditLogs/signIns like Graph: $filter ge/le on createdDateTime, newest first, $top per page.
 * `requests` are the pages Graph would be asked for by the real client, which requests the next page as
 * soon as one arrives unless readAhead says no; `consumed` counts the pages handed to the stream.
 */
function fakeGraph(all: SignIn[]) {
  const sorted = [...all].sort((a, b) => (at(b) > at(a) ? 1 : -1));
  const requests: string[] = [];
  const served = { consumed: 0 };
  const graph = {
    async *pages<T>(path: string, options?: PagesOptions<T>): AsyncIterable<GraphPage<T>> {
      assert.equal(path, '/auditLogs/signIns');
      assert.equal(options?.bucket, 'reports');
      const filter = String(options?.query?.$filter);
      const match = /^createdDateTime ge (\S+) and createdDateTime le (\S+)$/.exec(filter);
      assert.ok(match, `unexpected filter ${filter}`);
      const from = ticksOf(match[1]!);
      const to = ticksOf(match[2]!);
      const top = Number(options?.query?.$top);
      const hits = sorted.filter((s) => at(s) >= from && at(s) <= to);
      let requested = false;
      for (let offset = 0; ; offset += top) {
        if (!requested) requests.push(`${filter} skip=${offset}`);
        const value = hits.slice(offset, offset + top) as T[];
        const more = offset + top < hits.length;
        const page: GraphPage<T> = more
          ? { value, nextLink: `https://graph.example/v1.0/auditLogs/signins?$skiptoken=${offset + top}` }
          : { value };
        requested = more && (options?.readAhead?.(page) ?? true);
        if (requested) requests.push(`${filter} skip=${offset + top}`);
        served.consumed++;
        yield page;
        if (!more) return;
      }
    },
  } as unknown as GraphClient;
  return { graph, requests, served };
}

const config = (overrides: Partial<Config> = {}) => ({ sign_in_lookback_minutes: 60, ...overrides }) as Config;

function logger() {
  const lines: string[] = [];
  const log: Logger = {
    debug: (m) => lines.push(`DEBUG ${m}`),
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    error: (m) => lines.push(`ERROR ${m}`),
    debugEnabled: true,
  };
  return { log, lines };
}

async function collect(graph: GraphClient, options: { state?: { createdDateTime?: string }; config?: Config } = {}) {
  const { log, lines } = logger();
  const outputs: StreamOutput<any>[] = [];
  for await (const output of signIns.read({
    graph,
    config: options.config ?? config(),
    log,
    syncMode: options.state ? 'incremental' : 'full_refresh',
    state: options.state,
    now: () => NOW_MS,
  })) {
    if (output.kind !== 'json') outputs.push(output);
  }
  return { outputs, lines };
}

let serial = 0;
function signIn(ticks: bigint, extra: Partial<SignIn> = {}): SignIn {
  const made: SignIn = {
    id: `00000000-0000-4000-8000-${(serial++).toString(16).padStart(12, '0')}`,
    createdDateTime: isoOf(ticks),
    location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US' },
    ...extra,
  };
  createdAt.set(made.id, ticks);
  return made;
}

test('a quiet tenant: every sign-in in the range exactly once, ties at window ends included, newest ones after the lag excluded', async () => {
  // start_date 29 days before NOW; the read ends at NOW minus the 2-minute lag, floored to the second.
  const START_DATE = '2026-10-17T10:20:30Z';
  const END = '2026-11-15T10:18:30Z';
  const start = ticksOf(START_DATE);
  const data: SignIn[] = [];
  for (let i = 0; i < 600; i++) data.push(signIn(start + 456n * 10_000n + BigInt(i) * 67n * MINUTE + BigInt(i % 10)));
  for (let i = 1; i <= 48; i++) data.push(signIn(start + BigInt(i) * 3600n * SECOND)); // whole-hour ties: any whole second can be a window end
  const edges = [signIn(start), signIn(ticksOf(END) - 1n)]; // the first and the last instant in the range
  data.push(...edges);
  const late = [signIn(ticksOf(END)), signIn(ticksOf('2026-11-15T10:20:00.456Z'))]; // at the end or inside the lag: next sync
  const early = signIn(start - 1n); // before start_date
  const { graph, requests } = fakeGraph([...data, ...late, early]);
  const { outputs, lines } = await collect(graph, { config: config({ start_date: START_DATE }) });
  const ids = outputs.filter((o) => o.kind === 'record').map((o) => o.data.id);
  assert.equal(new Set(ids).size, ids.length, 'no sign-in twice');
  assert.deepEqual(new Set(ids), new Set(data.map((s) => s.id)));
  const last = assertCheckpointsSound(outputs, data, start, 50_000);
  assert.equal(isoOf(last), END, 'the last checkpoint is NOW minus the lag, floored to the second');
  assert.ok(requests.length <= 12, `a quiet month takes a handful of requests, not ${requests.length}`);
  assert.ok(
    lines.includes(`INFO sign_ins: reading sign-ins with createdDateTime from ${START_DATE} up to (not including) ${END}.`),
    lines.join('\n'),
  );
  const record = outputs.find((o) => o.kind === 'record')!;
  assert.equal(record.data.loginLocation, 'Redmond, Washington, US');
});

test('a burst: windows shrink and split so that checkpoints come at least every 50,000 records, and nothing is lost', async () => {
  // No start_date: the read starts at NOW minus 30 days plus the 15-minute retention margin, rounded up to the second.
  const RETENTION_START = '2026-10-16T10:35:31Z';
  const END = '2026-11-15T10:18:30Z';
  const data: SignIn[] = [];
  const burst = ticksOf('2026-11-12T10:20:30Z');
  // 120,000 sign-ins within 20 minutes, many sharing one instant, plus a steady trickle.
  for (let i = 0; i < 120_000; i++) data.push(signIn(burst + BigInt(i % 40_000) * 300_000n, { location: null }));
  for (let i = 0; i < 2_000; i++) data.push(signIn(now - BigInt(i) * 20n * MINUTE - 5n * MINUTE));
  const outside = [signIn(ticksOf(RETENTION_START) - 1n), signIn(ticksOf(END))];
  const { graph, requests, served } = fakeGraph([...data, ...outside]);
  const { outputs, lines } = await collect(graph);
  assert.equal(isoOf(assertCheckpointsSound(outputs, data, ticksOf(RETENTION_START), 50_000)), END);
  const ids = new Set(outputs.filter((o) => o.kind === 'record').map((o) => o.data.id));
  // Every generated sign-in lies in [RETENTION_START, END): all of them, and nothing else.
  assert.deepEqual(ids, new Set(data.map((s) => s.id)));
  assert.ok(
    lines.some((l) => l.includes('reading its older part in smaller windows')),
    'the split path ran',
  );
  // Pages are what Graph's 5-per-10-s budget pays for: a split wastes none on a page read ahead.
  assert.ok(requests.length < 122 + 40, `${requests.length} requests for 122,000 sign-ins`);
  assert.equal(requests.length, served.consumed, 'a page was requested that the stream never consumed');
  assert.equal(
    outputs.find((o) => o.kind === 'record' && o.data.loginLocation === undefined),
    undefined,
  );
});

test('incremental: starts at the cursor minus the lookback and never checkpoints at or before the cursor', async () => {
  const CURSOR = '2026-11-15T09:20:30.5794567Z';
  // The cursor minus the 60-minute lookback, floored to the second; the end is NOW minus the lag.
  const LOOKBACK_START = '2026-11-15T08:20:30Z';
  const END = '2026-11-15T10:18:30Z';
  const data: SignIn[] = [];
  // Every 30 s back from NOW minus 3 minutes (10:17:30.456): 235 of them (i = 0..234) are at or after 08:20:30.
  for (let i = 0; i < 300; i++) data.push(signIn(now - BigInt(i) * 30n * SECOND - 3n * MINUTE));
  const { graph } = fakeGraph(data);
  const { outputs } = await collect(graph, { state: { createdDateTime: CURSOR } });
  const records = outputs.filter((o) => o.kind === 'record').map((o) => o.data as SignIn);
  const expected = data.filter((s) => at(s) >= ticksOf(LOOKBACK_START) && at(s) < ticksOf(END));
  assert.equal(expected.length, 235);
  assert.deepEqual(
    records.map((r) => r.id).sort(),
    expected.map((s) => s.id).sort(),
    'exactly the sign-ins from cursor minus lookback up to the end',
  );
  const checkpoints = outputs.filter((o) => o.kind === 'checkpoint').map((o) => ticksOf((o.state as SignIn).createdDateTime));
  assert.ok(checkpoints.length > 0 && checkpoints.every((c) => c > ticksOf(CURSOR)));
  assert.equal(isoOf(checkpoints.at(-1)!), END);
});

test('a cursor from the future reads nothing; one inside the lag re-reads its lookback without moving backwards', async () => {
  const { graph, requests } = fakeGraph([signIn(ticksOf('2026-11-15T10:15:30.456Z'))]);
  const future = await collect(graph, { state: { createdDateTime: '2121-01-01T00:00:00Z' } });
  assert.deepEqual(future.outputs, []);
  assert.ok(future.lines.some((l) => l.includes('nothing to read')));
  assert.equal(requests.length, 0);
  // A sync right after the last one: its cursor (NOW minus 30 s) is past NOW minus the lag, but late sign-ins can
  // still land in the lookback, so that is read again; no checkpoint may go behind the saved cursor.
  const recent = await collect(graph, { state: { createdDateTime: '2026-11-15T10:20:00.456Z' } });
  assert.deepEqual(
    recent.outputs.map((o) => o.kind),
    ['record'],
  );
  assert.ok(requests.length > 0);
});

test('loginLocation joins the non-empty parts of location', () => {
  const at = (location: SignIn['location']) => loginLocation({ id: 'x', createdDateTime: '2026-11-01T00:00:00Z', location } as never);
  assert.equal(at({ city: 'Redmond', state: 'Washington', countryOrRegion: 'US' }), 'Redmond, Washington, US');
  assert.equal(at({ city: '', state: null, countryOrRegion: 'FR' }), 'FR');
  assert.equal(at({ city: 'Lyon', state: '', countryOrRegion: 'FR' }), 'Lyon, FR');
  assert.equal(at({ city: '', state: '', countryOrRegion: '' }), null);
  assert.equal(at(null), null);
  assert.equal(at(undefined), null);
});

test('state parsing: {} is a first sync, a date-time is kept verbatim, anything else is a config error naming the stream', () => {
  assert.deepEqual(parseSignInsState({}), {});
  assert.deepEqual(parseSignInsState({ createdDateTime: null }), {});
  assert.deepEqual(parseSignInsState({ createdDateTime: '2026-11-01T00:00:00.1234567Z', other: 1 }), {
    createdDateTime: '2026-11-01T00:00:00.1234567Z',
  });
  for (const bad of [
    { createdDateTime: 'last tuesday' },
    { createdDateTime: 1762000000 },
    { createdDateTime: '2026-02-30T00:00:00Z' },
    [],
    'x',
  ]) {
    assert.throws(
      () => parseSignInsState(bad),
      (error: unknown) => error instanceof ConnectorError && error.failureType === 'config_error' && error.message.includes('sign_ins'),
      JSON.stringify(bad),
    );
  }
  assert.equal(signIns.parseState!({ createdDateTime: '2121-01-01T00:00:00Z' }, config()).createdDateTime, '2121-01-01T00:00:00Z');
});

/** sign_ins checkpoints over these sign-ins (state { createdDateTime }). */
const assertCheckpointsSound = (outputs: StreamOutput<any>[], data: SignIn[], from: bigint, maxRecords: number): bigint =>
  assertSound(outputs, data, {
    from,
    maxRecords,
    instantOf: at,
    cursorOf: (state) => (state as { createdDateTime: string }).createdDateTime,
    noun: 'sign-ins',
  });
