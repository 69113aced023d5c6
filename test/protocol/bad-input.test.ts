// Bad input: hundreds of generated invalid configs, catalogs and states each get the right outcome, a readable message, no leak and no hang.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { catalogOf, validConfig } from '../support/fixtures.js';
import { signInRange } from '../support/ground-truth.js';
import { type BadInput, configOnlyCases, SIGN_INS_CATALOG, secretsOf } from '../support/invalid-inputs.js';
import { assertNoLeaks, assertRunLeaksNothing, forbiddenStrings } from '../support/leaks.js';
import { countConnections } from '../support/listener.js';
import { assertReadableMessage } from '../support/messages.js';
import { inBatches } from '../support/parallel.js';

const RUN_TIMEOUT_MS = 20_000;

/** How many runs go at once: each is a process that spends about half a second of CPU loading the connector. */
const PARALLEL_RUNS = 4;

/**
 * Runs `input`'s command with the login host and Graph pointed at a listener of its own that counts connections
 * (and answers them in plain HTTP, so a run that does connect fails fast): how many it made comes with its result.
 */
async function runCounted(input: Pick<BadInput, 'command' | 'args' | 'config' | 'catalog' | 'state'>) {
  const net = await countConnections();
  try {
    const result = await runConnector([input.command, ...(input.args ?? [])], {
      ...(input.config !== undefined ? { config: input.config } : {}),
      ...(input.catalog !== undefined ? { catalog: input.catalog } : {}),
      ...(input.state !== undefined ? { state: input.state } : {}),
      env: { AZURE_AUTHORITY_HOST: net.url, AZURE_GRAPH_ENDPOINT: net.url },
      timeoutMs: RUN_TIMEOUT_MS,
    });
    // A connection still waiting to be accepted is accepted before a timer fires.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, connections: net.connections() };
  } finally {
    await net.close();
  }
}

/**
 * check: a FAILED connection status and exit 0; discover/read: one config_error ERROR trace and a non-zero exit.
 * Either way the message names what is wrong, and no connection was made.
 */
function assertRefused(input: BadInput, result: RunResult, connections: number): void {
  const label = input.name;
  assert.equal(connections, 0, `${label}: ${connections} connections for an input that must be refused before any request`);
  assert.equal(result.signal, null, `${label}: killed`);
  assert.equal(result.records().length, 0, `${label}: records emitted`);
  assert.equal(result.states().length, 0, `${label}: a STATE was emitted for a refused input`);
  assert.equal(result.catalog(), undefined, `${label}: a catalog was emitted`);
  if (input.command === 'check') {
    assert.equal(result.code, 0, `${label}: check must exit 0 (stderr: ${result.stderr.slice(0, 300)})`);
    const status = result.connectionStatus();
    assert.equal(status?.status, 'FAILED', `${label}: expected a FAILED connection status, got ${JSON.stringify(status)?.slice(0, 300)}`);
    assertReadableMessage(status?.message, label);
    assertNames(status!.message!, input);
    assert.equal(result.errors().length, 0, `${label}: check reported an ERROR trace besides its status`);
  } else {
    assert.notEqual(result.code, 0, `${label}: exit 0`);
    const errors = result.errors();
    assert.equal(errors.length, 1, `${label}: expected one ERROR trace, got ${errors.length}: ${JSON.stringify(errors).slice(0, 300)}`);
    assert.equal(errors[0].failure_type, 'config_error', `${label}: ${errors[0].failure_type}: ${errors[0].message}`);
    assertReadableMessage(errors[0].message, label);
    assertNames(errors[0].message, input);
    assert.equal(errors[0].stack_trace, undefined, `${label}: a config error carries a stack trace`);
  }
  assert.equal(result.stderr.trim(), '', `${label}: stderr: ${result.stderr.slice(0, 300)}`);
}

/** The refusal names the field, file, catalog entry or state entry that is wrong. */
function assertNames(message: string, input: BadInput): void {
  assert.ok(
    message.includes(input.names),
    `${input.name}: the message does not name ${JSON.stringify(input.names)}: ${message.slice(0, 300)}`,
  );
}

describe('bad input without a tenant (no request is ever made)', () => {
  test('the connection counter sees a valid config connect, so its zero for a bad input means something', async () => {
    const catalog = catalogOf([{ name: 'users' }]);
    for (const command of ['check', 'read'] as const) {
      const { connections } = await runCounted({ command, config: validConfig(), ...(command === 'read' ? { catalog } : {}) });
      assert.ok(connections >= 1, `${command} with a valid config made no connection`);
    }
  });

  test('every generated invalid config, catalog and state is refused the right way', async () => {
    const cases = configOnlyCases();
    const started = Date.now();
    // Every case runs; failures are collected so that one report lists them all.
    const failures = (
      await inBatches(cases, PARALLEL_RUNS, async (input) => {
        try {
          const { result, connections } = await runCounted(input);
          assertNoLeaks(result, forbiddenStrings(undefined, secretsOf(input)), input.name);
          assertRefused(input, result, connections);
          return undefined;
        } catch (error) {
          return (error as Error).message.split('\n')[0]!.slice(0, 400);
        }
      })
    ).filter((f): f is string => f !== undefined);
    const byCommand = (c: string) => cases.filter((i) => i.command === c).length;
    console.log(
      `bad input: ${cases.length} invalid inputs (check ${byCommand('check')}, discover ${byCommand('discover')}, read ${byCommand('read')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.ok(cases.length >= 200);
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} bad inputs were not handled right`);
  });
});

describe('odd but acceptable states against a tenant', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 21,
      sizes: { users: 20, servicePrincipals: 5, groups: 2, bigGroupSizes: [], assignments: 10, signIns: 200 },
      throttling: { enabled: false, timeScale: 100 },
    });
  });
  after(async () => emulator?.stop());

  const read = async (state: unknown) => {
    const result = await runConnector(['read'], {
      config: emulator.config({ sign_in_lookback_minutes: 10 }),
      catalog: SIGN_INS_CATALOG,
      state,
      env: emulator.env,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    assertRunLeaksNothing(result, emulator);
    assert.equal(result.code, 0, `exit ${result.code}: ${JSON.stringify(result.errors())}`);
    return result;
  };
  const cursorState = (name: string, createdDateTime: string) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: { createdDateTime } },
  });
  const recent = () => new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

  for (const far of ['2121-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2100-06-01T00:00:00.1234567Z']) {
    test(`a far-future cursor (${far}) reads nothing and emits exactly one STATE, unchanged`, async () => {
      const result = await read([cursorState('sign_ins', far)]);
      assert.equal(result.records().length, 0);
      const states = result.states('sign_ins');
      assert.equal(states.length, 1);
      assert.deepEqual(states[0]!.state.stream.stream_state, { createdDateTime: far });
      assert.equal(result.states().length, 1, 'a STATE for another stream');
    });
  }

  const unknownStreamStates: Array<[string, (cursor: string) => unknown]> = [
    ['an array entry', (c) => [cursorState('calendars', c), cursorState('sign_ins', c)]],
    ['a LEGACY message', (c) => [{ type: 'LEGACY', data: { devices: { createdDateTime: c }, sign_ins: { createdDateTime: c } } }]],
    ['a legacy object', (c) => ({ contacts: {}, sign_ins: { createdDateTime: c } })],
  ];
  for (const [shape, make] of unknownStreamStates) {
    test(`a state for an unknown stream in ${shape} is ignored with a WARN; the known state still applies`, async () => {
      const cursor = recent();
      const result = await read(make(cursor));
      const warns = result.logs('WARN').filter((w) => /does not know; it is ignored/.test(w));
      assert.equal(warns.length, 1, `expected one WARN about the unknown stream: ${result.logs('WARN').join(' | ')}`);
      assertResumedFrom(result, cursor);
    });
  }

  const legacyShapes: Array<[string, (cursor: string) => unknown]> = [
    ['a legacy per-stream object', (c) => ({ sign_ins: { createdDateTime: c } })],
    ['a LEGACY message in an array', (c) => [{ type: 'LEGACY', data: { sign_ins: { createdDateTime: c } } }]],
    [
      'a STREAM message without type',
      (c) => [{ stream: { stream_descriptor: { name: 'sign_ins' }, stream_state: { createdDateTime: c } } }],
    ],
    ['a STREAM message with sourceStats', (c) => [{ ...cursorState('sign_ins', c), sourceStats: { recordCount: 12 } }]],
  ];
  for (const [shape, make] of legacyShapes) {
    test(`${shape} is accepted and resumes from its cursor`, async () => {
      const cursor = recent();
      const result = await read(make(cursor));
      assertResumedFrom(result, cursor);
    });
  }

  /** The read started at the cursor minus the 10-minute lookback and returned exactly the ground truth from there. */
  function assertResumedFrom(result: RunResult, cursor: string): void {
    const range = signInRange(result.messages);
    assert.ok(range, 'no range announced');
    assert.equal(range.from.getTime(), Date.parse(cursor) - 10 * 60_000, 'the saved cursor was not used');
    const want = new Set(emulator.truth.signIns(range.from, range.to).map((s) => s.id));
    assert.deepEqual(new Set(result.records('sign_ins').map((r) => r.id)), want);
    assert.ok(want.size > 0, 'the resumed range should hold sign-ins');
  }
});
