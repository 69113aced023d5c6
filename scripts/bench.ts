// `npm run bench [-- --scenario throttled,cpu,memory,fanout,reports] [--quick]`: runs the built connector against the emulator
// and prints (and saves under bench/results/) a JSON report per scenario and stream, with the issue's targets checked.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PERMISSIONS, type ServerOptions } from '../test/emulator/index.js';
import type { TenantSizes } from '../test/emulator/types.js';
import type { BaselinePlan, BaselineResult } from './bench-baseline.js';
import { EmulatorChild } from './bench-emulator-child.js';
import { type ConnectorRun, measureNode, RSS_METHOD, runConnector } from './bench-run.js';
import { MAX_REQUESTS_OVER_LEAST, meetsTarget, reportsEfficiency } from './reports-efficiency.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const entrypoint = join(repoRoot, 'dist', 'source-azure-client-credentials', 'main.js');
const baselineScript = join(here, 'bench-baseline.js');

const STREAMS = ['users', 'service_principals', 'app_role_assignments', 'sign_ins', 'directory_audits'] as const;
const SCENARIOS = ['throttled', 'cpu', 'memory', 'fanout', 'reports'] as const;
type Scenario = (typeof SCENARIOS)[number];

const SEED = 2026;
const LATENCY_MS = 30;
/** Graph's 10 s windows last 2.5 s: the throttled sign-ins floor (100 pages at 5 per window) is ~48 s instead of ~190 s. */
const THROTTLED_TIME_SCALE = 4;
/**
 * cpu and memory: the emulator does not throttle, and the connector's own pacing (which assumes Graph's budgets,
 * e.g. 5 sign-in requests per 10 s) is scaled out of the way through AZURE_GRAPH_TIME_SCALE, so only CPU is measured.
 */
const UNTHROTTLED = { enabled: false, timeScale: 1000 };

/** The issue's tenant: 50,000 users (5% guests), 3,000 service principals (60% first-party), 60,000 assignments (a quarter through 300 groups, two over 5,000 members), 100,000 sign-ins and 100,000 directory audit events over 30 days. */
function tenantSizes(quick: boolean, factor = 1): TenantSizes {
  const q = quick ? 10 : 1;
  return {
    users: (50_000 * factor) / q,
    guestFraction: 0.05,
    servicePrincipals: 3_000 / q,
    firstPartyFraction: 0.6,
    groups: 300 / q,
    bigGroupSizes: [6_000 / q, 5_200 / q],
    assignments: 60_000 / q,
    groupAssignmentFraction: 0.25,
    signIns: (100_000 * factor) / q,
    directoryAudits: (100_000 * factor) / q,
    directoryAuditsBeyondRetention: 0,
    retentionDays: 30,
  };
}

interface StreamResult {
  status: string;
  /** The stream's own time: STARTED to COMPLETE traces (token and first request included; Node start-up excluded). */
  wallMs: number;
  /** Spawn to exit of the connector process. */
  processWallMs: number;
  records: number;
  recordsPerSecond: number;
  /** HTTP requests the emulator received during this run (a $batch call counts once), the items inside $batch calls, and both per endpoint. */
  requests: number;
  batchItems: number;
  requestsByEndpoint: Record<string, number>;
  /** 429 answers: as sent by the emulator (requests and batch items) and as counted by the connector. */
  throttled429: { sentByEmulator: number; receivedByConnector: number | null };
  peakRssMb: number;
  cpuMs?: number;
  floorMs: number;
  wallOverFloor: number | null;
  connectorStats?: ConnectorRun['client'];
  rateLimitedNotices: number;
  errors?: string[];
}

const sum = (counts: Record<string, number>, keep: (label: string) => boolean) =>
  Object.entries(counts).reduce((n, [label, count]) => (keep(label) ? n + count : n), 0);
const perSecond = (records: number, ms: number) => (ms > 0 ? Math.round((records / ms) * 1000) : 0);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Reads one stream with the real entrypoint against the emulator child and collects both sides' numbers. */
async function readStream(emulator: EmulatorChild, stream: string, configOverrides: Record<string, unknown> = {}): Promise<StreamResult> {
  await emulator.reset();
  const run = await runConnector(
    entrypoint,
    stream,
    { ...emulator.ready.config, ...configOverrides },
    { ...process.env, ...emulator.ready.env },
  );
  const metrics = await emulator.metrics();
  const floorMs = metrics.floorMs[stream] ?? 0;
  const requestsByEndpoint = Object.fromEntries(
    Object.entries(metrics.requests).filter(([label]) => !/token|openid|discovery|keys/.test(label)),
  );
  const result: StreamResult = {
    status: run.status,
    wallMs: run.streamWallMs,
    processWallMs: run.processWallMs,
    records: run.records,
    recordsPerSecond: perSecond(run.records, run.streamWallMs),
    requests: sum(requestsByEndpoint, (label) => !label.startsWith('batch ')),
    batchItems: sum(requestsByEndpoint, (label) => label.startsWith('batch ')),
    requestsByEndpoint,
    throttled429: { sentByEmulator: metrics.throttled, receivedByConnector: run.client?.throttled ?? null },
    peakRssMb: run.peakRssMb,
    ...(run.cpuMs !== undefined ? { cpuMs: run.cpuMs } : {}),
    floorMs,
    wallOverFloor: floorMs > 0 ? round2(run.streamWallMs / floorMs) : null,
    ...(run.client ? { connectorStats: run.client } : {}),
    rateLimitedNotices: run.rateLimitedNotices,
    ...(run.errors.length ? { errors: run.errors } : {}),
  };
  if (run.exitCode !== 0) result.errors = [...(result.errors ?? []), `exit code ${run.exitCode}: ${run.stderrTail.slice(-1000)}`];
  progress(
    `  ${stream}: ${result.status} ${result.records} records in ${result.wallMs} ms (${result.recordsPerSecond}/s), ${result.requests} requests (${result.batchItems} batch items), ` +
      `${metrics.throttled} x 429, peak RSS ${result.peakRssMb} MB, floor ${floorMs} ms${result.wallOverFloor !== null ? `, wall/floor ${result.wallOverFloor}` : ''}`,
  );
  return result;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Every permission any stream may check for (sign_ins also accepts Directory.Read.All), so that a benchmark
 * measures reading and never stops on consent.
 */
const PERMISSIONS = [...new Set([...DEFAULT_PERMISSIONS, 'Directory.Read.All'])];

async function withEmulator<T>(
  name: string,
  serverOptions: ServerOptions,
  body: (emulator: EmulatorChild) => Promise<T>,
): Promise<T & { tenant: unknown }> {
  const options = { permissions: PERMISSIONS, ...serverOptions };
  progress(`${name}: generating the tenant (${JSON.stringify(options.sizes)})...`);
  const emulator = await EmulatorChild.start(options);
  progress(`${name}: emulator ready in ${emulator.ready.generateMs} ms at ${emulator.ready.url}`);
  try {
    const value = await body(emulator);
    return { ...value, tenant: { ...emulator.ready.counts, generateMs: emulator.ready.generateMs } };
  } finally {
    await emulator.stop();
  }
}

interface Target {
  scenario: Scenario;
  stream?: string;
  target: string;
  value: number | string | null;
  met: boolean;
}

// ---- 1. throttled -----------------------------------------------------------------------------------------------

async function throttled(quick: boolean, targets: Target[]) {
  const throttling = { enabled: true, timeScale: THROTTLED_TIME_SCALE };
  const windowMs = 10_000 / THROTTLED_TIME_SCALE;
  const result = await withEmulator(
    'throttled',
    { seed: SEED, sizes: tenantSizes(quick), latencyMs: LATENCY_MS, throttling },
    async (emulator) => {
      const streams: Record<string, StreamResult> = {};
      for (const stream of STREAMS) {
        // Each stream starts with full budgets, as the floor assumes (the buckets refill within one window).
        await sleep(windowMs + 200);
        streams[stream] = await readStream(emulator, stream);
      }
      return { streams };
    },
  );
  for (const [stream, r] of Object.entries(result.streams)) {
    targets.push({
      scenario: 'throttled',
      stream,
      target: 'wall/floor <= 1.25',
      value: r.wallOverFloor,
      met: r.status === 'COMPLETE' && r.wallOverFloor !== null && r.wallOverFloor <= 1.25,
    });
    const received = Math.max(r.throttled429.sentByEmulator, r.throttled429.receivedByConnector ?? 0);
    targets.push({ scenario: 'throttled', stream, target: 'zero 429 received', value: received, met: received === 0 });
  }
  return {
    settings: {
      latencyMsPerRequest: LATENCY_MS,
      throttling: { ...throttling, ruPer10s: 'large-tenant default (8,000)', reportsPer10s: 5 },
      env: { AZURE_GRAPH_TIME_SCALE: THROTTLED_TIME_SCALE },
    },
    ...result,
  };
}

// ---- 2. cpu -----------------------------------------------------------------------------------------------------

interface BaselineRun extends BaselineResult {
  recordsPerSecond: number;
  peakRssMb: number;
  cpuMs?: number;
}

async function runBaseline(emulator: EmulatorChild, requests: BaselinePlan['requests'], concurrency: number): Promise<BaselineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'azcc-bench-baseline-'));
  const planPath = join(dir, 'plan.json');
  const plan: BaselinePlan = { url: emulator.ready.url, credentials: emulator.ready.credentials, requests, concurrency };
  // Synthetic emulator credentials: private to this user, deleted after the run.
  writeFileSync(planPath, JSON.stringify(plan), { mode: 0o600 });
  let out = '';
  try {
    const measure = await measureNode(
      [baselineScript, planPath],
      { ...process.env, ...emulator.ready.env },
      (chunk) => (out += chunk.toString('utf8')),
    );
    if (measure.exitCode !== 0) throw new Error(`baseline failed (exit ${measure.exitCode}): ${measure.stderrTail}`);
    const result = JSON.parse(out) as BaselineResult;
    return {
      ...result,
      recordsPerSecond: perSecond(result.records, result.wallMs),
      peakRssMb: measure.peakRssMb,
      ...(measure.cpuMs !== undefined ? { cpuMs: measure.cpuMs } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cpu(quick: boolean, targets: Target[]) {
  const result = await withEmulator('cpu', { seed: SEED, sizes: tenantSizes(quick), throttling: UNTHROTTLED }, async (emulator) => {
    const streams: Record<
      string,
      { connector: StreamResult; baseline: BaselineRun; ratio: { recordsPerSecond: number; wall: number; cpu?: number } }
    > = {};
    const concurrency = Number(emulator.ready.config.max_concurrent_requests ?? 4);
    for (const stream of STREAMS) {
      await emulator.record(true);
      const connector = await readStream(emulator, stream);
      await emulator.record(false);
      const requests = await emulator.recorded();
      const baseline = await runBaseline(emulator, requests, concurrency);
      const ratio = {
        /** Baseline records/s over the connector's: the target is <= 1.5. */
        recordsPerSecond: round2(baseline.recordsPerSecond / Math.max(1, connector.recordsPerSecond)),
        /** Connector wall over baseline wall for the same requests. */
        wall: round2(connector.wallMs / Math.max(1, baseline.wallMs)),
        /** Connector CPU (user + system, whole process) over the baseline's: robust when the machine is busy. */
        ...(connector.cpuMs !== undefined && baseline.cpuMs !== undefined
          ? { cpu: round2(connector.cpuMs / Math.max(1, baseline.cpuMs)) }
          : {}),
      };
      progress(
        `  ${stream} baseline: ${baseline.records} records in ${baseline.wallMs} ms (${baseline.recordsPerSecond}/s), ${baseline.requests} requests; baseline/connector records/s ${ratio.recordsPerSecond}, wall ratio ${ratio.wall}, cpu ratio ${ratio.cpu ?? '?'}`,
      );
      streams[stream] = { connector, baseline, ratio };
    }
    return { streams };
  });
  for (const [stream, r] of Object.entries(result.streams)) {
    targets.push({
      scenario: 'cpu',
      stream,
      target: 'connector records/s >= baseline records/s / 1.5',
      value: `${r.connector.recordsPerSecond} vs ${r.baseline.recordsPerSecond} (x${r.ratio.recordsPerSecond})`,
      met: r.connector.status === 'COMPLETE' && r.ratio.recordsPerSecond <= 1.5,
    });
  }
  return {
    settings: {
      latencyMsPerRequest: 0,
      throttling: UNTHROTTLED,
      env: { AZURE_GRAPH_TIME_SCALE: UNTHROTTLED.timeScale },
      baseline:
        "replays the requests the emulator recorded during the connector run (same URLs and $batch bodies; GET chains one at a time, $batch calls with the connector's concurrency), JSON.parse of each body and JSON.stringify of each record to a null sink",
    },
    ...result,
  };
}

// ---- 3. memory --------------------------------------------------------------------------------------------------

async function memory(quick: boolean, targets: Target[], oneX?: Record<string, StreamResult>) {
  const runs: Record<string, { tenant: unknown; streams: Record<string, StreamResult> }> = {};
  for (const factor of [1, 10]) {
    if (factor === 1 && oneX) {
      runs['1x'] = { tenant: "the cpu scenario's run (same tenant and config)", streams: oneX };
      continue;
    }
    runs[`${factor}x`] = await withEmulator(
      `memory ${factor}x`,
      { seed: SEED, sizes: tenantSizes(quick, factor), throttling: UNTHROTTLED },
      async (emulator) => {
        const streams: Record<string, StreamResult> = {};
        for (const stream of STREAMS) streams[stream] = await readStream(emulator, stream);
        return { streams };
      },
    );
  }
  const growth: Record<string, number> = {};
  for (const stream of STREAMS) {
    const one = runs['1x']!.streams[stream]!;
    const ten = runs['10x']!.streams[stream]!;
    growth[stream] = round2(ten.peakRssMb / one.peakRssMb - 1);
    const peak = Math.max(one.peakRssMb, ten.peakRssMb);
    targets.push({
      scenario: 'memory',
      stream,
      target: 'peak RSS <= 150 MB',
      value: peak,
      met: peak <= 150 && one.status === 'COMPLETE' && ten.status === 'COMPLETE',
    });
    targets.push({
      scenario: 'memory',
      stream,
      target: 'peak RSS growth 1x -> 10x <= 20%',
      value: `${Math.round(growth[stream]! * 100)}%`,
      met: growth[stream]! <= 0.2,
    });
  }
  return {
    settings: {
      factor10: 'users and sign-ins x10 (500,000 users, 1,000,000 sign-ins in full size); everything else as scenario 2',
      throttling: UNTHROTTLED,
    },
    runs,
    growth,
  };
}

// ---- 4. fan-out -------------------------------------------------------------------------------------------------

async function fanout(quick: boolean, targets: Target[]) {
  const stream = 'app_role_assignments';
  const result = await withEmulator(
    'fanout',
    { seed: SEED, sizes: tenantSizes(quick), latencyMs: LATENCY_MS, throttling: { enabled: true, timeScale: 1 } },
    async (emulator) => {
      const batched = await readStream(emulator, stream);
      // A full window, so the sequential run starts with the same budget.
      await sleep(10_500);
      const sequential = await readStream(emulator, stream, { use_batch_requests: false, max_concurrent_requests: 1 });
      return { batched, sequential };
    },
  );
  const speedup = round2(result.sequential.wallMs / Math.max(1, result.batched.wallMs));
  targets.push({
    scenario: 'fanout',
    stream,
    target: 'batched+concurrent >= 20x faster than sequential',
    value: speedup,
    met: speedup >= 20 && result.batched.status === 'COMPLETE' && result.sequential.status === 'COMPLETE',
  });
  return {
    settings: {
      latencyMsPerRequest: LATENCY_MS,
      throttling: { enabled: true, timeScale: 1, note: 'real Graph windows, large-tenant budget' },
      batched: 'defaults: use_batch_requests true, max_concurrent_requests 4',
      sequential: 'use_batch_requests false, max_concurrent_requests 1',
    },
    ...result,
    speedup,
  };
}

// ---- 5. reports efficiency (scripts/reports-efficiency.ts) ------------------------------------------------------

async function reports(quick: boolean, targets: Target[]) {
  const figures = [];
  for (const size of quick ? [10_000] : [10_000, 100_000]) {
    progress(`reports: a first 30-day sync of ${size} sign-ins and ${size} audit events...`);
    for (const f of await reportsEfficiency(size)) {
      figures.push(f);
      targets.push({
        scenario: 'reports',
        stream: f.stream,
        target: `${size} records: requests <= ${MAX_REQUESTS_OVER_LEAST}x least, checkpoints <= 50,000 records apart`,
        value: `${f.requests} vs ${f.leastRequests} (x${f.ratio}), ${f.maxRecordsPerState} per state`,
        met: meetsTarget(f),
      });
    }
  }
  return { settings: { least: 'ceil(records in range / largest page): 1,000 sign-ins, 999 audit events' }, figures };
}

// ---- main -------------------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({ options: { scenario: { type: 'string', multiple: true }, quick: { type: 'boolean', default: false } } });
  const wanted = (values.scenario ?? [...SCENARIOS])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of wanted)
    if (!SCENARIOS.includes(s as Scenario)) throw new Error(`Unknown scenario "${s}"; choose from ${SCENARIOS.join(', ')}.`);
  const quick = values.quick;
  const targets: Target[] = [];
  const scenarios: Record<string, unknown> = {};
  const started = new Date();
  // Other work on the machine skews every figure: the load before and after is part of the report.
  const loadBefore = loadavg().map(round2);
  const has = (s: Scenario) => wanted.includes(s);
  if (has('throttled')) scenarios.throttled = await throttled(quick, targets);
  let cpuStreams: Record<string, StreamResult> | undefined;
  if (has('cpu')) {
    const r = await cpu(quick, targets);
    scenarios.cpu = r;
    cpuStreams = Object.fromEntries(Object.entries(r.streams).map(([name, s]) => [name, s.connector]));
  }
  if (has('memory')) scenarios.memory = await memory(quick, targets, cpuStreams);
  if (has('fanout')) scenarios.fanout = await fanout(quick, targets);
  if (has('reports')) scenarios.reports = await reports(quick, targets);

  const report = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine: {
      nproc: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
      loadAverage: { before: loadBefore, after: loadavg().map(round2) },
    },
    method: {
      seed: SEED,
      sizes: tenantSizes(quick),
      quick,
      connector:
        "the built entrypoint dist/source-azure-client-credentials/main.js, one `read` process per stream with a one-stream catalog and the emulator's config (defaults otherwise); stdout piped to the bench, which counts RECORD lines by their type prefix and parses only the other messages",
      wallMs: "the stream's own time, from its STARTED to its COMPLETE trace (emitted_at); processWallMs adds Node start-up",
      requests: 'emulator metrics during the run, token and discovery endpoints excluded; a $batch counts as one request',
      peakRss: RSS_METHOD,
      emulator:
        'a separate child process (dist/scripts/bench-emulator.js) with its own core, so that it is not the bottleneck of the cpu scenario; floorMs is its metrics().floorMs for the stream',
    },
    scenarios,
    targets,
    summary: { met: targets.filter((t) => t.met).length, missed: targets.filter((t) => !t.met).length },
  };
  const text = JSON.stringify(report, null, 2);
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${text}\n`);
  process.stdout.write(`${text}\n`);
  progress(`Report written to ${file}`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
