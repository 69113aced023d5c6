// One Graph request with everything around it: paced attempts with the current token, the table's re-authentication and retries, a DEBUG line per attempt, the failure classified once.
import { performance } from 'node:perf_hooks';
import type { Got, Options, RequestError, Response } from 'got';
import type { Logger } from '../logger.js';
import { decide, type MessageContext, proxyCode } from './error-policy.js';
import { graphError, graphErrorBody, networkCode } from './errors.js';
import { type Entry, type Pacer, pacingHeaders } from './pacing.js';
import { parseRetryAfter, type RetryPolicy } from './retry.js';
import { answerOutcome, findGraphError, outcomeOf, retryDelay, retryOptions } from './retry-hook.js';
import type { TokenSource } from './token.js';
import { bucketTimeouts, type Timeouts } from './transport.js';
import type { Bucket, GraphStats, RateLimitListener } from './types.js';
import { displayRequest, type SelectLimits, selectLimits } from './urls.js';

/** The per-request state got carries across attempts in options.context. */
interface RequestState {
  bucket: Bucket;
  cost: number;
  label: string;
  limits: SelectLimits;
  onRateLimited: RateLimitListener['onRateLimited'];
  attempts: number;
  waitedMs: number;
  renewed: boolean;
  token?: string;
  entry?: Entry;
  startedAt: number;
}

export interface SenderDeps {
  transport: Got;
  tokens: TokenSource;
  pacer: Pacer;
  policy: RetryPolicy;
  log: Logger;
  stats: GraphStats;
  context: MessageContext;
  /** The transport's timeouts, for the per-bucket ones (bucketTimeouts). */
  timeouts: Timeouts;
}

export interface SendOptions extends RateLimitListener {
  headers?: Record<string, string>;
  json?: unknown;
  bucket: Bucket;
  cost: number;
  /** The per-minute limited requests it carries (default: what the URL selects, urls.ts selectLimits). */
  limits?: SelectLimits;
  /** 'text' for the answers that are not JSON (a /$count is text/plain); default 'json'. */
  responseType?: 'json' | 'text';
}

const stateOf = (options: Pick<Options, 'context'>): RequestState | undefined => (options.context as { graph?: RequestState }).graph;

/**
 * The Graph sender: concurrency is bounded by the caller; each attempt waits for its bucket's budget,
 * carries the current token, is logged at DEBUG and teaches the pacer; failures are retried or
 * classified by the policy table.
 */
export function createGraphSender(deps: SenderDeps) {
  const { pacer, tokens, policy, log, stats } = deps;
  const http = deps.transport.extend({
    responseType: 'json',
    retry: retryOptions(({ error, attemptCount }) => {
      const state = stateOf(error.options);
      if (!state) return 0;
      const { delayMs, retryAfterMs } = retryDelay(error, attemptCount, state, policy, 'graph');
      if (delayMs > 1) {
        stats.waitMs += delayMs;
        if (retryAfterMs !== undefined && delayMs > 1_000) state.onRateLimited?.(Date.now() + delayMs);
      }
      return delayMs;
    }),
    hooks: {
      beforeRequest: [
        async (options) => {
          const state = stateOf(options);
          if (!state) return;
          state.entry = (await pacer.acquire(state.bucket, state.cost, state.onRateLimited, state.limits)).entry;
          state.token = await tokens.get();
          options.headers.authorization = `Bearer ${state.token}`;
          state.attempts++;
          stats.requests++;
          state.startedAt = performance.now();
        },
      ],
      afterResponse: [
        async (response, retryWithMergedOptions) => {
          const state = stateOf(response.request.options);
          if (!state) return response;
          observe(response, state);
          // The table's reauthenticate action (401 InvalidAuthenticationToken, https://learn.microsoft.com/graph/errors):
          // one fresh token (skipCache) and one more attempt; a second such answer is classified like any other.
          if (!state.renewed && !response.ok && decide(answerOutcome(response)).action === 'reauthenticate') {
            state.renewed = true;
            await tokens.renew(state.token);
            return retryWithMergedOptions({ preserveHooks: true } as Parameters<typeof retryWithMergedOptions>[0]);
          }
          return response;
        },
      ],
      beforeRetry: [
        (error, retryCount) => {
          const state = stateOf(error.options);
          if (error.name !== 'HTTPError' && error.name !== 'RetryError') {
            log.debug(`${state?.label ?? 'request'} failed (${networkCode(error) ?? error.name}); retry ${retryCount}`);
          }
          stats.retries++;
        },
      ],
    },
  });

  /** Logs one answer (whole request) and hands what it teaches to the pacer. */
  function observe(response: Response, state: RequestState): void {
    const { charged, limitPercentage } = pacingHeaders(response.headers);
    const throttled = response.statusCode === 429;
    const retryAfterMs = throttled ? parseRetryAfter(response.headers['retry-after']) : undefined;
    pacer.learn(state.bucket, {
      entry: state.entry,
      charged,
      limitPercentage,
      throttled: throttled ? 1 : 0,
      // The whole bucket waits with this request; a wait too long to honour fails the request instead (retryDelay).
      ...(retryAfterMs && retryAfterMs <= policy.maxRetryAfterMs ? { blockedUntil: Date.now() + retryAfterMs } : {}),
    });
    log.debug(
      `${state.label} ${response.statusCode} ${Math.round(performance.now() - state.startedAt)} ms${charged !== undefined ? ` RU ${charged}` : ''}${
        limitPercentage ? ` throttle-limit ${limitPercentage}` : ''
      }${state.attempts > 1 ? ` attempt ${state.attempts}` : ''}`,
    );
  }

  return async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: SendOptions,
  ): Promise<{ body: T; headers: Response['headers'] }> {
    const state: RequestState = {
      bucket: options.bucket,
      cost: options.cost,
      label: displayRequest(method, url),
      limits: options.limits ?? selectLimits(url),
      onRateLimited: options.onRateLimited,
      attempts: 0,
      waitedMs: 0,
      renewed: false,
      startedAt: performance.now(),
    };
    try {
      const timeout = bucketTimeouts(options.bucket, deps.timeouts);
      const request = {
        method,
        headers: options.headers,
        ...(timeout ? { timeout } : {}),
        ...(options.json !== undefined ? { json: options.json } : {}),
        context: { graph: state },
      };
      // A text answer's body is the string itself (the caller asked for T = string).
      const response = (
        options.responseType === 'text' ? await http(url, { ...request, responseType: 'text' }) : await http<T>(url, request)
      ) as Response<T>;
      if (response.statusCode >= 300) {
        // Redirects are not followed (see createTransport): one is an answer the connector does not expect.
        throw graphError(
          { kind: 'http', status: response.statusCode },
          { ...deps.context, request: state.label, status: response.statusCode, attempts: state.attempts },
        );
      }
      // The caller gets the body alone, and got's response lets go of it. A response that lived through two scavenges
      // sits in the old generation, dead but kept until the next full collection; the scavenger takes its fields as
      // live, so every page it still pointed at was copied and promoted as well (users: 69 MB promoted, 13 full
      // collections in a read of 50,000; 23 MB and 8 without the link).
      const { body, headers } = response;
      (response as { body?: unknown }).body = undefined;
      return { body, headers };
    } catch (caught) {
      const known = findGraphError(caught);
      if (known) throw known;
      const error = caught as RequestError;
      const outcome = outcomeOf(error);
      const body = error.response ? graphErrorBody(error.response.body) : {};
      const code =
        outcome.kind === 'http' || outcome.kind === 'network' ? outcome.code : outcome.kind === 'proxy' ? proxyCode(outcome) : undefined;
      if (outcome.kind === 'network' || outcome.kind === 'proxy')
        log.debug(`${state.label} failed (${code ?? error.name}) after ${state.attempts} attempt(s)`);
      throw graphError(
        outcome,
        {
          ...deps.context,
          request: state.label,
          status: outcome.kind === 'http' ? outcome.status : undefined,
          code,
          detail: [body.detail, body.requestId ? `request-id ${body.requestId}` : undefined].filter(Boolean).join('; ') || undefined,
          attempts: state.attempts,
          waitedMs: state.waitedMs,
        },
        caught,
      );
    }
  };
}

export type GraphSender = ReturnType<typeof createGraphSender>;
