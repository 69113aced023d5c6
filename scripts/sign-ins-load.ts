// Load check for the log streams: sign_ins and directory_audits synced in one read under the emulator's throttling model must receive zero 429 and miss nothing.
// Usage: npm run build && node dist/scripts/sign-ins-load.js [signIns=200000] [timeScale=50] [directoryAudits=0]
// Streams stdout line by line (a 200,000-record read is hundreds of MB: too much to buffer as runConnector does).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../test/emulator/index.js';
import { catalogOf } from '../test/support/fixtures.js';
import { announcedLogRange, type LogStream } from '../test/support/log-streams.js';
import { entrypoint } from '../test/support/paths.js';

/** What one log stream of the read brought, against the emulator's truth for the range it announced. */
export interface LogStreamLoad {
  records: number;
  distinct: number;
  expected: number;
  missing: number;
  states: number;
  /** Most records of this stream between two of its STATE messages. */
  maxRecordsPerState: number;
  /** The emulator's lower bound on this stream's wall time under the model, were it read alone. */
  floorMs: number;
  /** Reports requests (pages) this stream sent, and the least that could read its records: ceil(records in range / largest page). */
  requests: number;
  leastRequests: number;
  /** The row_estimate of each ESTIMATE trace of this stream, in order. */
  estimates: number[];
}

export interface SignInsLoadResult {
  signIns: number;
  directoryAudits: number;
  timeScale: number;
  streams: Partial<Record<LogStream, LogStreamLoad>>;
  exitCode: number | null;
  wallMs: number;
  /** The model's lower bound on the read: the streams' floors added up, since they share one reports budget. */
  floorMs: number;
  requests: number;
  throttled: number;
  rateLimitedNotices: number;
  errors: string[];
}

/** Each log stream's endpoint as the emulator's metrics label it, and the largest page Graph serves it (sign-ins 1,000; audits 999, as the connector asks). */
const REQUESTS: Record<LogStream, { label: string; pageMax: number }> = {
  sign_ins: { label: 'GET /auditLogs/signIns', pageMax: 1000 },
  directory_audits: { label: 'GET /auditLogs/directoryAudits', pageMax: 999 },
};

/**
 * Starts an emulator with `signIns` sign-ins, `directoryAudits` audit events (0: sign_ins alone) and throttling on,
 * runs one full-refresh read of the log streams, and checks each against the truth.
 */
export async function runSignInsLoad(signIns = 200_000, timeScale = 50, directoryAudits = 0): Promise<SignInsLoadResult> {
  const emulator = await startEmulator({
    seed: 2026,
    sizes: { users: 50, servicePrincipals: 10, groups: 3, assignments: 20, signIns, directoryAudits, directoryAuditsBeyondRetention: 0 },
    throttling: { enabled: true, timeScale },
  });
  const names: LogStream[] = directoryAudits > 0 ? ['sign_ins', 'directory_audits'] : ['sign_ins'];
  try {
    const dir = mkdtempSync(join(tmpdir(), 'azcc-load-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(emulator.config()));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalogOf(names.map((name) => ({ name })))));
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [entrypoint, 'read', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')],
      {
        env: { ...process.env, ...emulator.env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const seen = Object.fromEntries(
      names.map((name) => [
        name,
        {
          ids: new Set<string>(),
          records: 0,
          since: 0,
          maxRecordsPerState: 0,
          states: 0,
          estimates: [] as number[],
          range: undefined as { from: Date; to: Date } | undefined,
        },
      ]),
    );
    let rateLimitedNotices = 0;
    const errors: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('{"type":"RECORD"')) {
        const { record } = JSON.parse(line) as { record: { stream: string; data: { id: string } } };
        const own = seen[record.stream]!;
        own.records++;
        own.since++;
        own.ids.add(record.data.id);
        continue;
      }
      const message = JSON.parse(line) as { type: string; [key: string]: any };
      if (message.type === 'STATE') {
        const own = seen[message.state.stream.stream_descriptor.name]!;
        own.states++;
        own.maxRecordsPerState = Math.max(own.maxRecordsPerState, own.since);
        own.since = 0;
      } else if (message.type === 'LOG') {
        for (const name of names) seen[name]!.range = announcedLogRange(name, message.log.message) ?? seen[name]!.range;
      } else if (message.type === 'TRACE' && message.trace.type === 'ESTIMATE') {
        seen[message.trace.estimate.name]!.estimates.push(message.trace.estimate.row_estimate);
      } else if (message.type === 'TRACE' && message.trace.type === 'ERROR') errors.push(message.trace.error.message);
      else if (message.type === 'TRACE' && message.trace.stream_status?.reasons?.some((r: { type: string }) => r.type === 'RATE_LIMITED'))
        rateLimitedNotices++;
    }
    const exitCode = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve),
    );
    const wallMs = Date.now() - started;
    const metrics = emulator.metrics();
    const streams: Partial<Record<LogStream, LogStreamLoad>> = {};
    for (const name of names) {
      const own = seen[name]!;
      const range = own.range;
      const truth = !range
        ? []
        : name === 'sign_ins'
          ? emulator.truth.signIns(range.from, range.to)
          : emulator.truth.directoryAudits(range.from, range.to);
      streams[name] = {
        records: own.records,
        distinct: own.ids.size,
        expected: truth.length,
        missing: truth.filter((r) => !own.ids.has(r.id as string)).length,
        states: own.states,
        maxRecordsPerState: own.maxRecordsPerState,
        floorMs: metrics.floorMs[name] ?? 0,
        requests: metrics.requests[REQUESTS[name].label] ?? 0,
        leastRequests: Math.ceil(truth.length / REQUESTS[name].pageMax),
        estimates: own.estimates,
      };
    }
    return {
      signIns,
      directoryAudits,
      timeScale,
      streams,
      exitCode,
      wallMs,
      floorMs: Object.values(streams).reduce((sum, s) => sum + s.floorMs, 0),
      requests: metrics.totalRequests,
      throttled: metrics.throttled,
      rateLimitedNotices,
      errors,
    };
  } finally {
    await emulator.stop();
  }
}

/** The conditions a load run must meet; empty when it passed. */
export function loadProblems(result: SignInsLoadResult): string[] {
  const problems: string[] = [];
  if (result.exitCode !== 0) problems.push(`exit code ${result.exitCode}: ${result.errors.join(' | ')}`);
  if (result.throttled !== 0) problems.push(`${result.throttled} requests were answered 429`);
  for (const [name, s] of Object.entries(result.streams)) {
    if (s.expected === 0) problems.push(`${name}: no range was announced, or the range holds no records`);
    if (s.missing !== 0) problems.push(`${name}: ${s.missing} of ${s.expected} records are missing`);
    if (s.distinct !== s.records) problems.push(`${name}: ${s.records - s.distinct} records were emitted twice`);
    if (s.maxRecordsPerState > 50_000) problems.push(`${name}: ${s.maxRecordsPerState} records between two checkpoints`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [signIns, timeScale, directoryAudits] = process.argv.slice(2).map(Number);
  const result = await runSignInsLoad(signIns || undefined, timeScale || undefined, directoryAudits || undefined);
  const problems = loadProblems(result);
  console.log(JSON.stringify({ ...result, problems }, null, 2));
  process.exit(problems.length ? 1 : 0);
}
