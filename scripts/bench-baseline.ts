// The bare loop: replays the connector's own Graph requests and only JSON.parses each page and JSON.stringifies each
// record to a null sink: the cpu scenario's baseline (records/s), and the throttled scenario's bare client (wall/floor).
// Usage (from bench.ts): node dist/scripts/bench-baseline.js <plan.json>; prints one JSON line (BaselineResult).
import { readFileSync } from 'node:fs';
import { fetchToken } from '../test/emulator/test-client.js';
import type { RecordedRequest } from './bench-emulator.js';
import { bareAgent, bareRequest } from './bench-https.js';

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

const agent = bareAgent();

function send(base: string, token: string, req: RecordedRequest): Promise<string> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  // Graph answers $count only with this header (the connector's count of a collection, replayed as it was sent).
  if (/\/\$count(\?|$)/.test(req.path)) headers.consistencylevel = 'eventual';
  return bareRequest(agent, `${base}${req.path}`, req.method, headers, req.body);
}

/** The null sink: serialized lengths are summed so the work cannot be optimized away. */
let sink = 0;
function consume(values: unknown): number {
  if (!Array.isArray(values)) return 0;
  for (const record of values) sink += JSON.stringify(record).length;
  return values.length;
}

/** A link's continuation token ($skiptoken, or $deltatoken), decoded: what names the page a link points to. */
function tokenOf(link: string): string | undefined {
  const query = link.includes('?') ? link.slice(link.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  return params.get('$skiptoken') ?? params.get('$deltatoken') ?? undefined;
}

/** Parses and re-serialises an answer's records; notes each nextLink it holds in `links` (by token). */
function recordsOf(text: string, links: Set<string>): number {
  type Page = { value?: unknown; '@odata.nextLink'?: string };
  const body = JSON.parse(text) as Page & { responses?: { body?: Page }[] };
  const pages = body.responses ? body.responses.map((r) => r.body ?? {}) : [body];
  let records = 0;
  for (const page of pages) {
    const token = page['@odata.nextLink'] ? tokenOf(page['@odata.nextLink']) : undefined;
    if (token !== undefined) links.add(token);
    records += consume(page.value);
  }
  return records;
}

/** The continuation tokens a $batch body's requests follow: each can be sent only once an answer gave its link. */
function followedTokens(req: RecordedRequest): string[] {
  if (req.body === undefined) return [];
  const body = JSON.parse(req.body) as { requests?: { url?: string }[] };
  return (body.requests ?? []).flatMap((item) => {
    const token = item.url ? tokenOf(item.url) : undefined;
    return token === undefined ? [] : [token];
  });
}

/**
 * Consecutive GETs are page chains (each waited for the previous page's nextLink): replayed one at a time.
 * Consecutive $batch calls were in flight together: replayed with the same concurrency, in their order, except that a
 * call following a page's nextLink (a group's next members, say) waits until an answer of this replay gave that link,
 * as the connector's had to: replaying recorded links ahead of their answers would read a chain of pages faster than
 * any reader can.
 */
async function replay(plan: BaselinePlan, token: string): Promise<Omit<BaselineResult, 'wallMs'>> {
  let records = 0;
  let bytes = 0;
  const links = new Set<string>();
  const waiters: (() => void)[] = [];
  let inFlight = 0;
  /** Workers of the current segment that ran out of requests. */
  let finished = 0;
  const one = async (req: RecordedRequest) => {
    inFlight++;
    try {
      const text = await send(plan.url, token, req);
      bytes += text.length;
      records += recordsOf(text, links);
    } finally {
      inFlight--;
      for (const wake of waiters.splice(0)) wake();
    }
  };
  /** Resolves once every token `req` follows was given by an answer (at once when it follows none). */
  const ready = async (req: RecordedRequest, workers: number) => {
    const needed = followedTokens(req);
    while (!needed.every((t) => links.has(t))) {
      // Nothing in flight and every other worker waiting or done: no answer can give the link any more.
      if (inFlight === 0 && waiters.length + finished === workers - 1)
        throw new Error(`the replay cannot follow ${req.method} ${req.path}: no answer gave the link it follows`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
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
    const workers = Math.min(plan.concurrency, segment.length);
    finished = 0;
    const worker = async () => {
      while (next < segment.length) {
        const req = segment[next++]!;
        await ready(req, workers);
        await one(req);
      }
      finished++;
      for (const wake of waiters.splice(0)) wake();
    };
    await Promise.all(Array.from({ length: workers }, worker));
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
