// sign_ins against the emulator: full refresh = truth, incremental continuity, re-reads from every state, kill-and-resume, abnormal state, licence.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAjv } from '../../source-azure-client-credentials/validation.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { recordProblems } from '../support/airbyte-rules.js';
import { type Message, type RunOptions, type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';
import { committedPart } from '../support/ground-truth.js';
import { SMALL_WINDOWS } from '../support/log-streams.js';
import { inBatches } from '../support/parallel.js';
import { schemasDir } from '../support/paths.js';
import { announcedRange as announcedRangeOf } from '../support/sign-ins.js';

/** The default sign_in_lookback_minutes: these reads leave it unset, so they prove the default end to end. */
const LOOKBACK_MINUTES = 60;
const schema = JSON.parse(readFileSync(join(schemasDir, 'sign_ins.json'), 'utf8'));
const stream = { name: 'sign_ins', json_schema: schema, source_defined_primary_key: [['id']] };
const validate = createAjv().compile(schema);

const incremental = catalogOf([{ name: 'sign_ins', sync_mode: 'incremental', cursor_field: ['createdDateTime'] }]);
const fullRefresh = catalogOf([{ name: 'sign_ins', sync_mode: 'full_refresh' }]);
const stateOf = (createdDateTime: string) => [
  { type: 'STREAM', stream: { stream_descriptor: { name: 'sign_ins' }, stream_state: { createdDateTime } } },
];

/** The range the run announced: "createdDateTime from <A> up to (not including) <B>". */
function announcedRange(result: RunResult): { from: Date; to: Date } {
  const range = result
    .logs('INFO')
    .map(announcedRangeOf)
    .find((r) => r !== undefined);
  assert.ok(range, `no range announced; logs: ${result.logs().join(' | ')}`);
  return range;
}

const ids = (records: any[]) => new Set(records.map((r) => r.id as string));
const cursorOf = (state: Message) => state.state.stream.stream_state.createdDateTime as string;
const lastCursor = (result: RunResult) => cursorOf(result.states('sign_ins').at(-1)!);

function assertSucceeded(result: RunResult) {
  assert.equal(result.code, 0, `exit ${result.code}: ${JSON.stringify(result.errors())}\n${result.stderr.slice(-1500)}`);
  assert.deepEqual(
    result.statuses('sign_ins').filter((s) => s !== 'RUNNING'),
    ['STARTED', 'COMPLETE'],
  );
}

/** Each STATE's recordCount is exactly the records since the previous one; no two identical consecutive states. */
function assertStateCounts(result: RunResult) {
  assert.equal(assertCheckpointCounts(result.messages), 0, 'records after the last STATE');
}

/** assertStateCounts over `messages`; returns how many records follow the last STATE. */
function assertCheckpointCounts(messages: Message[]): number {
  let since = 0;
  let previous: string | undefined;
  for (const message of messages) {
    if (message.type === 'RECORD') since++;
    if (message.type === 'STATE') {
      assert.equal(message.state.sourceStats.recordCount, since);
      const current = JSON.stringify(message.state.stream.stream_state);
      if (since > 0) assert.notEqual(current, previous, 'identical consecutive states with records between');
      previous = current;
      since = 0;
    }
  }
  return since;
}

describe('sign_ins against the emulator', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 6,
      sizes: { users: 40, servicePrincipals: 8, groups: 3, assignments: 30, signIns: 3_000 },
      throttling: { enabled: true, timeScale: 100 },
    });
  });
  after(async () => emulator?.stop());
  /** `windows`: the connector's own (a range that fits one is one window), or SMALL_WINDOWS for several checkpoints. */
  const read = (catalog: object, state?: unknown, onMessage?: RunOptions['onMessage'], windows: Record<string, string> = {}) =>
    runConnector(['read'], {
      config: emulator.config(),
      catalog,
      env: { ...emulator.env, ...windows },
      ...(state !== undefined ? { state } : {}),
      ...(onMessage ? { onMessage } : {}),
      timeoutMs: 60_000,
    });

  test('full refresh returns exactly the retention window, as Graph returns it plus loginLocation', async () => {
    const startedAt = Date.now();
    const result = await read(fullRefresh);
    const endedAt = Date.now();
    assertSucceeded(result);
    assertStateCounts(result);
    const { from, to } = announcedRange(result);
    const truth = emulator.truth.signIns(from, to);
    assert.ok(truth.length > 2_900, `the tenant should hold nearly all of its 3,000 sign-ins in range, got ${truth.length}`);
    const records = result.records('sign_ins');
    assert.equal(records.length, truth.length, 'no sign-in twice, none missing');
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const expected of truth) assert.deepEqual(byId.get(expected.id), expected);
    for (const record of records.slice(0, 500)) assert.deepEqual(recordProblems(record, stream, validate), []);
    // Progress: one ESTIMATE (validated against the protocol like every message), from the first of the three pages, before any record.
    const estimateAt = result.messages.findIndex((m) => m.type === 'TRACE' && m.trace.type === 'ESTIMATE');
    assert.ok(estimateAt >= 0 && estimateAt < result.messages.findIndex((m) => m.type === 'RECORD'), 'an ESTIMATE before the first record');
    assert.deepEqual(Object.keys(result.messages[estimateAt]!.trace.estimate).sort(), ['name', 'row_estimate', 'type']);
    assert.equal(result.messages[estimateAt]!.trace.estimate.name, 'sign_ins');
    const rows = result.messages[estimateAt]!.trace.estimate.row_estimate as number;
    assert.ok(rows > truth.length / 3 && rows < truth.length * 3, `estimated ${rows} of ${truth.length}`);
    // The range: retention (30 days, minus a 15-minute margin) up to now minus a 2-minute lag.
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    assert.ok(days > 29.9 && days < 30, `range of ${days} days`);
    // The run read its clock between startedAt and endedAt, however long a loaded machine made it take.
    const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
    assert.ok(
      to.getTime() >= floorToSecond(startedAt - 120_000) && to.getTime() <= endedAt - 120_000,
      `range end ${to.toISOString()} is not the run's now minus 2 minutes (run from ${new Date(startedAt).toISOString()} to ${new Date(endedAt).toISOString()})`,
    );
    assert.equal(to.getTime() % 1000, 0, 'the range ends on a whole second');
    assert.equal(lastCursor(result), to.toISOString().replace('.000Z', 'Z'));
    assert.equal(emulator.metrics().throttled, 0);
  });

  test('two incremental reads: the second starts at cursor minus lookback and gets every newer sign-in', async () => {
    const first = await read(incremental);
    assertSucceeded(first);
    const cursor = lastCursor(first);
    const firstRange = announcedRange(first);
    assert.deepEqual(ids(first.records('sign_ins')), ids(emulator.truth.signIns(firstRange.from, firstRange.to)));

    const second = await read(incremental, stateOf(cursor));
    assertSucceeded(second);
    assertStateCounts(second);
    const { from, to } = announcedRange(second);
    const lookbackStart = new Date(Date.parse(cursor) - LOOKBACK_MINUTES * 60_000);
    assert.equal(from.getTime(), lookbackStart.getTime());
    const records = second.records('sign_ins');
    assert.ok(
      records.every((r) => Date.parse(r.createdDateTime) >= lookbackStart.getTime()),
      'a record older than cursor minus lookback',
    );
    // Every sign-in from the lookback start to the new end, including those the first read had not reached.
    assert.deepEqual(ids(records), ids(emulator.truth.signIns(lookbackStart, to)));
    assert.ok(records.length > 0, 'the lookback window re-reads recent sign-ins');
    assert.ok(Date.parse(lastCursor(second)) >= Date.parse(cursor), 'the cursor never moves backwards');
  });

  test('re-reading from each intermediate state returns at least the records emitted after it', async () => {
    const original = await read(incremental, undefined, undefined, SMALL_WINDOWS);
    assertSucceeded(original);
    const states = original.states('sign_ins');
    assert.ok(states.length >= 4, `expected several checkpoints, got ${states.length}`);
    // Re-reads run a few at a time: each is a separate process, and the file should stay well under a minute.
    const rereads = await inBatches(states, 4, (state) => read(incremental, stateOf(cursorOf(state))));
    states.forEach((state, index) => {
      const position = original.messages.indexOf(state);
      const after = ids(
        original.messages
          .slice(position + 1)
          .filter((m) => m.type === 'RECORD')
          .map((m) => m.record.data),
      );
      const reread = rereads[index]!;
      assertSucceeded(reread);
      const got = ids(reread.records('sign_ins'));
      const missing = [...after].filter((id) => !got.has(id));
      assert.equal(missing.length, 0, `re-reading from ${cursorOf(state)} missed ${missing.length} records`);
    });
  });

  test('a read killed at several points and resumed from its last STATE loses no sign-in', async (t) => {
    // Kill points: mid-window after some records, right after a STATE, and again mid-page.
    const killAfter: Array<(m: Message, counts: { records: number; states: number }) => boolean> = [
      (_m, c) => c.records === 700,
      (m, c) => m.type === 'STATE' && c.states === 2,
      (_m, c) => c.records === 345,
    ];
    // Only what Airbyte keeps counts: records up to each run's last STATE, resumed from that STATE.
    const seen = new Set<string>();
    let state: unknown;
    let cursor: string | undefined;
    let firstFrom: Date | undefined;
    let kills = 0;
    let discarded = 0;
    for (let run = 0; run < 10; run++) {
      const counts = { records: 0, states: 0 };
      const stop = killAfter[run];
      const result = await read(
        incremental,
        state,
        (message, child) => {
          if (message.type === 'RECORD') counts.records++;
          if (message.type === 'STATE') counts.states++;
          if (stop?.(message, counts) && !child.killed) child.kill('SIGKILL');
        },
        SMALL_WINDOWS,
      );
      if (run === 0) firstFrom = announcedRange(result).from;
      const kept = committedPart(result.messages, 'sign_ins');
      // The STATEs the run printed before it died: each counts the records since the previous one, and the
      // cursor only moves forward, from the STATE the run resumed from on.
      assertCheckpointCounts(result.messages);
      for (const message of kept.states) {
        const next = cursorOf(message);
        assert.ok(
          cursor === undefined || Date.parse(next) >= Date.parse(cursor),
          `run ${run}: the cursor went back from ${cursor} to ${next}`,
        );
        cursor = next;
      }
      for (const record of kept.records) seen.add(record.id);
      if (cursor !== undefined) state = stateOf(cursor);
      if (result.signal === 'SIGKILL') {
        kills++;
        discarded += kept.discarded;
        t.diagnostic(`kill ${kills}: ${kept.records.length} records kept up to ${kept.states.length} STATEs, ${kept.discarded} discarded`);
        continue;
      }
      assertSucceeded(result);
      assertStateCounts(result);
      assert.equal(cursor, lastCursor(result));
      const truth = emulator.truth.signIns(firstFrom!, new Date(cursor!));
      const lost = truth.filter((s) => !seen.has(s.id as string));
      assert.equal(lost.length, 0, `${lost.length} sign-ins lost across ${kills} kills`);
      assert.equal(kills, killAfter.length, 'every kill point was reached');
      // The kills landed between checkpoints: records were printed there that Airbyte threw away.
      assert.ok(discarded > 0, 'no killed run printed records after its last STATE');
      return;
    }
    assert.fail('the resumed reads never completed');
  });

  test('an abnormal state from the future gives zero records and exactly one STATE with the same cursor', async () => {
    const result = await read(incremental, stateOf('2121-01-01T00:00:00Z'));
    assertSucceeded(result);
    assert.equal(result.records('sign_ins').length, 0);
    const states = result.states('sign_ins');
    assert.equal(states.length, 1);
    assert.equal(cursorOf(states[0]!), '2121-01-01T00:00:00Z');
    assert.equal(states[0]!.state.sourceStats.recordCount, 0);
  });

  test('a state whose cursor is not a date fails the stream with a config error naming it', async () => {
    const result = await read(incremental, stateOf('not-a-date'));
    assert.notEqual(result.code, 0);
    const errors = result.errors();
    assert.equal(errors.length, 1);
    assert.equal(errors[0].failure_type, 'config_error');
    assert.match(errors[0].message, /sign_ins/);
    assert.equal(result.records('sign_ins').length, 0);
  });
});

describe('sign_ins without an Entra ID P1/P2 licence', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ seed: 7, sizes: { users: 20, servicePrincipals: 5, groups: 2, assignments: 10, signIns: 50 } });
    emulator.setPremium(false);
  });
  after(async () => emulator?.stop());

  test('fails only sign_ins, with a config error naming the licence; users completes', async () => {
    const result = await runConnector(['read'], {
      config: emulator.config(),
      catalog: catalogOf([{ name: 'sign_ins', sync_mode: 'incremental' }, { name: 'users' }]),
      env: emulator.env,
      timeoutMs: 60_000,
    });
    assert.notEqual(result.code, 0);
    const errors = result.errors();
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].stream_descriptor.name, 'sign_ins');
    assert.equal(errors[0].failure_type, 'config_error');
    assert.match(errors[0].message, /P1 or P2/);
    assert.ok(result.statuses('sign_ins').includes('INCOMPLETE'));
    assert.equal(result.statuses('users').at(-1), 'COMPLETE');
    assert.ok(result.records('users').length > 0);
  });
});
