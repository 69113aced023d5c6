// Scenario "memory": peak RSS of every stream at 1x (the cpu scenario's run when it ran, else its own) and of the
// streams whose work grows with the tenant at 10x, with their growth; unthrottled, the hardest case for memory.
import {
  ALL_STREAMS,
  ratio,
  readStream,
  SCALED_STREAMS,
  SEED,
  type StreamResult,
  tenantSizes,
  UNTHROTTLED,
  withEmulator,
} from './bench-common.js';
import type { CpuShared } from './bench-cpu.js';
import { check, completed, measure, type Target } from './bench-targets.js';

/** A 10x tenant whose stream read fewer than this many times its 1x records did not scale that stream's work. */
const SCALED_AT_LEAST = 5;

async function readEach(name: string, quick: boolean, factor: number, streams: readonly string[]) {
  return withEmulator(name, { seed: SEED, sizes: tenantSizes(quick, factor), throttling: UNTHROTTLED }, async (emulator) => {
    const results: Record<string, StreamResult> = {};
    for (const stream of streams) results[stream] = await readStream(emulator, stream);
    return { streams: results };
  });
}

export async function memory(quick: boolean, targets: Target[], shared: CpuShared = {}) {
  const oneX = shared.oneX
    ? { tenant: "the cpu scenario's run (same tenant and config)", streams: shared.oneX }
    : await readEach('memory 1x', quick, 1, ALL_STREAMS);
  const tenX = await readEach('memory 10x', quick, 10, SCALED_STREAMS);
  const growth: Record<string, { records: number | null; peakRss: number | null }> = {};
  for (const stream of ALL_STREAMS) {
    const one = oneX.streams[stream];
    const ten = tenX.streams[stream];
    for (const [label, run, limitMb] of [['1x', one, 120] as const, ['10x', ten, 150] as const]) {
      if (run)
        check(
          targets,
          { scenario: 'memory', stream },
          `peak RSS at ${label} <= ${limitMb} MB`,
          measure(run.peakRssMb, (v) => `${v} MB`, completed(run.status)),
          (v) => v <= limitMb,
        );
    }
    if (!one || !ten) continue;
    // Growth is a claim about a workload ten times as big: both runs complete, both figures read, and the 10x run
    // really read several times the records.
    const scaled = ratio(ten.records, one.records);
    const rss = one.peakRssMb !== null && ten.peakRssMb !== null ? ratio(ten.peakRssMb, one.peakRssMb) : null;
    growth[stream] = { records: scaled, peakRss: rss === null ? null : Math.round((rss - 1) * 100) / 100 };
    check(
      targets,
      { scenario: 'memory', stream },
      'peak RSS growth 1x -> 10x <= 20%',
      measure(
        growth[stream].peakRss,
        (g) => `${Math.round(g * 100)}% (${one.peakRssMb} -> ${ten.peakRssMb} MB, records x${scaled})`,
        completed(one.status),
        completed(ten.status),
        [scaled !== null && scaled >= SCALED_AT_LEAST, `workload not scaled (records x${scaled ?? '?'})`],
      ),
      (g) => g <= 0.2,
    );
  }
  return {
    settings: {
      factor10:
        'every count of the tenant x10 (full size: 500,000 users, 30,000 service principals, 600,000 assignments, 3,000 groups, 1,000,000 sign-ins)',
      throttling: UNTHROTTLED,
    },
    runs: { '1x': oneX, '10x': tenX },
    growth,
  };
}
