// Shared setup for the Graph client tests: an emulator with a small tenant and an in-process client whose log lines are kept.

import { type Config, settleConfig } from '../../source-azure-client-credentials/config.js';
import { createGraphClient, type GraphClientDeps } from '../../source-azure-client-credentials/graph/client.js';
import { forStream } from '../../source-azure-client-credentials/graph/for-stream.js';
import type { GraphClient } from '../../source-azure-client-credentials/graph/types.js';
import type { Logger } from '../../source-azure-client-credentials/logger.js';
import { type Emulator, type ServerOptions, startEmulator } from '../emulator/index.js';

export const SMALL = { users: 60, servicePrincipals: 24, groups: 4, bigGroupSizes: [], assignments: 90, signIns: 40 };

/** Quick retries so a test waits milliseconds, not seconds. */
export const FAST_RETRY = { baseMs: 20, backoffCapMs: 100, maxRetryAfterMs: 10_000, budgetMs: 5_000, maxAttempts: 8 };

export interface Setup {
  emulator: Emulator;
  graph: GraphClient;
  config: Config;
  /** Every line the client logged (DEBUG included), unredacted. */
  lines: string[];
  rateLimited: number[];
  client(overrides?: Record<string, unknown>, deps?: Partial<GraphClientDeps>): GraphClient;
  close(): Promise<void>;
}

export function captureLog(lines: string[]): Logger {
  const keep = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { debug: keep('DEBUG'), info: keep('INFO'), warn: keep('WARN'), error: keep('ERROR'), debugEnabled: true };
}

export async function setup(
  options: ServerOptions = {},
  overrides: Record<string, unknown> = {},
  deps: Partial<GraphClientDeps> = {},
): Promise<Setup> {
  const emulator = await startEmulator({ seed: 7, ...options, sizes: { ...SMALL, ...options.sizes } });
  const lines: string[] = [];
  const rateLimited: number[] = [];
  const clients: GraphClient[] = [];
  const client = (more: Record<string, unknown> = {}, moreDeps: Partial<GraphClientDeps> = {}) => {
    const clientDeps: GraphClientDeps = { log: captureLog(lines), env: { ...emulator.env }, retry: FAST_RETRY, ...deps, ...moreDeps };
    const config = settleConfig(emulator.config({ ...overrides, ...more }), clientDeps.env);
    const graph = forStream(createGraphClient(config, clientDeps), { onRateLimited: (until) => void rateLimited.push(until) });
    clients.push(graph);
    return graph;
  };
  const graph = client();
  return {
    emulator,
    graph,
    config: settleConfig(emulator.config(overrides), emulator.env),
    lines,
    rateLimited,
    client,
    async close() {
      for (const c of clients) c.close();
      await emulator.stop();
    },
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Runs `fn` and returns what it threw (fails when it did not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, but the call succeeded');
}
