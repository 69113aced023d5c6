// Scenario "throttled": every stream against Graph's throttling model and 30 ms latency; wall time over the emulator's
// floor where it has one, and zero 429. groups and group_members are also read at 10x (issue 16: zero 429 at 10x).
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_STREAMS, GROUP_STREAMS, LATENCY_MS, readStream, SEED, type StreamResult, tenantSizes, withEmulator } from './bench-common.js';
import { check, completed, measure, type Target } from './bench-targets.js';

/** Graph's 10 s windows last 2.5 s: the throttled sign-ins floor (100 pages at 5 per window) is ~48 s instead of ~190 s. */
const THROTTLED_TIME_SCALE = 4;

async function readAll(name: string, quick: boolean, factor: number, streams: readonly string[]) {
  const throttling = { enabled: true, timeScale: THROTTLED_TIME_SCALE };
  const windowMs = 10_000 / THROTTLED_TIME_SCALE;
  // The logs are not read at 10x here: the tenant keeps its 1x sign-ins and audit events (generating a million costs a minute).
  const sizes = { ...tenantSizes(quick, factor), signIns: tenantSizes(quick).signIns, directoryAudits: tenantSizes(quick).directoryAudits };
  return withEmulator(name, { seed: SEED, sizes, latencyMs: LATENCY_MS, throttling }, async (emulator) => {
    const results: Record<string, StreamResult> = {};
    for (const stream of streams) {
      // Each stream starts with full budgets, as the floor assumes (the buckets refill within one window).
      await sleep(windowMs + 200);
      results[stream] = await readStream(emulator, stream);
    }
    return { streams: results };
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
  const oneX = await readAll('throttled 1x', quick, 1, ALL_STREAMS);
  const tenX = await readAll('throttled 10x', quick, 10, GROUP_STREAMS);
  for (const [stream, r] of Object.entries(oneX.streams)) {
    // The emulator computes a floor for the first four streams only: no floor, no wall/floor target.
    if (r.floorMs !== null)
      check(
        targets,
        { scenario: 'throttled', stream },
        'wall/floor <= 1.25',
        measure(r.wallOverFloor, undefined, completed(r.status)),
        (v) => v <= 1.25,
      );
    zero429(targets, stream, r, 'zero 429 received');
  }
  for (const [stream, r] of Object.entries(tenX.streams)) zero429(targets, stream, r, 'zero 429 received at 10x');
  return {
    settings: {
      latencyMsPerRequest: LATENCY_MS,
      throttling: { enabled: true, timeScale: THROTTLED_TIME_SCALE, ruPer10s: 'by tenant size (8,000 here)', reportsPer10s: 5 },
      env: { AZURE_GRAPH_TIME_SCALE: THROTTLED_TIME_SCALE },
      tenX: 'groups and group_members against a tenant ten times as big (sign-ins kept at 1x: not read)',
    },
    '1x': oneX,
    '10x': tenX,
  };
}
