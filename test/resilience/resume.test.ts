// Crash and resume: kill -9 a full sync of every stream at seeded points, resume from the last STATEs it printed, and lose nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { seededRandom } from '../emulator/state.js';
import { type RunResult, runConnector } from '../support/connector.js';
import {
  assertCovers,
  assertExactRecords,
  assertStatesNeverSkip,
  committedPart,
  fullCatalog,
  lastStatePerStream,
  logCursorOf,
  logRange,
  STREAMS,
  streamOutcome,
  truthOf,
  truthOfRun,
} from '../support/ground-truth.js';
import { assertRunLeaksNothing } from '../support/leaks.js';
import { isLogStream, LOG_STREAMS, type LogStream, SMALL_WINDOWS } from '../support/log-streams.js';
import { inBatches } from '../support/parallel.js';

const KILL_POINTS = 24;
const SEED = 8;
const LOOKBACK_MINUTES = 10;

describe('kill -9 at seeded points of a full sync, then resume from the last STATEs', () => {
  let emulator: Emulator;
  let reference: RunResult;
  before(async () => {
    emulator = await startEmulator({
      seed: SEED,
      sizes: { users: 80, servicePrincipals: 20, groups: 6, bigGroupSizes: [], assignments: 90, signIns: 500, directoryAudits: 400 },
      throttling: { enabled: false, timeScale: 100 },
    });
    reference = await read();
  });
  after(async () => emulator?.stop());

  const read = async (state?: unknown, killAfter?: number): Promise<RunResult> => {
    let seen = 0;
    const result = await runConnector(['read'], {
      config: emulator.config({ sign_in_lookback_minutes: LOOKBACK_MINUTES }),
      catalog: fullCatalog(),
      // Many checkpoints in the log streams' small ranges, so that kill points land between them.
      env: { ...emulator.env, ...SMALL_WINDOWS },
      ...(state !== undefined ? { state } : {}),
      ...(killAfter !== undefined ? { onMessage: (_m, child) => void (++seen === killAfter && child.kill('SIGKILL')) } : {}),
      timeoutMs: 60_000,
    });
    assertRunLeaksNothing(result, emulator);
    return result;
  };

  test('the uninterrupted sync is exact (the yardstick for the kill points)', () => {
    assert.equal(reference.code, 0, JSON.stringify(reference.errors()));
    for (const stream of STREAMS) {
      assert.equal(streamOutcome(reference, stream).kind, 'complete');
      assertExactRecords(stream, reference.records(stream), truthOfRun(emulator, stream, reference.messages));
    }
    for (const stream of Object.keys(LOG_STREAMS))
      assert.ok(reference.states(stream).length >= 4, `${stream} should checkpoint several windows`);
  });

  test(`${KILL_POINTS} seeded kill points: the killed run and its resumption together cover every stream's ground truth`, async () => {
    // One kill point in each of KILL_POINTS equal slices of the reference run's messages, drawn from a seeded PRNG,
    // so that every stream (and the boundaries between them) gets some.
    const total = reference.messages.length;
    const random = seededRandom(SEED);
    const points = Array.from({ length: KILL_POINTS }, (_, i) => {
      const low = Math.floor((i * total) / KILL_POINTS);
      const high = Math.floor(((i + 1) * total) / KILL_POINTS);
      return Math.max(1, low + Math.floor(random() * (high - low)));
    });
    const summary = await inBatches(points, 4, async (point) => {
      const killed = await read(undefined, point);
      const label = `kill after message ${point} of ${total}: `;
      // Near the end the child may finish writing and exit before the kill lands: then it must have succeeded.
      if (killed.signal !== 'SIGKILL')
        assert.equal(killed.code, 0, `${label}the run failed before the kill point: ${JSON.stringify(killed.errors())}`);
      // What it printed before dying must already be safe to resume from.
      assertStatesNeverSkip(killed, emulator, label);
      const state = lastStatePerStream(killed.messages);
      const resumed = await read(state);
      assert.equal(resumed.code, 0, `${label}the resumed run failed: ${JSON.stringify(resumed.errors())}`);
      // The cursors each log stream resumed from.
      const inherited: Partial<Record<LogStream, string>> = {};
      for (const saved of state) {
        const name = saved.stream.stream_descriptor.name;
        if (isLogStream(name)) inherited[name] = logCursorOf({ type: 'STATE', state: saved }, name);
      }
      assertStatesNeverSkip(resumed, emulator, `${label}resumed: `, inherited);
      for (const stream of STREAMS) {
        assert.equal(streamOutcome(resumed, stream).kind, 'complete', `${label}${stream} did not complete on resume`);
        // A log stream: from where the sync first started reading (the killed run's range if it got there) to where the resumed run ends.
        let range: { from: Date; to: Date } | undefined;
        if (isLogStream(stream)) {
          const first =
            (inherited[stream] !== undefined ? logRange(killed.messages, stream) : undefined) ?? logRange(resumed.messages, stream);
          range = { from: first!.from, to: logRange(resumed.messages, stream)!.to };
        }
        // Only what Airbyte keeps of the killed run counts: its records up to that stream's last STATE.
        assertCovers(
          stream,
          [...committedPart(killed.messages, stream).records, ...resumed.records(stream)],
          truthOf(emulator, stream, range),
          label,
        );
      }
      return { point, killed: killed.signal === 'SIGKILL', cursors: inherited };
    });
    const kills = summary.filter((s) => s.killed).length;
    const resumedMid = (stream: LogStream) => summary.filter((s) => s.cursors[stream] !== undefined).length;
    console.log(
      `resume: ${kills} of ${summary.length} kill points killed the run (${resumedMid('sign_ins')} resumed sign_ins and ${resumedMid('directory_audits')} directory_audits from a cursor) over ${total} messages: ${points.join(', ')}`,
    );
    assert.ok(kills >= 20, `only ${kills} runs were actually killed`);
    for (const stream of Object.keys(LOG_STREAMS) as LogStream[])
      assert.ok(resumedMid(stream) >= 3, `too few kill points landed after a ${stream} checkpoint to test resuming from a cursor`);
  });
});
