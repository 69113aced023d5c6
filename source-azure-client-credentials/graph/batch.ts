// Many GETs at once: JSON $batch (up to 20 per call, failed items retried alone) or one plain request per item, each key followed to its last page.
// https://learn.microsoft.com/graph/json-batching ; throttled items: https://learn.microsoft.com/graph/throttling#throttling-and-batching
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import type { MessageContext } from './error-policy.js';
import { GraphRequestError, graphError, graphErrorBody } from './errors.js';
import { type Pacer, pacingHeaders, type Semaphore } from './pacing.js';
import { LinkGuard, toPage } from './paging.js';
import { nextRetry, parseRetryAfter, type RetryPolicy } from './retry.js';
import type { GraphSender } from './sender.js';
import type { BatchOptions, BatchPage, BatchRequest, Bucket, GraphStats, RateLimitListener } from './types.js';
import { addLimits, displayRequest, type GraphUrls, requestCost, type SelectLimits, selectLimits } from './urls.js';

/** Graph's limit of requests in one $batch. */
const MAX_BATCH_ITEMS = 20;

export interface BatchDeps {
  send: GraphSender;
  urls: GraphUrls;
  pacer: Pacer;
  semaphore: Semaphore;
  policy: RetryPolicy;
  stats: GraphStats;
  log: Logger;
  context: MessageContext;
  maxConcurrent: number;
  useBatch: boolean;
  sleep?: (ms: number) => Promise<void>;
}

interface Item {
  key: string;
  /** The first request's path (relative, with query) or the absolute nextLink to follow. */
  link: string;
  headers?: Record<string, string>;
  /** Failed attempts of the current page, and the time waited for it. */
  failures: number;
  waitedMs: number;
  notBefore: number;
  guard: LinkGuard;
}

/** A batched page with the item's raw body (for single-object GETs, whose body is the object, not a page). */
type BatchAnswer<T> = BatchPage<T> & { body?: unknown };

interface Settled<T> {
  pages: BatchAnswer<T>[];
  requeue: Item[];
}

/** A $batch item's header, whatever the case of its name (Graph writes "Retry-After"; got lower-cases a whole response's). */
function itemHeader(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return String(headers[key]);
  return undefined;
}

/** The item header that says how much of the budget is used (pacingHeaders reads it). */
const LIMIT_PERCENTAGE = 'x-ms-throttle-limit-percentage';

/** Ids in a request's URL: they change neither its estimated cost nor the per-minute limits it counts against. */
const IDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** How many request shapes the batcher remembers before it starts over (paging links are each a shape of their own). */
const MAX_SHAPES = 1_000;

export function createBatcher(deps: BatchDeps) {
  const sleep = deps.sleep ?? ((ms: number) => wait(ms));

  /** The page's continuation, after the loop guard saw its nextLink. */
  function continuation(item: Item, nextLink: string): Item {
    item.guard.check(nextLink);
    return { ...item, link: nextLink, failures: 0, waitedMs: 0, notBefore: 0 };
  }

  function label(item: Item): string {
    return displayRequest('GET', item.link);
  }

  /**
   * A request's estimated cost and per-minute limits, worked out once per shape (its URL without ids): the members of
   * 3,000 groups are 3,000 URLs of one shape. Working out 3,170 such URLs one by one took 34-50 ms in a fresh process
   * (a group_members read lasts about 1 s), 12 ms by shape.
   */
  const charges = new Map<string, { cost: number; limits: SelectLimits }>();
  function chargeOf(bucket: Bucket, url: string): { cost: number; limits: SelectLimits } {
    const shape = `${bucket} ${url.replace(IDS, '')}`;
    let charge = charges.get(shape);
    if (charge === undefined) {
      if (charges.size >= MAX_SHAPES) charges.clear();
      charge = { cost: requestCost(bucket, url), limits: selectLimits(url) };
      charges.set(shape, charge);
    }
    return charge;
  }

  /** One $batch call for up to 20 items. */
  async function runBatch<T>(
    items: Item[],
    bucket: Bucket,
    listener: RateLimitListener,
    yieldFailure: BatchOptions['yieldFailure'],
  ): Promise<Settled<T>> {
    const requests = items.map((item, index) => ({
      id: String(index + 1),
      method: 'GET',
      url: deps.urls.relative(item.link),
      ...(item.headers ? { headers: item.headers } : {}),
    }));
    // Each item is charged and throttled on its own: the call costs what its items cost, and carries their limited requests.
    let cost = 0;
    const limits: SelectLimits = {};
    for (const r of requests) {
      const charge = chargeOf(bucket, r.url);
      cost += charge.cost;
      addLimits(limits, charge.limits);
    }
    const { body } = await deps.semaphore.run(() =>
      deps.send<{ responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[] }>(
        'POST',
        `${deps.urls.versionRoot}/$batch`,
        { json: { requests }, bucket, cost, limits, onRateLimited: listener.onRateLimited },
      ),
    );
    const byId = new Map((body.responses ?? []).map((r) => [String(r.id), r]));
    // Items carry their own throttling headers: the highest usage Graph reports slows the bucket down.
    let usage = 0;
    for (const r of byId.values()) {
      const { limitPercentage = 0 } = pacingHeaders({ [LIMIT_PERCENTAGE]: itemHeader(r.headers, LIMIT_PERCENTAGE) });
      usage = Math.max(usage, limitPercentage);
    }
    deps.pacer.learn(bucket, { limitPercentage: usage });
    const statuses = new Map<number, number>();
    for (const r of byId.values()) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    deps.log.debug(
      `POST /$batch: ${items.length} items, ${[...statuses].map(([status, n]) => `${n}x ${status}`).join(', ')}${usage ? `, throttle-limit ${usage}` : ''}`,
    );
    const settled: Settled<T> = { pages: [], requeue: [] };
    const retried: { item: Item; retryAfterMs?: number; delayMs: number }[] = [];
    let throttled = false;
    for (const [index, item] of items.entries()) {
      const answer = byId.get(String(index + 1));
      // An item without an answer is treated like a 503: retried alone.
      const status = answer?.status ?? 503;
      if (status >= 200 && status < 300) {
        const page = toPage<T>(answer?.body);
        settled.pages.push({ key: item.key, page, last: !page.nextLink, body: answer?.body });
        if (page.nextLink) settled.requeue.push(continuation(item, page.nextLink));
        continue;
      }
      const { code, detail } = graphErrorBody(answer?.body);
      // Classified once: the error carries the table's action, and is thrown or yielded as it is.
      const error = graphError(
        { kind: 'http', status, code, detail },
        { ...deps.context, request: `batch ${label(item)}`, status, code, detail, attempts: item.failures + 1, waitedMs: item.waitedMs },
      );
      deps.log.debug(`batch item ${label(item)} ${status}${code ? ` ${code}` : ''}`);
      if (status === 429) {
        deps.pacer.learn(bucket, { throttled: 1 });
        throttled = true;
      }
      if (error.action === 'retry') {
        const retryAfterMs = parseRetryAfter(itemHeader(answer?.headers, 'retry-after'));
        const verdict = nextRetry(item.failures + 1, retryAfterMs, item.waitedMs, deps.policy);
        if (!verdict.retry) throw error;
        retried.push({ item, retryAfterMs, delayMs: verdict.delayMs });
      } else if (error.action === 'skip' || yieldFailure?.(error)) {
        settled.pages.push({ key: item.key, error, last: true });
      } else {
        throw error;
      }
    }
    if (retried.length > 0) {
      // All retried items wait for the longest Retry-After (or backoff) among them: the budget is the tenant's, not the item's.
      const delayMs = Math.max(...retried.map((r) => r.delayMs));
      const until = Date.now() + delayMs;
      if (throttled) deps.pacer.learn(bucket, { blockedUntil: until });
      for (const { item } of retried) {
        deps.stats.retries++;
        settled.requeue.push({ ...item, failures: item.failures + 1, waitedMs: item.waitedMs + delayMs, notBefore: until });
      }
    }
    return settled;
  }

  /** One plain GET for one item (use_batch_requests off); got retries it, the policy may skip it. */
  async function runSingle<T>(
    item: Item,
    bucket: Bucket,
    listener: RateLimitListener,
    yieldFailure: BatchOptions['yieldFailure'],
  ): Promise<Settled<T>> {
    const url = deps.urls.resolve(item.link);
    try {
      const { body } = await deps.semaphore.run(() =>
        deps.send<unknown>('GET', url, {
          headers: item.headers,
          bucket,
          cost: requestCost(bucket, url),
          onRateLimited: listener.onRateLimited,
        }),
      );
      const page = toPage<T>(body);
      return {
        pages: [{ key: item.key, page, last: !page.nextLink, body }],
        requeue: page.nextLink ? [continuation(item, page.nextLink)] : [],
      };
    } catch (error) {
      if (error instanceof GraphRequestError && (error.action === 'skip' || yieldFailure?.(error)))
        return { pages: [{ key: item.key, error, last: true }], requeue: [] };
      throw error;
    }
  }

  return async function* batchPages<T>(
    requests: Iterable<BatchRequest> | AsyncIterable<BatchRequest>,
    bucket: Bucket,
    listener: RateLimitListener,
    yieldFailure?: BatchOptions['yieldFailure'],
  ): AsyncGenerator<BatchAnswer<T>> {
    const source = (
      Symbol.asyncIterator in requests ? requests[Symbol.asyncIterator]() : (requests as Iterable<BatchRequest>)[Symbol.iterator]()
    ) as AsyncIterator<BatchRequest> | Iterator<BatchRequest>;
    const unit = deps.useBatch ? MAX_BATCH_ITEMS : 1;
    const queue: Item[] = [];
    // Units that finished, in the order they did, and the wake-up of a reader waiting for one. Not Promise.race over
    // the running units: each race leaves a reaction on every unit still running, which keeps the pages of every unit
    // settled meanwhile alive until that slow unit ends (https://github.com/nodejs/node/issues/17469).
    const finished: ({ settled: Settled<T> } | { error: unknown })[] = [];
    let wake: (() => void) | undefined;
    /** Units running or finished but not yet read: at most maxConcurrent, so that a slow reader bounds what is held. */
    let inflight = 0;
    const arrive = (done: { settled: Settled<T> } | { error: unknown }) => {
      finished.push(done);
      wake?.();
    };
    /** Sends the queued items that may go now, as units (a $batch call or one GET), while fewer than maxConcurrent are held. */
    const startUnits = () => {
      const now = Date.now();
      while (inflight < deps.maxConcurrent) {
        const ready: Item[] = [];
        for (let i = 0; i < queue.length && ready.length < unit; ) {
          if (queue[i]!.notBefore <= now) ready.push(...queue.splice(i, 1));
          else i++;
        }
        if (ready.length === 0) break;
        const work = deps.useBatch
          ? runBatch<T>(ready, bucket, listener, yieldFailure)
          : runSingle<T>(ready[0]!, bucket, listener, yieldFailure);
        inflight++;
        // If the consumer stops early, a unit still in flight may fail with nobody awaiting it: not an unhandled rejection.
        work.then(
          (settled) => arrive({ settled }),
          (error: unknown) => arrive({ error }),
        );
      }
    };
    let sourceDone = false;
    for (;;) {
      while (!sourceDone && queue.length < unit * deps.maxConcurrent) {
        const next = await source.next();
        if (next.done) sourceDone = true;
        else
          queue.push({
            key: next.value.key,
            link: next.value.path,
            headers: next.value.headers,
            failures: 0,
            waitedMs: 0,
            notBefore: 0,
            guard: new LinkGuard(deps.context, next.value.path),
          });
      }
      startUnits();
      if (inflight === 0) {
        if (queue.length === 0 && sourceDone) return;
        if (queue.length === 0) continue;
        const waitMs = Math.max(1, Math.min(...queue.map((item) => item.notBefore)) - Date.now());
        if (waitMs > 1_000) listener.onRateLimited?.(Date.now() + waitMs);
        deps.stats.waitMs += waitMs;
        await sleep(waitMs);
        continue;
      }
      if (finished.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const done = finished.shift()!;
      inflight--;
      if ('error' in done) throw done.error;
      const { settled } = done;
      // Continuations and retries go first, so keys finish before new ones start.
      queue.unshift(...settled.requeue);
      // Concurrent, the next units (this one's continuations first) go out before the reader gets this unit's pages, so
      // that a group's next page of members is on its way while the rows of this one are written, instead of after
      // (the last pages of a big group otherwise alternate a round trip and their rows). Graph answers each $batch in
      // 50-300 ms; holding one more unit's pages is the price. With max_concurrent_requests 1 nothing is asked before
      // the reader has used what it holds: the sequential reader stays one request, then its rows.
      if (deps.maxConcurrent > 1) startUnits();
      for (const page of settled.pages) yield page;
    }
  };
}
