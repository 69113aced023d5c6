// What every bench scenario shares: the seeded tenant's sizes, the stream lists, one measured read of one stream
// against the emulator child, and the emulator's lifetime around a scenario.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PERMISSIONS, type ServerOptions } from '../test/emulator/index.js';
import type { TenantSizes } from '../test/emulator/types.js';
import { EmulatorChild } from './bench-emulator-child.js';
import { type ConnectorRun, IMAGE_ENTRYPOINT, runConnector } from './bench-run.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
/** The bundle that ships (package.json bin; the image's ENTRYPOINT runs it). */
export const bundle = join(repoRoot, 'dist', 'bundle', 'main.mjs');
/** What the image runs: entrypoint.sh, which execs node on the bundle with the V8 setting of its command. */
export const entrypoint = IMAGE_ENTRYPOINT;
export const scriptsDir = here;

/** The four streams of the first release: every target of issue 18 names them. */
export const CORE_STREAMS = ['users', 'service_principals', 'app_role_assignments', 'sign_ins'] as const;
/** The directory audit log (issue 17): the same targets as sign_ins, wall/floor included. */
export const AUDIT_STREAMS = ['directory_audits'] as const;
/** Streams added since (issue 16 and after), held to the same targets (issue 18, target 6). */
export const GROUP_STREAMS = ['groups', 'group_members'] as const;
/** Small directory streams: measured at 1x (peak RSS), their workloads are a few pages. */
export const SMALL_STREAMS = ['applications', 'oauth2_permission_grants', 'subscribed_skus', 'directory_role_assignments'] as const;
export const ALL_STREAMS: readonly string[] = [...CORE_STREAMS, ...AUDIT_STREAMS, ...GROUP_STREAMS, ...SMALL_STREAMS];
/** Streams whose workload grows with the tenant: read again at 10x by the memory scenario. */
export const SCALED_STREAMS: readonly string[] = [...CORE_STREAMS, ...AUDIT_STREAMS, ...GROUP_STREAMS];

export const SEED = 2026;
export const LATENCY_MS = 30;
/**
 * cpu and memory: the emulator does not throttle, and the connector's own pacing (which assumes Graph's budgets,
 * e.g. 5 sign-in requests per 10 s) is scaled out of the way through AZURE_GRAPH_TIME_SCALE, so only CPU is measured.
 */
export const UNTHROTTLED = { enabled: false, timeScale: 1000 };

/**
 * The issue's tenant: 50,000 users (5% guests), 3,000 service principals (60% first-party), 60,000 assignments (a
 * quarter through 300 groups, two over 5,000 members), 100,000 sign-ins and 100,000 directory audit events over 30 days. `factor` scales every count
 * (a tenant ten times as big has ten times as many applications, groups and assignments too), so that every stream
 * the memory scenario reads at 10x has ten times the work.
 */
export function tenantSizes(quick: boolean, factor = 1): TenantSizes {
  const n = (full: number) => Math.round((full * factor) / (quick ? 10 : 1));
  return {
    users: n(50_000),
    guestFraction: 0.05,
    servicePrincipals: n(3_000),
    firstPartyFraction: 0.6,
    groups: n(300),
    bigGroupSizes: [n(6_000), n(5_200)],
    assignments: n(60_000),
    groupAssignmentFraction: 0.25,
    signIns: n(100_000),
    directoryAudits: n(100_000),
    directoryAuditsBeyondRetention: 0,
    retentionDays: 30,
  };
}

export interface StreamResult {
  status: string;
  /** The stream's own time: STARTED to COMPLETE traces (token and first request included; Node start-up excluded); null without both traces. */
  wallMs: number | null;
  /** Spawn to exit of the connector process. */
  processWallMs: number;
  records: number;
  recordsPerSecond: number | null;
  /** HTTP requests the emulator received during this run (a $batch call counts once), the items inside $batch calls, and both per endpoint. */
  requests: number;
  batchItems: number;
  requestsByEndpoint: Record<string, number>;
  /** 429 answers: as sent by the emulator (requests and batch items) and as counted by the connector (null: no closing count). */
  throttled429: { sentByEmulator: number; receivedByConnector: number | null };
  /** null: could not be read (never 0). */
  peakRssMb: number | null;
  cpuMs?: number;
  floorMs: number | null;
  wallOverFloor: number | null;
  connectorStats?: ConnectorRun['client'];
  rateLimitedNotices: number;
  errors?: string[];
}

const sum = (counts: Record<string, number>, keep: (label: string) => boolean) =>
  Object.entries(counts).reduce((n, [label, count]) => (keep(label) ? n + count : n), 0);
/** Records per second, or null when there is nothing to divide (no time, or no record: a rate of 0 is not a measurement). */
export const perSecond = (records: number, ms: number | null) => (ms && ms > 0 && records > 0 ? Math.round((records / ms) * 1000) : null);
export const round2 = (n: number) => Math.round(n * 100) / 100;
/** The middle value (the mean of the two middle ones for an even count). */
export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** a / b rounded, or null unless both are positive figures. */
export const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a != null && b != null && a > 0 && b > 0 ? round2(a / b) : null;

export const progress = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Reads one stream once, unmeasured: the emulator's code for its endpoints is cold (not yet optimised) at first use, and
 * whichever read came first paid for that. Measured reads after it meet a warm emulator, on the connector's side and the bare loop's.
 */
export async function warmUp(emulator: EmulatorChild, stream: string): Promise<void> {
  await runConnector(entrypoint, stream, emulator.ready.config, { ...process.env, ...emulator.ready.env });
}

/** Reads one stream with the real entrypoint against the emulator child and collects both sides' numbers. */
export async function readStream(
  emulator: EmulatorChild,
  stream: string,
  configOverrides: Record<string, unknown> = {},
): Promise<StreamResult> {
  await emulator.reset();
  const run = await runConnector(
    entrypoint,
    stream,
    { ...emulator.ready.config, ...configOverrides },
    { ...process.env, ...emulator.ready.env },
  );
  const metrics = await emulator.metrics();
  const floorMs = metrics.floorMs[stream] ?? null;
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
    wallOverFloor: ratio(run.streamWallMs, floorMs),
    ...(run.client ? { connectorStats: run.client } : {}),
    rateLimitedNotices: run.rateLimitedNotices,
    ...(run.errors.length ? { errors: run.errors } : {}),
  };
  if (run.exitCode !== 0) result.errors = [...(result.errors ?? []), `exit code ${run.exitCode}: ${run.stderrTail.slice(-1000)}`];
  progress(
    `  ${stream}: ${result.status} ${result.records} records in ${result.wallMs ?? '?'} ms (${result.recordsPerSecond ?? '?'}/s), ${result.requests} requests (${result.batchItems} batch items), ` +
      `${metrics.throttled} x 429, peak RSS ${result.peakRssMb ?? '?'} MB${floorMs ? `, floor ${floorMs} ms` : ''}${result.wallOverFloor !== null ? `, wall/floor ${result.wallOverFloor}` : ''}`,
  );
  return result;
}

/**
 * Every permission any stream may check for (sign_ins also accepts Directory.Read.All; Member.Read.Hidden lets the
 * group streams read hidden memberships instead of skipping them), so that a benchmark measures reading and never
 * stops on consent.
 */
const PERMISSIONS = [...new Set([...DEFAULT_PERMISSIONS, 'Directory.Read.All', 'Member.Read.Hidden'])];

/** Runs `body` against a freshly generated emulator child, stopped afterwards; the tenant's counts join the result. */
export async function withEmulator<T>(
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
