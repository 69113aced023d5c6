// The one Graph client: wires token, transport, pacing, retries, paging and batching behind the GraphClient contract.
import type { Config } from '../config.js';
import { CLOUDS } from '../endpoints.js';
import type { Logger } from '../logger.js';
import { createBatcher } from './batch.js';
import type { MessageContext } from './error-policy.js';
import { createLoginHttp } from './login-http.js';
import { IDENTITY_RU_PER_10S, identityBudgetFor, Pacer, Semaphore } from './pacing.js';
import { LinkGuard, toPage } from './paging.js';
import { describeRoutes } from './proxy.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { createGraphSender } from './sender.js';
import { LoginNetwork, TokenSource } from './token.js';
import { certificateAuthorities, createTransport, DEFAULT_TIMEOUTS, type Timeouts } from './transport.js';
import type {
  BatchObject,
  BatchOptions,
  BatchPage,
  BatchRequest,
  GraphClient,
  GraphPage,
  GraphStats,
  PagesOptions,
  RequestOptions,
} from './types.js';
import { GraphUrls, requestCost, selectLimits } from './urls.js';

export interface GraphClientDeps {
  log: Logger;
  /**
   * Environment read at construction (default process.env; the endpoints come settled in the config):
   * AZURE_GRAPH_TIME_SCALE (test-only divisor of Graph's throttling windows) and
   * NODE_EXTRA_CA_CERTS (trusted by got explicitly, so an in-process test can pass its own), and
   * HTTPS_PROXY / ALL_PROXY / NO_PROXY (proxy.ts; Airbyte passes them to the container when the operator sets them).
   */
  env?: NodeJS.ProcessEnv;
  /** Test knobs; production uses the defaults. */
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<Timeouts>;
  identityRuPer10s?: number;
  /** The clock the token cache judges freshness by (tests skew it to make Graph see an expired token). */
  tokenClock?: () => number;
}

const USER_AGENT = 'source-azure-client-credentials/0.1.0';
/** A GUID is the shape of a secret's ID; its Value is a ~40-character string. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function timeScaleOf(env: NodeJS.ProcessEnv): number {
  const scale = Number(env.AZURE_GRAPH_TIME_SCALE ?? 1);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

export function createGraphClient(config: Config, deps: GraphClientDeps): GraphClient {
  const env = deps.env ?? process.env;
  const { log } = deps;
  // Settled once by loadConfig: the hosts (with any test override) and the credential, already checked.
  const { endpoints, clientCredential: credential } = config;
  // AZURE_AUTHORITY_HOST is also set by some Azure hosting environments: say so whenever it (or the Graph
  // override) moves the connector off the configured cloud's own hosts.
  const cloud = CLOUDS[config.cloud];
  if (endpoints.authorityHost !== cloud.authorityHost || endpoints.graphRoot !== cloud.graphRoot) {
    log.warn(
      `The environment overrides the ${config.cloud} cloud's hosts: login ${endpoints.authorityHost}, Graph ${endpoints.graphRoot} (AZURE_AUTHORITY_HOST / AZURE_GRAPH_ENDPOINT, meant for tests). Unset them to use ${cloud.authorityHost} and ${cloud.graphRoot}.`,
    );
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const stats: GraphStats = { requests: 0, retries: 0, throttled: 0, waitMs: 0 };
  const context: MessageContext = {
    clientId: config.client_id,
    cloud: config.cloud,
    authorityHost: endpoints.authorityHost,
    graphRoot: endpoints.graphRoot,
    ...('clientSecret' in credential
      ? { authType: 'client_secret', secretLooksLikeId: GUID.test(credential.clientSecret.trim()) }
      : { authType: 'certificate', certificateThumbprint: credential.thumbprint }),
  };
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const { http: transport, agent } = createTransport({ ca: certificateAuthorities(env), timeouts, userAgent: USER_AGENT, env });
  describeRoutes(agent, endpoints, env, log);
  const tokens = new TokenSource({
    clientId: config.client_id,
    ...('clientSecret' in credential ? { clientSecret: credential.clientSecret } : { clientCertificate: credential.clientCertificate }),
    authority: `${endpoints.authorityHost}/${config.tenant_id}`,
    knownAuthority: new URL(endpoints.authorityHost).host,
    scope: endpoints.scope,
    network: new LoginNetwork(createLoginHttp(transport, { ...policy, maxAttempts: Math.min(policy.maxAttempts, 4) }, log)),
    context,
    now: deps.tokenClock,
  });
  const pacer = new Pacer({
    timeScale: timeScaleOf(env),
    identityRuPer10s: deps.identityRuPer10s ?? IDENTITY_RU_PER_10S,
    reportsPer10s: config.reports_requests_per_10_seconds,
    stats,
  });
  const semaphore = new Semaphore(config.max_concurrent_requests);
  const urls = new GraphUrls(endpoints.graphRoot);
  const send = createGraphSender({ transport, tokens, pacer, policy, log, stats, context, timeouts });
  const batcher = createBatcher({
    send,
    urls,
    pacer,
    semaphore,
    policy,
    stats,
    log,
    context,
    maxConcurrent: config.max_concurrent_requests,
    useBatch: config.use_batch_requests,
  });

  // The tenant's size tier is learnt from its user count (count('/users')) unless a test fixed the budget.
  const learnsTier = deps.identityRuPer10s === undefined;
  const counts = new Map<string, Promise<number | undefined>>();

  /**
   * GET {collection}/$count: an advanced query, so it needs ConsistencyLevel: eventual (without it Graph answers 400), and
   * it answers a text/plain number (https://learn.microsoft.com/graph/aad-advanced-queries). Any failure gives undefined.
   */
  async function readCount(collection: string): Promise<number | undefined> {
    const url = urls.first(`${collection}/$count`);
    let users: number | undefined;
    try {
      // Outside the semaphore: one small request that never holds back a stream's own (it is still paced).
      const { body } = await send<string>('GET', url, {
        headers: { ConsistencyLevel: 'eventual' },
        bucket: 'identity',
        cost: requestCost('identity', url),
        responseType: 'text',
      });
      const text = String(body)
        .replace(/^\uFEFF/, '')
        .trim();
      if (!/^\d+$/.test(text)) throw new Error(`the answer is not a number: ${JSON.stringify(text.slice(0, 40))}`);
      users = Number(text);
      return users;
    } catch (error) {
      log.debug(`GET ${collection}/$count gave no count (${(error as Error).message}); left out.`);
      return undefined;
    } finally {
      if (learnsTier && collection === '/users') {
        const budget = identityBudgetFor(users);
        pacer.setIdentityBudget(budget);
        log.debug(
          users === undefined
            ? `The tenant's size is unknown: pacing to the smallest identity budget, ${budget} RU per 10 s.`
            : `The tenant has ${users} users: pacing to ${budget} RU per 10 s of its identity budget.`,
        );
      }
    }
  }

  const client: GraphClient = {
    async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
      const url = urls.resolve(path, options.query, options.version);
      const bucket = options.bucket ?? 'identity';
      const { onRateLimited, headers } = options;
      const { body } = await semaphore.run(() => send<T>('GET', url, { headers, bucket, cost: requestCost(bucket, url), onRateLimited }));
      return body;
    },

    async *pages<T>(pathOrLink: string, options: PagesOptions<T> = {}): AsyncIterable<GraphPage<T>> {
      const bucket = options.bucket ?? 'identity';
      const first = urls.resolve(pathOrLink, options.query, options.version);
      const guard = new LinkGuard(context, first);
      // A nextLink may hide $select in its skiptoken: the first request decides for the whole run.
      const limits = selectLimits(first);
      // Each page's request is retried on its own URL (the last good link), never on a link from a failed answer.
      const { onRateLimited, headers } = options;
      const fetchPage = (link: string) => {
        const pending = semaphore
          .run(() => send<unknown>('GET', link, { headers, bucket, cost: requestCost(bucket, link), limits, onRateLimited }))
          .then(({ body }) => toPage<T>(body));
        // Awaited on the next turn; a consumer that stops early must not leave an unhandled rejection.
        pending.catch(() => {});
        return pending;
      };
      // One page ahead: the next request is in flight (paced like any other) while the caller works
      // through the current page, so record processing and network latency overlap. A caller that
      // knows it will stop after a page says so through readAhead: the next page is then requested
      // only if the caller comes back for it.
      let next: Promise<GraphPage<T>> | undefined = fetchPage(first);
      while (next) {
        const page = await next;
        next = undefined;
        let deferred: string | undefined;
        if (page.nextLink) {
          guard.check(page.nextLink);
          const link = urls.resolve(page.nextLink);
          if (options.readAhead?.(page) ?? true) next = fetchPage(link);
          else deferred = link;
        }
        // Let the page ahead go out before the caller works through this page: Node writes a request to its socket in a
        // nextTick (ClientRequest.onSocket), and a caller's record loop runs in promise jobs alone, which hold back every
        // nextTick and I/O callback until it ends. Without this turn, the next request left only after the whole page.
        if (next) await new Promise(setImmediate);
        yield page;
        if (deferred) next = fetchPage(deferred);
      }
    },

    async *list<T>(path: string, options?: RequestOptions): AsyncIterable<T> {
      for await (const page of client.pages<T>(path, options)) yield* page.value;
    },

    batchPages<T>(requests: Iterable<BatchRequest> | AsyncIterable<BatchRequest>, options: BatchOptions = {}): AsyncIterable<BatchPage<T>> {
      return batcher<T>(requests, options.bucket ?? 'identity', { onRateLimited: options.onRateLimited }, options.yieldFailure);
    },

    async *batchGet<T>(
      requests: Iterable<BatchRequest> | AsyncIterable<BatchRequest>,
      options: BatchOptions = {},
    ): AsyncIterable<BatchObject<T>> {
      for await (const answer of batcher<T>(
        requests,
        options.bucket ?? 'identity',
        { onRateLimited: options.onRateLimited },
        options.yieldFailure,
      )) {
        yield answer.error ? { key: answer.key, error: answer.error } : { key: answer.key, body: answer.body as T };
      }
    },

    count(collection: string): Promise<number | undefined> {
      const key = collection.startsWith('/') ? collection : `/${collection}`;
      let pending = counts.get(key);
      if (!pending) {
        pending = readCount(key);
        counts.set(key, pending);
      }
      return pending;
    },

    grantedRoles: () => tokens.roles(),

    stats(reset = false): GraphStats {
      const snapshot = { ...stats, waitMs: Math.round(stats.waitMs) };
      if (reset) Object.assign(stats, { requests: 0, retries: 0, throttled: 0, waitMs: 0 });
      return snapshot;
    },

    close(): void {
      agent.destroy();
    },
  };

  return client;
}
