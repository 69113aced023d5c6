// Load check for sign_ins: a big tenant synced under the emulator's throttling model must receive zero 429 and miss nothing.
// Usage: npm run build && node dist/scripts/sign-ins-load.js [signIns=200000] [timeScale=50]
// Streams stdout line by line (a 200,000-record read is hundreds of MB: too much to buffer as runConnector does).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../test/emulator/index.js';
import { catalogOf } from '../test/support/fixtures.js';
import { entrypoint } from '../test/support/paths.js';
import { announcedRange } from '../test/support/sign-ins.js';

export interface SignInsLoadResult {
  signIns: number;
  timeScale: number;
  records: number;
  distinct: number;
  expected: number;
  missing: number;
  states: number;
  /** Most records between two consecutive STATE messages. */
  maxRecordsPerState: number;
  exitCode: number | null;
  wallMs: number;
  /** The emulator's lower bound on this sync's wall time under the model, and the connector's time against it. */
  floorMs: number;
  requests: number;
  throttled: number;
  rateLimitedNotices: number;
  errors: string[];
}

/** Starts an emulator with `signIns` sign-ins and throttling on, runs a full-refresh read of sign_ins, and checks it. */
export async function runSignInsLoad(signIns = 200_000, timeScale = 50): Promise<SignInsLoadResult> {
  const emulator = await startEmulator({
    seed: 2026,
    sizes: { users: 50, servicePrincipals: 10, groups: 3, assignments: 20, signIns },
    throttling: { enabled: true, timeScale },
  });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'azcc-load-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(emulator.config()));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalogOf([{ name: 'sign_ins' }])));
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [entrypoint, 'read', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')],
      {
        env: { ...process.env, ...emulator.env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const ids = new Set<string>();
    let records = 0;
    let since = 0;
    let maxRecordsPerState = 0;
    let states = 0;
    let rateLimitedNotices = 0;
    let range: { from: Date; to: Date } | undefined;
    const errors: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('{"type":"RECORD"')) {
        records++;
        since++;
        ids.add((JSON.parse(line) as { record: { data: { id: string } } }).record.data.id);
        continue;
      }
      const message = JSON.parse(line) as { type: string; [key: string]: any };
      if (message.type === 'STATE') {
        states++;
        maxRecordsPerState = Math.max(maxRecordsPerState, since);
        since = 0;
      } else if (message.type === 'LOG') {
        range ??= announcedRange(message.log.message);
      } else if (message.type === 'TRACE' && message.trace.type === 'ERROR') errors.push(message.trace.error.message);
      else if (message.type === 'TRACE' && message.trace.stream_status?.reasons?.some((r: { type: string }) => r.type === 'RATE_LIMITED'))
        rateLimitedNotices++;
    }
    const exitCode = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.on('close', resolve),
    );
    const wallMs = Date.now() - started;
    const truth = range ? emulator.truth.signIns(range.from, range.to) : [];
    const metrics = emulator.metrics();
    return {
      signIns,
      timeScale,
      records,
      distinct: ids.size,
      expected: truth.length,
      missing: truth.filter((s) => !ids.has(s.id as string)).length,
      states,
      maxRecordsPerState,
      exitCode,
      wallMs,
      floorMs: metrics.floorMs.sign_ins ?? 0,
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
  if (result.expected === 0) problems.push('no range was announced, or the range holds no sign-ins');
  if (result.missing !== 0) problems.push(`${result.missing} of ${result.expected} sign-ins are missing`);
  if (result.distinct !== result.records) problems.push(`${result.records - result.distinct} sign-ins were emitted twice`);
  if (result.maxRecordsPerState > 50_000) problems.push(`${result.maxRecordsPerState} records between two checkpoints`);
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [signIns, timeScale] = process.argv.slice(2).map(Number);
  const result = await runSignInsLoad(signIns || undefined, timeScale || undefined);
  const problems = loadProblems(result);
  console.log(JSON.stringify({ ...result, problems }, null, 2));
  process.exit(problems.length ? 1 : 0);
}
