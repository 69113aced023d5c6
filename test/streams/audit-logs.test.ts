// directory_audits and each sign-in event type against the emulator: full refresh = truth, two incremental reads, re-reads from every state, kill -9 and resume.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAjv } from '../../source-azure-client-credentials/validation.js';
import { DEFAULT_PERMISSIONS, type Emulator, startEmulator } from '../emulator/index.js';
import { graphSession } from '../emulator/test-client.js';
import { recordProblems } from '../support/airbyte-rules.js';
import { type Message, type RunOptions, type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';
import { committedPart, logRange } from '../support/ground-truth.js';
import { LOG_STREAMS, type LogStream, SMALL_WINDOWS } from '../support/log-streams.js';
import { inBatches } from '../support/parallel.js';
import { schemasDir } from '../support/paths.js';

const LOOKBACK_MINUTES = 30;
const OTHER_TYPES = ['nonInteractiveUser', 'servicePrincipal', 'managedIdentity'] as const;

/** One log read under test: a stream, the options that select it, and its truth for a range. */
interface Case {
  label: string;
  stream: LogStream;
  config: Record<string, unknown>;
  truth(emulator: Emulator, from: Date, to: Date): Record<string, unknown>[];
  /** The state a checkpoint of this case holds besides the cursor. */
  stateExtra: Record<string, unknown>;
  /** What every Graph request of the read must look like (path, version, $filter). */
  request: { path: string; version: 'v1.0' | 'beta'; filter: RegExp; top: string };
}

const CASES: Case[] = [
  {
    label: 'directory_audits',
    stream: 'directory_audits',
    config: {},
    truth: (emulator, from, to) => emulator.truth.directoryAudits(from, to),
    stateExtra: {},
    request: {
      path: '/auditLogs/directoryAudits',
      version: 'v1.0',
      filter: /^activityDateTime ge \S+ and activityDateTime le \S+$/,
      top: '999',
    },
  },
  ...OTHER_TYPES.map(
    (type): Case => ({
      label: `sign_ins (${type})`,
      stream: 'sign_ins',
      config: { sign_in_event_types: [type] },
      truth: (emulator, from, to) => emulator.truth.signIns(from, to, [type]),
      stateExtra: { signInEventTypes: [type] },
      request: {
        path: '/auditLogs/signIns',
        version: 'beta',
        filter: new RegExp(`^createdDateTime ge \\S+ and createdDateTime le \\S+ and signInEventTypes/any\\(t: t eq '${type}'\\)$`),
        top: '1000',
      },
    }),
  ),
];

const schemas = Object.fromEntries(
  (Object.keys(LOG_STREAMS) as LogStream[]).map((name) => {
    const schema = JSON.parse(readFileSync(join(schemasDir, `${name}.json`), 'utf8'));
    return [name, { entry: { name, json_schema: schema, source_defined_primary_key: [['id']] }, validate: createAjv().compile(schema) }];
  }),
);

const incremental = (c: Case) => catalogOf([{ name: c.stream, sync_mode: 'incremental', cursor_field: [LOG_STREAMS[c.stream].cursor] }]);
const fullRefresh = (c: Case) => catalogOf([{ name: c.stream, sync_mode: 'full_refresh' }]);
const cursorOf = (c: Case, state: Message): string => state.state.stream.stream_state[LOG_STREAMS[c.stream].cursor];
const stateOf = (c: Case, cursor: string, extra: Record<string, unknown> = c.stateExtra) => [
  { type: 'STREAM', stream: { stream_descriptor: { name: c.stream }, stream_state: { [LOG_STREAMS[c.stream].cursor]: cursor, ...extra } } },
];
const ids = (records: any[]) => new Set(records.map((r) => r.id as string));

function rangeOf(c: Case, result: RunResult): { from: Date; to: Date } {
  const range = logRange(result.messages, c.stream);
  assert.ok(range, `${c.label}: no range announced; logs: ${result.logs().join(' | ')}`);
  return range;
}

function assertSucceeded(c: Case, result: RunResult) {
  assert.equal(result.code, 0, `${c.label}: exit ${result.code}: ${JSON.stringify(result.errors())}\n${result.stderr.slice(-1500)}`);
  assert.deepEqual(
    result.statuses(c.stream).filter((s) => s !== 'RUNNING'),
    ['STARTED', 'COMPLETE'],
  );
}

/** Each STATE counts the records since the previous one and holds the case's extra fields; returns the records after the last. */
function assertCheckpoints(c: Case, messages: Message[]): number {
  let since = 0;
  for (const message of messages) {
    if (message.type === 'RECORD') since++;
    if (message.type !== 'STATE') continue;
    assert.equal(message.state.sourceStats.recordCount, since);
    const { [LOG_STREAMS[c.stream].cursor]: cursor, ...extra } = message.state.stream.stream_state;
    assert.ok(typeof cursor === 'string', `${c.label}: a STATE without its cursor`);
    assert.deepEqual(extra, c.stateExtra, `${c.label}: the state's other fields`);
    since = 0;
  }
  return since;
}

describe('directory_audits and the sign-in event types against the emulator', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 17,
      sizes: {
        users: 40,
        servicePrincipals: 12,
        groups: 4,
        bigGroupSizes: [],
        assignments: 20,
        signIns: 300,
        signInEvents: { nonInteractiveUser: 1_200, servicePrincipal: 500, managedIdentity: 300 },
        directoryAudits: 1_500,
      },
      throttling: { enabled: true, timeScale: 100 },
    });
  });
  after(async () => emulator?.stop());

  const read = (
    c: Case,
    catalog: object,
    state?: unknown,
    onMessage?: RunOptions['onMessage'],
    config: Record<string, unknown> = c.config,
    env: Record<string, string> = SMALL_WINDOWS,
  ) =>
    runConnector(['read'], {
      config: emulator.config({ sign_in_lookback_minutes: LOOKBACK_MINUTES, ...config }),
      catalog,
      env: { ...emulator.env, ...env },
      ...(state !== undefined ? { state } : {}),
      ...(onMessage ? { onMessage } : {}),
      timeoutMs: 60_000,
    });

  for (const c of CASES) {
    describe(c.label, () => {
      test('full refresh equals the truth of the 30-day range in the least requests, every record valid, every request the documented one, zero 429', async () => {
        emulator.resetMetrics();
        // The connector's own windows: the range fits one.
        const result = await read(c, fullRefresh(c), undefined, undefined, c.config, {});
        assertSucceeded(c, result);
        assert.equal(assertCheckpoints(c, result.messages), 0, 'records after the last STATE');
        const { from, to } = rangeOf(c, result);
        const days = (to.getTime() - from.getTime()) / 86_400_000;
        assert.ok(days > 29.9 && days < 30, `range of ${days} days`);
        const truth = c.truth(emulator, from, to);
        assert.ok(truth.length >= 250, `${truth.length} records in range`);
        const records = result.records(c.stream);
        assert.equal(records.length, truth.length, 'none twice, none missing');
        const byId = new Map(records.map((r) => [r.id, r]));
        for (const expected of truth) assert.deepEqual(byId.get(expected.id), expected);
        const { entry, validate } = schemas[c.stream]!;
        for (const record of records.slice(0, 300)) assert.deepEqual(recordProblems(record, entry, validate), []);
        assert.equal(result.states(c.stream).length, 1, 'one window, one checkpoint');
        const graph = emulator.requestLog().filter((r) => r.path.startsWith('/auditLogs'));
        assert.equal(graph.length, Math.ceil(truth.length / Number(c.request.top)), 'the least requests: ceil(records / page)');
        for (const request of graph) {
          assert.equal(request.path.toLowerCase(), c.request.path.toLowerCase());
          assert.equal(request.version, c.request.version);
          const query = new Map(request.query);
          if (query.has('$skiptoken')) continue;
          assert.match(query.get('$filter') ?? '', c.request.filter);
          assert.equal(query.get('$top'), c.request.top);
        }
        assert.equal(emulator.metrics().throttled, 0);
      });

      test('two incremental reads: the second starts at the cursor minus the lookback and gets every newer record', async () => {
        const first = await read(c, incremental(c));
        assertSucceeded(c, first);
        const cursor = cursorOf(c, first.states(c.stream).at(-1)!);
        const firstRange = rangeOf(c, first);
        assert.deepEqual(ids(first.records(c.stream)), ids(c.truth(emulator, firstRange.from, firstRange.to)));
        const second = await read(c, incremental(c), stateOf(c, cursor));
        assertSucceeded(c, second);
        assert.equal(assertCheckpoints(c, second.messages), 0);
        const { from, to } = rangeOf(c, second);
        const lookbackStart = new Date(Date.parse(cursor) - LOOKBACK_MINUTES * 60_000);
        assert.equal(from.getTime(), lookbackStart.getTime());
        assert.deepEqual(ids(second.records(c.stream)), ids(c.truth(emulator, lookbackStart, to)));
        assert.ok(Date.parse(cursorOf(c, second.states(c.stream).at(-1)!)) >= Date.parse(cursor), 'the cursor never moves backwards');
      });

      test('re-reading from every intermediate state returns every record emitted after it', async () => {
        const original = await read(c, incremental(c));
        assertSucceeded(c, original);
        const states = original.states(c.stream);
        assert.ok(states.length >= 4, `expected several checkpoints, got ${states.length}`);
        const rereads = await inBatches(states, 4, (state) => read(c, incremental(c), stateOf(c, cursorOf(c, state))));
        states.forEach((state, index) => {
          const position = original.messages.indexOf(state);
          const later = original.messages.slice(position + 1).filter((m) => m.type === 'RECORD');
          const reread = rereads[index]!;
          assertSucceeded(c, reread);
          const got = ids(reread.records(c.stream));
          const missing = later.filter((m) => !got.has(m.record.data.id));
          assert.equal(missing.length, 0, `re-reading from ${cursorOf(c, state)} missed ${missing.length} records`);
          // And it is complete on its own terms: the truth of the range it announced.
          const { from, to } = rangeOf(c, reread);
          assert.deepEqual(got, ids(c.truth(emulator, from, to)));
        });
      });

      test('kill -9 mid-window and right after a STATE, then resume from the last STATE: nothing lost', async () => {
        const killAfter: Array<(m: Message, counts: { records: number; states: number }) => boolean> = [
          (_m, k) => k.records === 150,
          (m, k) => m.type === 'STATE' && k.states === 2,
          (_m, k) => k.records === 77,
        ];
        const seen = new Set<string>();
        let state: unknown;
        let cursor: string | undefined;
        let firstFrom: Date | undefined;
        let kills = 0;
        for (let run = 0; run < 8; run++) {
          const counts = { records: 0, states: 0 };
          const stop = killAfter[run];
          const result = await read(c, incremental(c), state, (message, child) => {
            if (message.type === 'RECORD') counts.records++;
            if (message.type === 'STATE') counts.states++;
            if (stop?.(message, counts) && !child.killed) child.kill('SIGKILL');
          });
          firstFrom ??= rangeOf(c, result).from;
          assertCheckpoints(c, result.messages);
          // Only what Airbyte keeps counts: the records up to the run's last STATE.
          const kept = committedPart(result.messages, c.stream);
          for (const message of kept.states) {
            const next = cursorOf(c, message);
            assert.ok(cursor === undefined || next >= cursor, `run ${run}: the cursor went back from ${cursor} to ${next}`);
            cursor = next;
          }
          for (const record of kept.records) seen.add(record.id);
          if (cursor !== undefined) state = stateOf(c, cursor);
          if (result.signal === 'SIGKILL') {
            kills++;
            continue;
          }
          assertSucceeded(c, result);
          const lost = c.truth(emulator, firstFrom, new Date(cursor!)).filter((r) => !seen.has(r.id as string));
          assert.equal(lost.length, 0, `${lost.length} records lost across ${kills} kills`);
          assert.equal(kills, killAfter.length, 'every kill point was reached');
          return;
        }
        assert.fail('the resumed reads never completed');
      });
    });
  }

  test('sign_ins with every event type: one beta query per window returns all four types, each record carrying its signInEventTypes', async () => {
    const all = ['interactiveUser', ...OTHER_TYPES];
    const c: Case = { ...CASES[1]!, label: 'sign_ins (all)', config: { sign_in_event_types: all }, stateExtra: { signInEventTypes: all } };
    const result = await read(c, fullRefresh(c));
    assertSucceeded(c, result);
    const { from, to } = rangeOf(c, result);
    const truth = emulator.truth.signIns(from, to, all);
    const records = result.records('sign_ins');
    assert.equal(records.length, truth.length);
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const expected of truth) assert.deepEqual(byId.get(expected.id), expected);
    const counted = new Map<string, number>();
    for (const r of records) counted.set(r.signInEventTypes[0], (counted.get(r.signInEventTypes[0]) ?? 0) + 1);
    assert.deepEqual([...counted.keys()].sort(), [...all].sort());
    assert.ok(result.logs('INFO').some((l) => /through Microsoft Graph beta/.test(l)));
  });

  test('adding an event type restarts the range with a WARN; dropping one continues from the cursor with a WARN', async () => {
    const interactive: Case = {
      ...CASES[1]!,
      label: 'sign_ins (interactiveUser)',
      config: {},
      truth: (em, from, to) => em.truth.signIns(from, to),
      stateExtra: {},
    };
    const first = await read(interactive, incremental(interactive));
    assertSucceeded(interactive, first);
    const cursor = cursorOf(interactive, first.states('sign_ins').at(-1)!);
    // The default selection writes the state it always wrote, and records come from v1.0 marked interactiveUser.
    assert.deepEqual(Object.keys(first.states('sign_ins').at(-1)!.state.stream.stream_state), ['createdDateTime']);
    assert.ok(first.records('sign_ins').every((r) => r.signInEventTypes.length === 1 && r.signInEventTypes[0] === 'interactiveUser'));

    const both = ['interactiveUser', 'nonInteractiveUser'];
    const widened: Case = { ...interactive, config: { sign_in_event_types: both }, stateExtra: { signInEventTypes: both } };
    const restarted = await read(widened, incremental(widened), stateOf(interactive, cursor, {}));
    assertSucceeded(widened, restarted);
    assert.ok(
      restarted.logs('WARN').some((w) => w.includes('adds nonInteractiveUser') && w.includes('reading again from the retention limit')),
      restarted.logs('WARN').join('\n'),
    );
    const range = rangeOf(widened, restarted);
    assert.ok((range.to.getTime() - range.from.getTime()) / 86_400_000 > 29.9, 'the range starts again at the retention limit');
    assert.deepEqual(ids(restarted.records('sign_ins')), ids(emulator.truth.signIns(range.from, range.to, both)));
    assert.equal(assertCheckpoints(widened, restarted.messages), 0);
    const widenedCursor = cursorOf(widened, restarted.states('sign_ins').at(-1)!);

    const narrowed: Case = {
      ...interactive,
      config: { sign_in_event_types: ['nonInteractiveUser'] },
      stateExtra: { signInEventTypes: ['nonInteractiveUser'] },
    };
    const continued = await read(narrowed, incremental(narrowed), stateOf(widened, widenedCursor));
    assertSucceeded(narrowed, continued);
    assert.ok(continued.logs('WARN').some((w) => w.includes('no longer includes interactiveUser')));
    assert.equal(rangeOf(narrowed, continued).from.getTime(), Date.parse(widenedCursor) - LOOKBACK_MINUTES * 60_000);
  });
});

describe('the emulator answers beta signIns as Graph does', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 18,
      sizes: { users: 10, servicePrincipals: 6, groups: 1, bigGroupSizes: [], assignments: 5, signIns: 40, directoryAudits: 20 },
    });
  });
  after(async () => emulator?.stop());

  test('without a signInEventTypes filter beta returns interactive sign-ins only; with one, the types it names', async () => {
    const graph = await graphSession(emulator);
    const plain = await graph.get('/beta/auditLogs/signIns');
    assert.equal(plain.status, 200);
    assert.ok(plain.body.value.length > 0);
    assert.ok(plain.body.value.every((s: any) => s.signInEventTypes[0] === 'interactiveUser'));
    const filtered = await graph.get(
      `/beta/auditLogs/signIns?$filter=${encodeURIComponent("signInEventTypes/any(t: t eq 'nonInteractiveUser' or t eq 'servicePrincipal')")}`,
    );
    assert.equal(filtered.status, 200);
    const types = new Set(filtered.body.value.map((s: any) => s.signInEventTypes[0]));
    assert.deepEqual([...types].sort(), ['nonInteractiveUser', 'servicePrincipal']);
  });

  test('a filter Graph refuses gets 400 Invalid filter clause', async () => {
    const graph = await graphSession(emulator);
    for (const filter of [
      "signInEventTypes/any(t: t eq 'everything')",
      "signInEventTypes eq 'nonInteractiveUser'",
      "signInEventTypes/any(t: x eq 'nonInteractiveUser')",
      "signInEventTypes/any(t: t ne 'interactiveUser')",
    ]) {
      const answer = await graph.get(`/beta/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`);
      assert.equal(answer.status, 400, filter);
      assert.equal(answer.body.error.message, 'Invalid filter clause', filter);
    }
  });
});

describe('directory_audits: permissions and licence', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 19,
      sizes: { users: 20, servicePrincipals: 6, groups: 2, bigGroupSizes: [], assignments: 10, signIns: 60, directoryAudits: 300 },
    });
  });
  after(async () => emulator?.stop());
  const read = (streams: string[], config: Record<string, unknown> = {}) =>
    runConnector(['read'], {
      config: emulator.config(config),
      catalog: catalogOf(streams.map((name) => ({ name }))),
      env: emulator.env,
      timeoutMs: 60_000,
    });

  test('without Directory.Read.All only directory_audits fails, with a config error naming the permission; the others complete', async () => {
    emulator.setPermissions(DEFAULT_PERMISSIONS.filter((p) => p !== 'Directory.Read.All'));
    emulator.configure({ directoryAuditsRequireDirectoryRead: true });
    try {
      const result = await read(['users', 'directory_audits']);
      assert.notEqual(result.code, 0);
      const errors = result.errors();
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].stream_descriptor.name, 'directory_audits');
      assert.equal(errors[0].failure_type, 'config_error');
      assert.match(errors[0].message, /Directory\.Read\.All/);
      assert.equal(result.statuses('users').at(-1), 'COMPLETE');
      assert.equal(result.records('directory_audits').length, 0);
    } finally {
      emulator.setPermissions([...DEFAULT_PERMISSIONS]);
    }
  });

  for (const refuse of [true, false]) {
    test(`without Entra ID P1/P2 directory_audits reads the 7 days Graph keeps (old literals ${refuse ? 'refused with 400' : 'served empty'}); sign_ins fails alone`, async () => {
      emulator.setPremium(false);
      emulator.configure({ directoryAuditsRefuseBeyondRetention: refuse });
      try {
        const result = await read(['directory_audits', 'sign_ins']);
        assert.equal(result.statuses('directory_audits').at(-1), 'COMPLETE', JSON.stringify(result.errors()));
        assert.deepEqual(
          result.errors().map((e) => e.stream_descriptor.name),
          ['sign_ins'],
        );
        const range = logRange(result.messages, 'directory_audits')!;
        const truth = emulator.truth.directoryAudits(range.from, range.to, 7);
        assert.ok(truth.length > 0);
        assert.deepEqual(ids(result.records('directory_audits')), ids(truth));
        if (refuse) assert.ok(result.logs('WARN').some((w) => /directory_audits: Microsoft Graph refused .* 7 days/.test(w)));
      } finally {
        emulator.setPremium(true);
        emulator.configure({ directoryAuditsRefuseBeyondRetention: true });
      }
    });
  }
});
