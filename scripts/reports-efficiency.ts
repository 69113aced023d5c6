// Reports efficiency (issue 18 target 5): a first 30-day sync of the log streams against the least possible number of reports requests.
// Usage: npm run build && node dist/scripts/reports-efficiency.js [records per stream ...=10000,100000]; also `npm run bench -- --scenario reports`.
import { fileURLToPath } from 'node:url';
import type { LogStream } from '../test/support/log-streams.js';
import { loadProblems, runSignInsLoad } from './sign-ins-load.js';

/** The issue's bound: requests at most 1.15x the least, ceil(records / largest page). */
export const MAX_REQUESTS_OVER_LEAST = 1.15;
/** The issue's checkpoint bound, which fewer windows must not break. */
export const MAX_RECORDS_PER_STATE = 50_000;

export interface ReportsFigure {
  stream: LogStream;
  /** Sign-ins and audit events the emulator's tenant holds (each stream its own). */
  tenantRecords: number;
  /** Records in the range the sync announced: what the least is computed from. */
  records: number;
  requests: number;
  leastRequests: number;
  ratio: number;
  states: number;
  maxRecordsPerState: number;
  /** The stream's ESTIMATE traces (row_estimate, in order): the first from the first page, a second from the first split. */
  estimates: number[];
  /** Load problems of the run (429s, missing or repeated records, a failed exit); empty when sound. */
  problems: string[];
}

/**
 * One full-refresh read of sign_ins and directory_audits, each with `records` events over 30 days, under the throttling
 * model (time scale 50: the counts do not depend on it), and per stream its requests against the least.
 */
export async function reportsEfficiency(records: number): Promise<ReportsFigure[]> {
  const result = await runSignInsLoad(records, 50, records);
  const problems = loadProblems(result);
  return (Object.entries(result.streams) as [LogStream, NonNullable<(typeof result.streams)[LogStream]>][]).map(([stream, s]) => ({
    stream,
    tenantRecords: records,
    records: s.expected,
    requests: s.requests,
    leastRequests: s.leastRequests,
    ratio: Math.round((s.requests / Math.max(1, s.leastRequests)) * 1000) / 1000,
    states: s.states,
    maxRecordsPerState: s.maxRecordsPerState,
    estimates: s.estimates,
    // The run's own problems (exit code, 429s) and this stream's.
    problems: problems.filter((p) => p.startsWith(`${stream}:`) || !/^(sign_ins|directory_audits):/.test(p)),
  }));
}

/** Whether a figure meets target 5: within the ratio, checkpoints at most every 50,000 records, and a sound read. */
export const meetsTarget = (f: ReportsFigure): boolean =>
  f.problems.length === 0 && f.ratio <= MAX_REQUESTS_OVER_LEAST && f.maxRecordsPerState <= MAX_RECORDS_PER_STATE;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  const figures: ReportsFigure[] = [];
  for (const size of sizes.length ? sizes : [10_000, 100_000]) figures.push(...(await reportsEfficiency(size)));
  console.log('stream            tenant   in range  requests  least  ratio  states  max/state  met  estimates');
  for (const f of figures) {
    console.log(
      `${f.stream.padEnd(17)} ${String(f.tenantRecords).padStart(7)} ${String(f.records).padStart(9)} ${String(f.requests).padStart(9)} ${String(f.leastRequests).padStart(6)} ${f.ratio.toFixed(3).padStart(6)} ${String(f.states).padStart(7)} ${String(f.maxRecordsPerState).padStart(10)}  ${(meetsTarget(f) ? 'yes' : 'NO').padEnd(4)} ${f.estimates.join(' -> ')}${f.problems.length ? `  ${f.problems.join('; ')}` : ''}`,
    );
  }
  process.exit(figures.every(meetsTarget) ? 0 : 1);
}
