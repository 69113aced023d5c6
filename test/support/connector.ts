// Runs the real built entrypoint as a child process and parses its stdout into validated protocol messages.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entrypoint } from './paths.js';
import { assertProtocolMessage } from './protocol.js';

// Loose shapes: tests read fields they assert on.
export type Message = { type: string; [key: string]: any };

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  messages: Message[];
  records(stream?: string): any[];
  recordMessages(stream?: string): Message[];
  states(stream?: string): Message[];
  logs(level?: string): string[];
  errors(): any[];
  statuses(stream?: string): string[];
  connectionStatus(): { status: string; message?: string } | undefined;
  catalog(): any;
  spec(): any;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to temporary files and passed as --config/--catalog/--state. */
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
  cwd?: string;
  timeoutMs?: number;
  /** The program and its leading arguments (default: this node and the built bundle, dist/bundle/main.mjs), e.g. an installed package's entrypoint. */
  command?: [string, ...string[]];
  /**
   * Called with the child and each parsed message as it arrives (e.g. to kill it at a point). An exception it
   * throws (a failed assert) kills the child and rejects the run with that exception.
   */
  onMessage?: (message: Message, child: import('node:child_process').ChildProcess) => void;
}

/**
 * The proxy variables proxy-from-env reads (either case). A run never inherits them from the machine: a CI proxy
 * would otherwise carry the emulator's traffic. A test that means to use a proxy passes them in options.env.
 */
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [name, name.toUpperCase()]);

/** process.env without the proxy variables, then the test's own env on top. */
export function childEnv(own: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  for (const name of PROXY_VARIABLES) delete inherited[name];
  return { ...inherited, ...own };
}

/** Parses stdout; every non-empty line must be one valid AirbyteMessage (anything else fails the test). */
export function parseMessages(stdout: string): Message[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      let message: Message;
      try {
        message = JSON.parse(line);
      } catch {
        throw new Error(`stdout has a line that is not JSON: ${line.slice(0, 300)}`);
      }
      assertProtocolMessage(message, line);
      return message;
    });
}

export function wrap(code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, messages: Message[]): RunResult {
  const of = (type: string) => messages.filter((m) => m.type === type);
  const traces = of('TRACE');
  return {
    code,
    signal,
    stdout,
    stderr,
    messages,
    recordMessages: (stream) => of('RECORD').filter((m) => !stream || m.record.stream === stream),
    records: (stream) =>
      of('RECORD')
        .filter((m) => !stream || m.record.stream === stream)
        .map((m) => m.record.data),
    states: (stream) => of('STATE').filter((m) => !stream || m.state.stream?.stream_descriptor?.name === stream),
    logs: (level) =>
      of('LOG')
        .filter((m) => !level || m.log.level === level)
        .map((m) => m.log.message),
    errors: () => traces.filter((m) => m.trace.type === 'ERROR').map((m) => m.trace.error),
    statuses: (stream) =>
      traces
        .filter((m) => m.trace.type === 'STREAM_STATUS' && (!stream || m.trace.stream_status.stream_descriptor.name === stream))
        .map((m) => m.trace.stream_status.status),
    connectionStatus: () => of('CONNECTION_STATUS')[0]?.connectionStatus,
    catalog: () => of('CATALOG')[0]?.catalog,
    spec: () => of('SPEC')[0]?.spec,
  };
}

/** Runs `node dist/bundle/main.mjs ...args` (or options.command ...args), writing config/catalog/state to temp files when given as objects. */
export function runConnector(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'azcc-run-'));
  const argv = [...args];
  for (const name of ['config', 'catalog', 'state'] as const) {
    if (options[name] !== undefined) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, typeof options[name] === 'string' ? (options[name] as string) : JSON.stringify(options[name]));
      argv.push(`--${name}`, file);
    }
  }
  return new Promise((resolve, reject) => {
    const [program, ...leading] = options.command ?? [process.execPath, entrypoint];
    const child = spawn(program, [...leading, ...argv], {
      cwd: options.cwd ?? dir,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    /** The first exception an onMessage callback threw: it fails the run once the killed child is gone. */
    let callbackError: { error: unknown } | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onMessage || callbackError) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line) continue;
        let message: Message;
        try {
          message = JSON.parse(line) as Message;
        } catch {
          continue; // reported by parseMessages at the end
        }
        try {
          options.onMessage(message, child);
        } catch (error) {
          callbackError = { error };
          child.kill('SIGKILL');
          return;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`connector ${args[0]} did not finish within ${options.timeoutMs ?? 120000} ms\nstderr: ${stderr.slice(-2000)}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (callbackError) {
        reject(callbackError.error);
        return;
      }
      try {
        // A killed run may end mid-line: only complete lines are messages.
        const complete = signal ? stdout.slice(0, stdout.lastIndexOf('\n') + 1) : stdout;
        resolve(wrap(code, signal, stdout, stderr, parseMessages(complete)));
      } catch (error) {
        reject(error);
      }
    });
  });
}
