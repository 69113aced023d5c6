// Scenario "throttled": every stream against Graph's throttling model and 30 ms latency; wall time over the emulator's
// floor where it has one, and zero 429. groups and group_members are also read at 10x (issue 16: zero 429 at 10x).
// The directory streams with a floor are read once before, unmeasured (a warm emulator), and replayed by the bare loop after.
import { setTimeout as sleep } from 'node:timers/promises';
import { runBaseline } from './bench-bare-replay.js';
import {
  ALL_STREAMS,
  GROUP_STREAMS,
  LATENCY_MS,
  progress,
  ratio,
  readStream,
  SEED,
  type StreamResult,
  tenantSizes,
  warmUp,
  withEmulator,
} from './bench-common.js';
import type { EmulatorChild } from './bench-emulator-child.js';
import { check, completed, measure, type Target } from './bench-targets.js';

/** Graph's 10 s windows last 2.5 s: the throttled sign-ins floor (100 pages at 5 per window) is ~48 s instead of ~190 s. */
const THROTTLED_TIME_SCALE = 4;

/**
 * The streams whose floor is a page chain or a fan-out, not the reports budget. Each is read once unmeasured before the
 * measured reads: the emulator's code for its endpoints is cold at first use, and the first read paid for that (1.0-1.5 s
 * of 18 on users, whether that read was the connector's or the bare loop's). The log streams wait for the reports budget
 * (5 requests per 10 s) most of their time, which hides a cold start; they are not warmed up.
 *
 * Their floor leaves out time no client can avoid: the emulator's own work per request (building and sending a page) and
 * the client's parsing of every record. In the full run each is also replayed by the bare loop (bench-baseline.ts: the
 * connector's requests, JSON.parse and JSON.stringify only, no output), whose wall/floor is shown beside the
 * connector's: what a client without any of the connector's work reaches against the same emulator. (The log streams
 * are not replayed: the bare loop does not pace, and the reports budget would refuse it.)
 */
const CHAIN_FLOORED: readonly string[] = ['users', 'service_principals', 'app_role_assignments'];

/** The bare loop's wall and wall/floor on one stream's requests, or why it has none (it read a 429, or failed). */
type BareReplay = { wallMs: number; records: number; wallOverFloor: number | null } | { missing: string };

/** Replays the requests the emulator recorded during the stream's read, once the budgets are full again. */
async function bareReplay(emulator: EmulatorChild, r: StreamResult, windowMs: number): Promise<BareReplay> {
  const requests = await emulator.recorded();
  await sleep(windowMs + 200);
  await emulator.reset();
  try {
    const run = await runBaseline(emulator, requests);
    const { throttled } = await emulator.metrics();
    // A 429 inside a $batch answer leaves that item's records out: the replay did less than the connector.
    if (throttled > 0) return { missing: `${throttled} x 429 during the bare replay` };
    return { wallMs: run.wallMs, records: run.records, wallOverFloor: ratio(run.wallMs, r.floorMs) };
  } catch (error) {
    return { missing: (error as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}

/**
 * Reads each stream once. With `againstFloors`, the CHAIN_FLOORED streams are first read once each, unmeasured, and
 * (in the full run) replayed by the bare loop after their measured read.
 */
async function readAll(name: string, quick: boolean, factor: number, streams: readonly string[], againstFloors = false) {
  const throttling = { enabled: true, timeScale: THROTTLED_TIME_SCALE };
  const windowMs = 10_000 / THROTTLED_TIME_SCALE;
  // The logs are not read at 10x here: the tenant keeps its 1x sign-ins and audit events (generating a million costs a minute).
  const sizes = { ...tenantSizes(quick, factor), signIns: tenantSizes(quick).signIns, directoryAudits: tenantSizes(quick).directoryAudits };
  return withEmulator(name, { seed: SEED, sizes, latencyMs: LATENCY_MS, throttling }, async (emulator) => {
    const results: Record<string, StreamResult> = {};
    const bare: Record<string, BareReplay> = {};
    // Warm-up reads, back to back: the measured reads below each start after a full window anyway.
    const warmed = againstFloors ? streams.filter((s) => CHAIN_FLOORED.includes(s)) : [];
    for (const stream of warmed) await warmUp(emulator, stream);
    for (const stream of streams) {
      // Each stream starts with full budgets, as the floor assumes (the buckets refill within one window).
      await sleep(windowMs + 200);
      // --quick leaves the replays out (context, not targets): the smoke run has 3 minutes.
      const replayed = !quick && warmed.includes(stream);
      if (replayed) await emulator.record(true);
      results[stream] = await readStream(emulator, stream);
      if (!replayed) continue;
      await emulator.record(false);
      const replay = await bareReplay(emulator, results[stream]!, windowMs);
      bare[stream] = replay;
      progress(
        'missing' in replay
          ? `  ${stream} bare replay: not measured (${replay.missing})`
          : `  ${stream} bare replay: ${replay.records} records in ${replay.wallMs} ms, wall/floor ${replay.wallOverFloor ?? '?'}`,
      );
    }
    return { streams: results, bareReplay: bare };
  });
}

function zero429(targets: Target[], stream: string, r: StreamResult, label: string) {
  // A stream that stopped early proves nothing about 429s; the connector's own count comes from its closing line.
  const received = Math.max(r.throttled429.sentByEmulator, r.throttled429.receivedByConnector ?? 0);
  check(
    targets,
    { scenario: 'throttled', stream },
    label,
    measure(received, undefined, completed(r.status), [r.throttled429.receivedByConnector !== null, 'no closing count from the connector']),
    (n) => n === 0,
  );
}

export async function throttled(quick: boolean, targets: Target[]) {
  const oneX = await readAll('throttled 1x', quick, 1, ALL_STREAMS, true);
  const tenX = await readAll('throttled 10x', quick, 10, GROUP_STREAMS);
  for (const [stream, r] of Object.entries(oneX.streams)) {
    // The emulator computes a floor for users, service_principals, app_role_assignments and the two log streams only: no floor, no wall/floor target.
    if (r.floorMs !== null) {
      const bare = oneX.bareReplay[stream];
      const beside = !bare ? '' : 'missing' in bare ? ' (bare replay: not measured)' : ` (bare replay ${bare.wallOverFloor ?? '?'})`;
      check(
        targets,
        { scenario: 'throttled', stream },
        'wall/floor <= 1.25',
        measure(r.wallOverFloor, (v) => `${v}${beside}`, completed(r.status)),
        (v) => v <= 1.25,
      );
    }
    zero429(targets, stream, r, 'zero 429 received');
  }
  for (const [stream, r] of Object.entries(tenX.streams)) zero429(targets, stream, r, 'zero 429 received at 10x');
  return {
    settings: {
      latencyMsPerRequest: LATENCY_MS,
      throttling: { enabled: true, timeScale: THROTTLED_TIME_SCALE, ruPer10s: 'by tenant size (8,000 here)', reportsPer10s: 5 },
      env: { AZURE_GRAPH_TIME_SCALE: THROTTLED_TIME_SCALE },
      tenX: 'groups and group_members against a tenant ten times as big (sign-ins kept at 1x: not read)',
      warmUp: `at 1x, ${CHAIN_FLOORED.join(', ')} are each read once unmeasured before the measured reads: the emulator is warm for the connector and for the bare replay (the log streams wait for the reports budget most of their time, and are not warmed up)`,
      bareReplay: `full run only: ${CHAIN_FLOORED.join(', ')}, the requests of the connector's measured read replayed by the bare loop (bench-baseline.ts) on the same emulator, budgets full again; its wall/floor is shown beside the connector's (not a target)`,
    },
    '1x': oneX,
    '10x': tenX,
  };
}
