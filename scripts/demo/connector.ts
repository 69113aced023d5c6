// Runs the built connector as a child process and hands each stdout message to a callback as it arrives.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** dist/scripts/demo/connector.js -> dist/source-azure-client-credentials/main.js */
export const connectorEntrypoint = fileURLToPath(new URL('../../source-azure-client-credentials/main.js', import.meta.url));

export type Message = { type: string; [key: string]: any };

export interface ConnectorRun {
  code: number | null;
  /** The last lines of stderr, for an error report. */
  stderrTail: string;
}

/**
 * Runs `node main.js ...args` with `env`, parsing stdout one line at a time (a big read is never held
 * in memory). A line that is not JSON is a protocol violation and fails the run.
 */
export function runConnector(args: string[], env: Record<string, string>, onMessage: (message: Message) => void): Promise<ConnectorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [connectorEntrypoint, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let failure: Error | undefined;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (!line || failure) return;
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        failure = new Error(`The connector printed a line that is not an Airbyte message: ${line.slice(0, 200)}`);
        child.kill();
        return;
      }
      try {
        onMessage(message);
      } catch (error) {
        failure = error as Error;
        child.kill();
      }
    });
    child.on('error', reject);
    // 'close' comes after stdout has ended, so every line has been handled.
    child.on('close', (code) => (failure ? reject(failure) : resolve({ code, stderrTail: stderr })));
  });
}

/** Runs a command whose output is small (check, discover) and returns all its messages. */
export async function collect(args: string[], env: Record<string, string>): Promise<ConnectorRun & { messages: Message[] }> {
  const messages: Message[] = [];
  const run = await runConnector(args, env, (message) => messages.push(message));
  return { ...run, messages };
}

/** What went wrong in a run, for the person running the demo: its ERROR traces, else the end of stderr. */
export const failureOf = (run: ConnectorRun, messages: Message[]): string =>
  messages
    .filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')
    .map((m) => m.trace.error.message as string)
    .join(' | ') ||
  run.stderrTail.trim().split('\n').slice(-5).join('\n') ||
  `exit code ${run.code}`;
