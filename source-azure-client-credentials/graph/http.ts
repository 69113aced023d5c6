// HTTP for Graph and the login host: got with explicit timeouts, a keep-alive agent, the policy-driven retries, pacing, token and DEBUG log per request.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import tls, { rootCertificates } from 'node:tls';
import got, { type Got, type Options, type RequestError, type Response } from 'got';
import type { Logger } from '../logger.js';
import { decide, type MessageContext, type Outcome, proxyCode, RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES } from './error-policy.js';
import { GraphRequestError, graphError, graphErrorBody, networkCode } from './errors.js';
import { type Pacer, selectsSignInActivity } from './pacing.js';
import { Agents, proxyOutcomeOf } from './proxy.js';
import { nextRetry, parseRetryAfter, type RetryPolicy } from './retry.js';
import type { TokenSource } from './token.js';
import type { Bucket, GraphStats } from './types.js';

export interface Timeouts {
  /** TCP connect and TLS handshake, each (ms). */
  connect: number;
  /** From request sent to the first response byte (ms). */
  response: number;
  /** Longest silence on the socket, i.e. an idle body (ms). */
  idle: number;
  /**
   * Reports requests (sign-in logs) instead of `response`, and as their longest silence: Microsoft
   * assembles audit-log pages far more slowly than directory pages, and a request cut short costs a
   * retry from the 5-per-10-s budget (ms).
   */
  reportsResponse: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connect: 10_000, response: 60_000, idle: 30_000, reportsResponse: 120_000 };

/** got timeouts that replace the transport's for a request of `bucket` (none for identity requests). */
export function bucketTimeouts(bucket: Bucket, timeouts: Timeouts): Partial<Record<'response' | 'socket', number>> | undefined {
  if (bucket !== 'reports') return undefined;
  // got's socket (idle) timer runs while the answer is awaited too: it must not end the wait first.
  return { response: timeouts.reportsResponse, socket: Math.max(timeouts.idle, timeouts.reportsResponse) };
}

/**
 * CA certificates to trust: Node's roots plus the PEM named by NODE_EXTRA_CA_CERTS in `env`.
 * Node reads that variable only at process start; reading it here too lets an in-process test
 * (or any caller with its own env) point the client at a server with a private CA.
 */
export function certificateAuthorities(env: NodeJS.ProcessEnv): string[] | undefined {
  const path = env.NODE_EXTRA_CA_CERTS;
  if (!path) return undefined;
  try {
    return [...rootCertificates, readFileSync(path, 'utf8')];
  } catch {
    return undefined; // Node itself only warns about an unreadable file; the TLS error will say the rest.
  }
}

/**
 * The shared transport: keep-alive agents (direct, or through the proxy HTTPS_PROXY / NO_PROXY in `env`
 * chosen per target origin), explicit timeouts, the CA list. No retries and no redirects here.
 */
export function createTransport(options: { ca?: string[]; timeouts: Timeouts; userAgent: string; env?: NodeJS.ProcessEnv }): {
  http: Got;
  agent: Agents;
} {
  // The CA list goes into one secure context made once: passed per request (or as the agent's `ca`),
  // Node would join the whole list into the agent's pool key and build TLS state on every request.
  // The same context verifies an https:// proxy.
  const agent = new Agents({
    env: options.env ?? process.env,
    ...(options.ca ? { secureContext: tls.createSecureContext({ ca: options.ca }) } : {}),
    connectTimeoutMs: options.timeouts.connect,
    maxSockets: 32,
  });
  const { connect, response, idle } = options.timeouts;
  const http = got.extend({
    // No endpoint the connector calls redirects; following one would carry the bearer token (or the
    // token request's secret) to whatever host the Location names.
    followRedirect: false,
    timeout: { lookup: connect, connect, secureConnect: connect, send: response, response, socket: idle },
    headers: { 'user-agent': options.userAgent },
    retry: { limit: 0 },
    hooks: {
      // Every attempt (Graph, $batch, msal's metadata and token requests) takes the agent of its target's route.
      beforeRequest: [
        (request) => {
          request.agent = { https: agent.agentFor(request.url!) };
        },
      ],
    },
  });
  return { http, agent };
}

/** Method and path for logs and messages: no origin, no version root, paging tokens cut (never an Authorization header). */
export function displayRequest(method: string, url: string): string {
  const rest = url.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/(v1\.0|beta)(?=\/|\$)/i, '');
  return `${method} ${rest.replace(/(\$(?:skip|delta)token=)[^&]*/gi, '$1...')}`;
}

/** The per-request state got carries across attempts in options.context. */
interface RequestState {
  bucket: Bucket;
  cost: number;
  label: string;
  signInActivity: boolean;
  attempts: number;
  waitedMs: number;
  renewed: boolean;
  token?: string;
  entry?: { at: number; cost: number };
  startedAt: number;
}

export interface GraphHttpDeps {
  transport: Got;
  tokens: TokenSource;
  pacer: Pacer;
  policy: RetryPolicy;
  log: Logger;
  stats: GraphStats;
  context: MessageContext;
  onRateLimited: () => ((until: number) => void) | undefined;
  /** The transport's timeouts, for the per-bucket ones (bucketTimeouts). */
  timeouts: Timeouts;
}

export interface SendOptions {
  headers?: Record<string, string>;
  json?: unknown;
  bucket: Bucket;
  cost: number;
  /** Held to signInActivity's own limit too (default: when the URL selects it). */
  signInActivity?: boolean;
}

/** The outcome the policy table classifies, from a got error. */
export function outcomeOf(error: RequestError, host: 'graph' | 'login' = 'graph'): Outcome {
  const proxy = proxyOutcomeOf(error, host);
  if (proxy) return proxy;
  if (error.name === 'HTTPError' && error.response) {
    return { kind: 'http', status: error.response.statusCode, code: graphErrorBody(error.response.body).code };
  }
  return { kind: 'network', code: networkCode(error), host };
}

function findGraphError(error: unknown): GraphRequestError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof GraphRequestError) return e;
  return undefined;
}

const stateOf = (options: Pick<Options, 'context'>): RequestState | undefined => (options.context as { graph?: RequestState }).graph;

/**
 * The retry decision for got: the policy table says whether the outcome is retryable, nextRetry()
 * how long to wait. got's own rules are bypassed (it would return 0 when Retry-After exceeds
 * maxRetryAfter), and 0 means "stop" to got, hence at least 1 ms.
 */
export function retryDelay(
  error: RequestError,
  attemptCount: number,
  state: { waitedMs: number },
  policy: RetryPolicy,
  host: 'graph' | 'login',
): { delayMs: number; retryAfterMs?: number } {
  if (error.name === 'RetryError') return { delayMs: 1 }; // our own 401 re-authentication
  if (findGraphError(error)) return { delayMs: 0 }; // already classified (e.g. the token could not be had): final
  if (decide(outcomeOf(error, host)).action !== 'retry') return { delayMs: 0 };
  const retryAfterMs = parseRetryAfter(error.response?.headers['retry-after']);
  const verdict = nextRetry(attemptCount, retryAfterMs, state.waitedMs, policy);
  if (!verdict.retry) return { delayMs: 0, retryAfterMs };
  state.waitedMs += verdict.delayMs;
  return { delayMs: Math.max(1, verdict.delayMs), retryAfterMs };
}

/** got's retry options: which outcomes may be retried come from the policy table; how long to wait, from `calculateDelay`. */
function retryOptions(policy: RetryPolicy, calculateDelay: (retry: { error: RequestError; attemptCount: number }) => number) {
  return {
    limit: policy.maxAttempts,
    methods: ['GET', 'POST'] as ('GET' | 'POST')[],
    statusCodes: [...RETRYABLE_STATUSES],
    errorCodes: RETRYABLE_NETWORK_CODES,
    calculateDelay,
  };
}

/** Per-request state of a login-host request, carried in got's context (a nested object survives got's option merges). */
export interface LoginState {
  waitedMs: number;
  startedAt: number;
}

const loginStateOf = (options: Pick<Options, 'context'>): LoginState =>
  ((options.context as { login?: LoginState }).login ??= { waitedMs: 0, startedAt: performance.now() });

/** The got instance for the login host (msal's network module): retries on network failures and 5xx/429 only. */
export function createLoginHttp(transport: Got, policy: RetryPolicy, log: Logger): Got {
  return transport.extend({
    throwHttpErrors: false,
    responseType: 'text',
    retry: retryOptions(
      policy,
      ({ error, attemptCount }) => retryDelay(error, attemptCount, loginStateOf(error.options), policy, 'login').delayMs,
    ),
    hooks: {
      beforeRequest: [
        (options) => {
          loginStateOf(options).startedAt = performance.now();
        },
      ],
      afterResponse: [
        (response) => {
          const { startedAt } = loginStateOf(response.request.options);
          // The tenant in the path is marked secret in the spec; the body (secret, token) is never logged.
          const path = displayRequest(response.request.options.method, response.url).replace(/^(\w+ )\/[^/?]+/, '$1/<tenant>');
          log.debug(`login ${path} ${response.statusCode} ${Math.round(performance.now() - startedAt)} ms`);
          return response;
        },
      ],
    },
  });
}

/**
 * One Graph request with everything around it: concurrency is bounded by the caller; each attempt
 * waits for its bucket's budget, carries the current token, is logged at DEBUG, and failures are
 * retried or classified by the policy table.
 */
export function createGraphSender(deps: GraphHttpDeps) {
  const { pacer, tokens, policy, log, stats } = deps;
  const http = deps.transport.extend({
    responseType: 'json',
    retry: retryOptions(policy, ({ error, attemptCount }) => {
      const state = stateOf(error.options);
      if (!state) return 0;
      const { delayMs, retryAfterMs } = retryDelay(error, attemptCount, state, policy, 'graph');
      if (delayMs > 1) {
        stats.waitMs += delayMs;
        if (retryAfterMs !== undefined && delayMs > 1_000) deps.onRateLimited()?.(Date.now() + delayMs);
      }
      return delayMs;
    }),
    hooks: {
      beforeRequest: [
        async (options) => {
          const state = stateOf(options);
          if (!state) return;
          const { entry, waitedMs } = await pacer.acquire(
            state.bucket,
            state.cost,
            (until) => deps.onRateLimited()?.(until),
            state.signInActivity,
          );
          stats.waitMs += waitedMs;
          state.entry = entry;
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
          if (response.statusCode === 401 && !state.renewed) {
            // https://learn.microsoft.com/graph/errors: 401 InvalidAuthenticationToken; one fresh token (skipCache), then the policy decides.
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

  /** Counts, logs and feeds pacing from one response (whole request). */
  function observe(response: Response, state: RequestState): void {
    const ru = response.headers['x-ms-resource-unit'];
    const percentage = Number(response.headers['x-ms-throttle-limit-percentage']);
    const budget = pacer.budgets[state.bucket];
    if (state.entry) budget.settle(state.entry);
    if (ru !== undefined && state.entry && state.bucket === 'identity') budget.correct(state.entry, Number(ru));
    if (percentage) budget.pressure(percentage);
    if (response.statusCode === 429) {
      stats.throttled++;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      // The whole bucket waits with this request; a wait too long to honour fails the request instead (retryDelay).
      if (retryAfterMs && retryAfterMs <= policy.maxRetryAfterMs) budget.block(Date.now() + retryAfterMs);
    }
    log.debug(
      `${state.label} ${response.statusCode} ${Math.round(performance.now() - state.startedAt)} ms${ru !== undefined ? ` RU ${ru}` : ''}${
        percentage ? ` throttle-limit ${percentage}` : ''
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
      signInActivity: options.signInActivity ?? selectsSignInActivity(url),
      attempts: 0,
      waitedMs: 0,
      renewed: false,
      startedAt: performance.now(),
    };
    try {
      const timeout = bucketTimeouts(options.bucket, deps.timeouts);
      const response = await http<T>(url, {
        method,
        headers: options.headers,
        ...(timeout ? { timeout } : {}),
        ...(options.json !== undefined ? { json: options.json } : {}),
        context: { graph: state },
      });
      if (response.statusCode >= 300) {
        // Redirects are not followed (see createTransport): one is an answer the connector does not expect.
        throw graphError(
          { kind: 'http', status: response.statusCode },
          { ...deps.context, request: state.label, status: response.statusCode, attempts: state.attempts },
        );
      }
      return { body: response.body, headers: response.headers };
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
