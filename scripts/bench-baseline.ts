// The cpu scenario's baseline: replays the connector's own Graph requests and only JSON.parses each page and
// JSON.stringifies each record to a null sink, so the connector's records/s can be compared with the bare cost.
// Usage (from bench.ts): node dist/scripts/bench-baseline.js <plan.json>; prints one JSON line (BaselineResult).
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { fixture } from '../test/emulator/state.js';
import { fetchToken } from '../test/emulator/test-client.js';
import type { RecordedRequest } from './bench-emulator.js';

export interface BaselinePlan {
  url: string;
  credentials: { tenantId: string; clientId: string; clientSecret: string };
  /** The requests the connector made, in the order the emulator received them. */
  requests: RecordedRequest[];
  /** $batch calls in flight at once (the connector's max_concurrent_requests). */
  concurrency: number;
}

export interface BaselineResult {
  /** From the token request to the last answer (process start excluded, as for the connector's stream time, which includes its token). */
  wallMs: number;
  requests: number;
  /** Records parsed and re-serialized: every element of every page's value (batch items included). */
  records: number;
  bytes: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(fixture('ca.pem')) });

function send(base: string, token: string, req: RecordedRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    // Graph answers $count only with this header (the connector's count of a collection, replayed as it was sent).
    if (/\/\$count(\?|$)/.test(req.path)) headers.consistencylevel = 'eventual';
    const call = request(`${base}${req.path}`, { method: req.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${req.method} ${req.path} -> ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    call.on('error', reject);
    call.end(req.body);
  });
}

/** The null sink: serialized lengths are summed so the work cannot be optimized away. */
let sink = 0;
function consume(values: unknown): number {
  if (!Array.isArray(values)) return 0;
  for (const record of values) sink += JSON.stringify(record).length;
  return values.length;
}

function recordsOf(text: string): number {
  const body = JSON.parse(text) as { value?: unknown; responses?: { body?: { value?: unknown } }[] };
  if (body.responses) return body.responses.reduce((n, r) => n + consume(r.body?.value), 0);
  return consume(body.value);
}

/**
 * Consecutive GETs are page chains (each waited for the previous page's nextLink): replayed one at a time.
 * Consecutive $batch calls were in flight together: replayed with the same concurrency.
 */
async function replay(plan: BaselinePlan, token: string): Promise<Omit<BaselineResult, 'wallMs'>> {
  let records = 0;
  let bytes = 0;
  const one = async (req: RecordedRequest) => {
    const text = await send(plan.url, token, req);
    bytes += text.length;
    records += recordsOf(text);
  };
  const list = plan.requests;
  for (let i = 0; i < list.length; ) {
    if (list[i]!.method !== 'POST') {
      await one(list[i++]!);
      continue;
    }
    let end = i;
    while (end < list.length && list[end]!.method === 'POST') end++;
    const segment = list.slice(i, end);
    i = end;
    let next = 0;
    const worker = async () => {
      while (next < segment.length) await one(segment[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, segment.length) }, worker));
  }
  return { requests: list.length, records, bytes };
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BaselinePlan;
const c = plan.credentials;
const started = performance.now();
const token = await fetchToken(plan.url, c.tenantId, c.clientId, c.clientSecret);
const counts = await replay(plan, token);
const result: BaselineResult = { wallMs: Math.round(performance.now() - started), ...counts };
process.stdout.write(`${JSON.stringify({ ...result, sink: sink > 0 })}\n`);
agent.destroy();
