// Runs one measured child process (the built connector, or the baseline) and returns its times, peak RSS, CPU and output.
// Peak RSS: /usr/bin/time -f '%M' reports the child's ru_maxrss from wait4() (exact, taken when it exits); without
// /usr/bin/time, /proc/<pid>/status VmHWM is polled from here every 20 ms while the child lives (may miss the last moment).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TIME = '/usr/bin/time';
export const RSS_METHOD = existsSync(TIME)
  ? 'ru_maxrss of the child (/usr/bin/time -f %M), exact at exit'
  : '/proc/<pid>/status VmHWM polled every 20 ms by the bench while the child lives';

export interface ChildMeasure {
  exitCode: number | null;
  /** Spawn to exit, as seen by the bench (includes Node start-up and module loading). */
  processWallMs: number;
  /** null when it could not be read: a missing figure is never 0 MB. */
  peakRssMb: number | null;
  /** User + system CPU of the child (only with /usr/bin/time). */
  cpuMs?: number;
  stderrTail: string;
}

/** Counts RECORD lines without parsing them; every other message is parsed and kept. */
class LineCounter {
  records = 0;
  others: { type: string; [key: string]: any }[] = [];
  private carry: Buffer | undefined;

  push(chunk: Buffer) {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      // Every line is {"type":"<TYPE>",...}: byte 9 is the type's first letter, R only for RECORD.
      if (buf[start + 9] === 0x52) this.records++;
      else if (nl > start) this.others.push(JSON.parse(buf.toString('utf8', start, nl)));
      start = nl + 1;
    }
    this.carry = start < buf.length ? buf.subarray(start) : undefined;
  }
}

function vmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A positive finite figure, else null (unreadable, absent or zero: not a measurement). */
const figure = (n: number | undefined): number | null => (n !== undefined && Number.isFinite(n) && n > 0 ? n : null);

/** Runs `node args...` under /usr/bin/time (when present); stdout goes to `onStdout`. */
export function measureNode(args: string[], env: NodeJS.ProcessEnv, onStdout: (chunk: Buffer) => void): Promise<ChildMeasure> {
  return measureCommand([process.execPath, ...args], env, onStdout);
}

/** Runs `command` (a program and its arguments) under /usr/bin/time (when present); stdout goes to `onStdout`. */
export function measureCommand(command: string[], env: NodeJS.ProcessEnv, onStdout: (chunk: Buffer) => void): Promise<ChildMeasure> {
  const dir = mkdtempSync(join(tmpdir(), 'azcc-bench-'));
  const timeFile = join(dir, 'time.txt');
  const useTime = existsSync(TIME);
  const [program, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', timeFile, ...command]] : [command[0]!, command.slice(1)];
  const started = performance.now();
  const child = spawn(program, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let hwm = 0;
  const poll = useTime ? undefined : setInterval(() => (hwm = Math.max(hwm, vmHwmKb(child.pid!) ?? 0)), 20);
  let stderr = '';
  child.stdout.on('data', onStdout);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const processWallMs = Math.round(performance.now() - started);
      if (poll) clearInterval(poll);
      let peakKb = figure(hwm);
      let cpuMs: number | undefined;
      if (useTime) {
        // /usr/bin/time writes "Command exited with non-zero status N" before the format line on failure,
        // and nothing at all when it could not run the child.
        const line = (existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '').trim().split('\n').pop() ?? '';
        const [kb, user, sys] = line.split(/\s+/).map(Number);
        peakKb = figure(kb);
        const cpu = figure((user ?? Number.NaN) + (sys ?? Number.NaN));
        if (cpu !== null) cpuMs = Math.round(cpu * 1000);
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        exitCode: code,
        processWallMs,
        peakRssMb: peakKb === null ? null : Math.round((peakKb / 1024) * 10) / 10,
        ...(cpuMs !== undefined ? { cpuMs } : {}),
        stderrTail: stderr,
      });
    });
  });
}

export interface ConnectorRun extends ChildMeasure {
  records: number;
  /** From the stream's STARTED trace to its COMPLETE/INCOMPLETE trace (the connector's own clock, emitted_at); null without both. */
  streamWallMs: number | null;
  status: string;
  errors: string[];
  /** The connector's own count from its closing log line: requests, retries, 429 received, time waiting for budget. */
  client?: { requests: number; retries: number; throttled: number; waitSeconds: number };
  rateLimitedNotices: number;
}

/**
 * The image's ENTRYPOINT, entrypoint.sh at the package root (test/packaging/image.test.ts checks the Dockerfile names
 * it): it execs node on dist/bundle/main.mjs with the V8 setting of the command, as the image runs the connector. The
 * image sets no NODE_OPTIONS.
 */
export const IMAGE_ENTRYPOINT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'entrypoint.sh');

/**
 * Where `npm run bench -- --profile` has each connector run write its CPU profile (one .cpuprofile per run, for Chrome
 * DevTools or speedscope), through bench-profiler.ts; undefined: no profile.
 */
export const connectorProfile: { dir?: string } = {};
const profiler = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'bench-profiler.js')).href;

/** The environment of a connector run: `env` without NODE_OPTIONS (the image sets none), but for the profiler when asked. */
export const connectorEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const { NODE_OPTIONS: _inherited, ...rest } = env;
  return connectorProfile.dir ? { ...rest, NODE_OPTIONS: `--import=${profiler}`, BENCH_PROFILE_DIR: connectorProfile.dir } : rest;
};

/** Runs `read` of one stream with the image's entrypoint; stdout is piped here and counted line by line. */
export async function runConnector(entrypoint: string, stream: string, config: object, env: NodeJS.ProcessEnv): Promise<ConnectorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'azcc-bench-read-'));
  const configPath = join(dir, 'config.json');
  const catalogPath = join(dir, 'catalog.json');
  // Test credentials of a synthetic emulator tenant; private to this user and deleted after the run.
  writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });
  const catalog = {
    streams: [
      {
        stream: { name: stream, json_schema: {}, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      },
    ],
  };
  writeFileSync(catalogPath, JSON.stringify(catalog));
  const lines = new LineCounter();
  try {
    // The image's ENTRYPOINT script, run as the image runs it (it execs node, so the figures are node's).
    const measure = await measureCommand(
      [entrypoint, 'read', '--config', configPath, '--catalog', catalogPath],
      connectorEnv(env),
      (chunk) => lines.push(chunk),
    );
    const traces = lines.others.filter((m) => m.type === 'TRACE');
    const statusAt = (status: string) =>
      traces.find((m) => m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.status === status)?.trace.emitted_at as
        | number
        | undefined;
    const startedAt = statusAt('STARTED');
    const endedAt = statusAt('COMPLETE') ?? statusAt('INCOMPLETE');
    const statuses = traces.filter((m) => m.trace.type === 'STREAM_STATUS').map((m) => m.trace.stream_status.status as string);
    const logs = lines.others.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    const summary = logs
      .map((l) => /: (\d+) records; (\d+) requests, (\d+) retries, (\d+) throttled \(429\), ([\d.]+) s waiting/.exec(l))
      .find(Boolean);
    return {
      ...measure,
      records: lines.records,
      streamWallMs: startedAt !== undefined && endedAt !== undefined ? endedAt - startedAt : null,
      status: statuses.includes('COMPLETE') ? 'COMPLETE' : (statuses.at(-1) ?? `exit ${measure.exitCode}`),
      errors: traces.filter((m) => m.trace.type === 'ERROR').map((m) => String(m.trace.error.message)),
      ...(summary
        ? {
            client: {
              requests: Number(summary[2]),
              retries: Number(summary[3]),
              throttled: Number(summary[4]),
              waitSeconds: Number(summary[5]),
            },
          }
        : {}),
      rateLimitedNotices: traces.filter((m) => m.trace.stream_status?.reasons?.some((r: { type: string }) => r.type === 'RATE_LIMITED'))
        .length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
