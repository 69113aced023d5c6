// The bare loop (bench-baseline.ts) run on the requests an emulator recorded during a connector read: the cpu
// scenario's per-record baseline, and the throttled scenario's bare client on the same latency and budgets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaselinePlan, BaselineResult } from './bench-baseline.js';
import { perSecond, scriptsDir } from './bench-common.js';
import type { EmulatorChild } from './bench-emulator-child.js';
import { measureNode } from './bench-run.js';

const baselineScript = join(scriptsDir, 'bench-baseline.js');

export interface BaselineRun extends BaselineResult {
  recordsPerSecond: number | null;
  peakRssMb: number | null;
  cpuMs?: number;
}

/** Replays `requests` against the emulator with the bare loop, as many $batch calls at once as the connector's config allows; throws if it fails. */
export async function runBaseline(emulator: EmulatorChild, requests: BaselinePlan['requests']): Promise<BaselineRun> {
  const concurrency = Number(emulator.ready.config.max_concurrent_requests ?? 4);
  const dir = mkdtempSync(join(tmpdir(), 'azcc-bench-baseline-'));
  const planPath = join(dir, 'plan.json');
  const plan: BaselinePlan = { url: emulator.ready.url, credentials: emulator.ready.credentials, requests, concurrency };
  // Synthetic emulator credentials: private to this user, deleted after the run.
  writeFileSync(planPath, JSON.stringify(plan), { mode: 0o600 });
  let out = '';
  try {
    const run = await measureNode(
      [baselineScript, planPath],
      { ...process.env, ...emulator.ready.env },
      (chunk) => (out += chunk.toString('utf8')),
    );
    if (run.exitCode !== 0) throw new Error(`baseline failed (exit ${run.exitCode}): ${run.stderrTail}`);
    const result = JSON.parse(out) as BaselineResult;
    return {
      ...result,
      recordsPerSecond: perSecond(result.records, result.wallMs),
      peakRssMb: run.peakRssMb,
      ...(run.cpuMs !== undefined ? { cpuMs: run.cpuMs } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
