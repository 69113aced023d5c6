// got's retry hook for Graph and the login host: the error table alone decides whether a failed attempt is retried, retry.ts how long to wait.
import type { RequestError, Response } from 'got';
import { decide, type Outcome } from './error-policy.js';
import { GraphRequestError, graphErrorBody, networkCode } from './errors.js';
import { proxyOutcomeOf } from './proxy.js';
import { nextRetry, parseRetryAfter, type RetryPolicy } from './retry.js';

export type Host = 'graph' | 'login';

/** The outcome of an HTTP answer: its status, Graph's error code and the first sentence of its message. */
export function answerOutcome(response: Pick<Response, 'statusCode' | 'body'>): Outcome {
  const { code, detail } = graphErrorBody(response.body);
  return { kind: 'http', status: response.statusCode, code, ...(detail ? { detail } : {}) };
}

/** The outcome the policy table classifies, from a got error. */
export function outcomeOf(error: RequestError, host: Host = 'graph'): Outcome {
  const proxy = proxyOutcomeOf(error, host);
  if (proxy) return proxy;
  if (error.name === 'HTTPError' && error.response) return answerOutcome(error.response);
  return { kind: 'network', code: networkCode(error), host };
}

/** A failure classified already (e.g. the token could not be had), behind got's wrapping. */
export function findGraphError(error: unknown): GraphRequestError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof GraphRequestError) return e;
  return undefined;
}

/**
 * The wait before the next attempt of a failed one (0: give up): the policy table says whether the outcome
 * is retried at all, nextRetry() how long to wait. 0 means "stop" to got, hence at least 1 ms for a retry.
 */
export function retryDelay(
  error: RequestError,
  attemptCount: number,
  state: { waitedMs: number },
  policy: RetryPolicy,
  host: Host,
): { delayMs: number; retryAfterMs?: number } {
  if (error.name === 'RetryError') return { delayMs: 1 }; // our own re-authentication (the table's reauthenticate action)
  if (findGraphError(error)) return { delayMs: 0 }; // already classified: final
  if (decide(outcomeOf(error, host)).action !== 'retry') return { delayMs: 0 };
  const retryAfterMs = parseRetryAfter(error.response?.headers['retry-after']);
  const verdict = nextRetry(attemptCount, retryAfterMs, state.waitedMs, policy);
  if (!verdict.retry) return { delayMs: 0, retryAfterMs };
  state.waitedMs += verdict.delayMs;
  return { delayMs: Math.max(1, verdict.delayMs), retryAfterMs };
}

/**
 * got's retry options with `calculateDelay` as the only judge. got's own rules (limit, methods, statusCodes,
 * errorCodes, maxRetryAfter) only shape the value it offers calculateDelay, which is ignored: so a row added to
 * the table takes effect without a list here to update. enforceRetryRules stays false on purpose (got plans
 * to make it true by default: https://github.com/sindresorhus/got/issues/2243), since it would let got's lists veto the table.
 */
export function retryOptions(calculateDelay: (retry: { error: RequestError; attemptCount: number }) => number) {
  return { enforceRetryRules: false, calculateDelay };
}
