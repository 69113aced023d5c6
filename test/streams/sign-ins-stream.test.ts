// Unit tests of the sign_ins stream's read against an in-memory Graph (newest-first pages), and of its state parsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import type { GraphClient, GraphPage, PagesOptions } from '../../source-azure-client-credentials/graph/types.js';
import type { Logger } from '../../source-azure-client-credentials/logger.js';
import {
  formatInstant,
  msToTicks,
  parseInstant,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
} from '../../source-azure-client-credentials/streams/sign-ins/instants.js';
import { loginLocation, signIns } from '../../source-azure-client-credentials/streams/sign-ins/sign-ins.js';
import { parseSignInsState } from '../../source-azure-client-credentials/streams/sign-ins/state.js';
import type { StreamOutput } from '../../source-azure-client-credentials/streams/types.js';

type SignIn = { id: string; createdDateTime: string; location?: Record<string, unknown> | null };

/**
 * Serves /auditLogs/signIns like Graph: $filter ge/le on createdDateTime, newest first, $top per page.
 * `requests` are the pages Graph would be asked for by the real client, which requests the next page as
 * soon as one arrives unless readAhead says no; `consumed` counts the pages handed to the stream.
 */
function fakeGraph(all: SignIn[]) {
  const sorted = [...all].sort((a, b) => (parseInstant(b.createdDateTime)! > parseInstant(a.createdDateTime)! ? 1 : -1));
  const requests: string[] = [];
  const served = { consumed: 0 };
  const graph = {
    async *pages<T>(path: string, options?: PagesOptions<T>): AsyncIterable<GraphPage<T>> {
      assert.equal(path, '/auditLogs/signIns');
      assert.equal(options?.bucket, 'reports');
      const filter = String(options?.query?.$filter);
      const match = /^createdDateTime ge (\S+) and createdDateTime le (\S+)$/.exec(filter);
      assert.ok(match, `unexpected filter ${filter}`);
      const from = parseInstant(match[1])!;
      const to = parseInstant(match[2])!;
      const top = Number(options?.query?.$top);
      const hits = sorted.filter((s) => {
        const created = parseInstant(s.createdDateTime)!;
        return created >= from && created <= to;
      });
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
  })) {
    outputs.push(output);
  }
  return { outputs, lines };
}

const iso = (ticks: bigint) => formatInstant(ticks);
let serial = 0;
const signIn = (ticks: bigint, extra: Partial<SignIn> = {}): SignIn => ({
  id: `00000000-0000-4000-8000-${(serial++).toString(16).padStart(12, '0')}`,
  createdDateTime: iso(ticks),
  location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US' },
  ...extra,
});

/** Every checkpoint covers every sign-in before it; checkpoints only move forward; no gap between them. */
function assertCheckpointsSound(outputs: StreamOutput<any>[], data: SignIn[], rangeStart: bigint, maxPerCheckpoint: number) {
  const emitted = new Set<string>();
  let last = 0n;
  let since = 0;
  for (const output of outputs) {
    if (output.kind === 'record') {
      emitted.add(output.data.id);
      since++;
      continue;
    }
    const cursor = parseInstant((output.state as { createdDateTime: string }).createdDateTime)!;
    assert.ok(cursor > last, 'checkpoints strictly ascend');
    last = cursor;
    assert.ok(since <= maxPerCheckpoint, `a checkpoint after ${since} records`);
    since = 0;
    const missing = data.filter((s) => {
      const created = parseInstant(s.createdDateTime)!;
      return created >= rangeStart && created < cursor && !emitted.has(s.id);
    });
    assert.equal(missing.length, 0, `checkpoint ${iso(cursor)} passed ${missing.length} unread sign-ins`);
  }
  return last;
}

test('a quiet tenant: every sign-in in the range exactly once, ties at window ends included, newest ones after the lag excluded', async () => {
  const now = msToTicks(Date.now());
  const start = now - 29n * 24n * 60n * TICKS_PER_MINUTE;
  const data: SignIn[] = [];
  for (let i = 0; i < 600; i++) data.push(signIn(start + BigInt(i) * 67n * TICKS_PER_MINUTE + BigInt(i % 10)));
  const first = floorToWholeSecond(start) + 3600n * TICKS_PER_SECOND; // any whole second can be a window end
  for (let i = 0; i < 48; i++) data.push(signIn(first + BigInt(i) * 3600n * TICKS_PER_SECOND)); // whole-hour ties
  const late = signIn(now - 30n * TICKS_PER_SECOND); // inside the publishing lag: next sync
  data.push(late);
  const { graph, requests } = fakeGraph(data);
  const { outputs, lines } = await collect(graph, { config: config({ start_date: iso(floorToWholeSecond(start)) }) });
  const ids = outputs.filter((o) => o.kind === 'record').map((o) => o.data.id);
  assert.equal(new Set(ids).size, ids.length, 'no sign-in twice');
  assert.deepEqual(new Set(ids), new Set(data.filter((s) => s !== late).map((s) => s.id)));
  const last = assertCheckpointsSound(outputs, data, floorToWholeSecond(start), 50_000);
  assert.ok(last <= now - 2n * TICKS_PER_MINUTE && last > now - 3n * TICKS_PER_MINUTE, `ends at now minus the lag, got ${iso(last)}`);
  assert.ok(requests.length <= 12, `a quiet month takes a handful of requests, not ${requests.length}`);
  assert.ok(lines.some((l) => l.startsWith('INFO sign_ins: reading sign-ins with createdDateTime from')));
  const record = outputs.find((o) => o.kind === 'record')!;
  assert.equal(record.data.loginLocation, 'Redmond, Washington, US');
});

function floorToWholeSecond(ticks: bigint) {
  return ticks - (ticks % TICKS_PER_SECOND);
}

test('a burst: windows shrink and split so that checkpoints come at least every 50,000 records, and nothing is lost', async () => {
  const now = msToTicks(Date.now());
  const data: SignIn[] = [];
  const burst = now - 3n * 24n * 60n * TICKS_PER_MINUTE;
  // 120,000 sign-ins within 20 minutes, many sharing one instant, plus a steady trickle.
  for (let i = 0; i < 120_000; i++) data.push(signIn(burst + BigInt(i % 40_000) * 300_000n, { location: null }));
  for (let i = 0; i < 2_000; i++) data.push(signIn(now - BigInt(i) * 20n * TICKS_PER_MINUTE - 5n * TICKS_PER_MINUTE));
  const { graph, requests, served } = fakeGraph(data);
  const { outputs, lines } = await collect(graph);
  const firstStart = now - 30n * 24n * 60n * TICKS_PER_MINUTE;
  assertCheckpointsSound(outputs, data, firstStart + 16n * TICKS_PER_MINUTE, 50_000);
  const ids = new Set(outputs.filter((o) => o.kind === 'record').map((o) => o.data.id));
  const expected = data.filter((s) => parseInstant(s.createdDateTime)! >= firstStart + 16n * TICKS_PER_MINUTE);
  assert.equal(expected.filter((s) => !ids.has(s.id)).length, 0);
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
  const now = msToTicks(Date.now());
  const cursor = now - 60n * TICKS_PER_MINUTE + 1234567n;
  const data: SignIn[] = [];
  for (let i = 0; i < 300; i++) data.push(signIn(now - BigInt(i) * 30n * TICKS_PER_SECOND - 3n * TICKS_PER_MINUTE));
  const { graph } = fakeGraph(data);
  const { outputs } = await collect(graph, { state: { createdDateTime: iso(cursor) } });
  const lookbackStart = floorToWholeSecond(cursor - 60n * TICKS_PER_MINUTE);
  const records = outputs.filter((o) => o.kind === 'record').map((o) => o.data as SignIn);
  assert.ok(records.length > 0);
  assert.ok(
    records.every((r) => parseInstant(r.createdDateTime)! >= lookbackStart),
    'nothing older than cursor minus lookback',
  );
  const expected = data.filter((s) => {
    const created = parseInstant(s.createdDateTime)!;
    return created >= lookbackStart && created < now - 2n * TICKS_PER_MINUTE;
  });
  assert.equal(records.length, expected.length);
  const checkpoints = outputs.filter((o) => o.kind === 'checkpoint').map((o) => parseInstant((o.state as SignIn).createdDateTime)!);
  assert.ok(checkpoints.length > 0 && checkpoints.every((c) => c > cursor));
});

test('a cursor from the future reads nothing; one inside the lag re-reads its lookback without moving backwards', async () => {
  const { graph, requests } = fakeGraph([signIn(msToTicks(Date.now()) - 5n * TICKS_PER_MINUTE)]);
  const future = await collect(graph, { state: { createdDateTime: '2121-01-01T00:00:00Z' } });
  assert.deepEqual(future.outputs, []);
  assert.ok(future.lines.some((l) => l.includes('nothing to read')));
  assert.equal(requests.length, 0);
  // A sync right after the last one: its cursor is past now minus the lag, but late sign-ins can still
  // land in the lookback, so that is read again; no checkpoint may go behind the saved cursor.
  const recent = await collect(graph, { state: { createdDateTime: iso(msToTicks(Date.now()) - 30n * TICKS_PER_SECOND) } });
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
