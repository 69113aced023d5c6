// Proxies from the environment: HTTPS_PROXY / ALL_PROXY and NO_PROXY (proxy-from-env) choose per target, hpagent tunnels with CONNECT.
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { HttpsProxyAgent, type ProxyAgentRequestOptions } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';
import { configError } from '../errors.js';
import type { Logger } from '../logger.js';
import { registerSecret } from '../secrets.js';
import type { ProxyOutcome } from './error-policy.js';

/** A proxy as messages and logs may show it: origin with the port, never the user name or password. */
export interface ProxyInfo {
  /** e.g. "http://proxy.example.com:3128" */
  display: string;
  /** The environment variable it came from, e.g. "HTTPS_PROXY". */
  variable: string;
}

/**
 * The proxy did not open the tunnel: it answered CONNECT with `status`, or the connection to the proxy
 * itself failed with `code` (refused, reset, timed out, TLS). Failures after the tunnel is open are the
 * target's (ordinary network errors), so only this error is attributed to the proxy.
 */
export class ProxyConnectError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly proxy: ProxyInfo,
    readonly status: number | undefined,
    code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      status
        ? `the proxy ${proxy.display} answered CONNECT with ${status}`
        : `the connection to the proxy ${proxy.display} failed (${code ?? 'unknown error'})`,
      options,
    );
    this.name = 'ProxyConnectError';
    this.code = code;
  }
}

/** The outcome for the policy table when a request to `host` failed at the proxy (a ProxyConnectError behind the got error). */
export function proxyOutcomeOf(error: unknown, host: 'graph' | 'login'): ProxyOutcome | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ProxyConnectError)
      return { kind: 'proxy', proxy: e.proxy.display, variable: e.proxy.variable, status: e.status, code: e.code, host };
  }
  return undefined;
}

/** The variables proxy-from-env reads for an https target, in its order (lower case wins over upper case). */
export const HTTPS_PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'] as const;
const ALL_VARIABLES = ['http_proxy', 'HTTP_PROXY', ...HTTPS_PROXY_VARIABLES] as const;

/**
 * proxy-from-env's choice for `url` under `env`. The library reads process.env only; the client reads
 * its own env (in-process tests pass theirs), so for another env it runs with process.env swapped in.
 * The call is synchronous: no other code can run while the swap lasts.
 */
function proxyFromEnv(url: string, env: NodeJS.ProcessEnv): string {
  if (env === process.env) return getProxyForUrl(url);
  const saved = process.env;
  process.env = env;
  try {
    return getProxyForUrl(url);
  } finally {
    process.env = saved;
  }
}

/**
 * Registers the credentials of every proxy variable as secrets, before any request could print them:
 * the URL as given, the password (as written and decoded) and the Basic token hpagent sends.
 */
function registerProxySecrets(env: NodeJS.ProcessEnv): void {
  for (const name of ALL_VARIABLES) {
    const value = env[name];
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value.includes('://') ? value : `http://${value}`);
    } catch {
      registerSecret(value); // unreadable: never shown at all
      continue;
    }
    if (!url.username && !url.password) continue;
    registerSecret(value);
    registerSecret(url.password);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    registerSecret(decode(url.password));
    const basic = Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64');
    registerSecret(basic);
  }
}

/** What the connector says about where HTTPS_PROXY is missing but HTTP_PROXY is set (HTTP_PROXY is for http:// URLs only). */
export function httpProxyOnlyWarning(env: NodeJS.ProcessEnv): string | undefined {
  const httpVariable = (['http_proxy', 'HTTP_PROXY'] as const).find((name) => env[name]);
  if (!httpVariable || HTTPS_PROXY_VARIABLES.some((name) => env[name])) return undefined;
  return `${httpVariable} is set but HTTPS_PROXY is not. The connector makes HTTPS requests only, and those use HTTPS_PROXY (as curl and most tools do), so it connects to Microsoft directly. Set HTTPS_PROXY as well if its traffic must go through the proxy.`;
}

/**
 * hpagent's HttpsProxyAgent with two additions at the library boundary: the CONNECT exchange (and the
 * TLS handshake through the tunnel) is bounded by the connect timeout (got's own connect timers only
 * start once a socket exists, so a proxy that never answers would hang the request), and its failures
 * become ProxyConnectErrors. hpagent reports a refused CONNECT only as Error("Bad response: <status>")
 * and a timed-out one as Error("Proxy timeout"), without a code: those two texts are read here, and
 * nowhere else (test/proxy-transport.test.ts pins them).
 */
class TunnelAgent extends HttpsProxyAgent {
  constructor(
    private readonly info: ProxyInfo,
    private readonly connectTimeoutMs: number,
    options: ConstructorParameters<typeof HttpsProxyAgent>[0],
  ) {
    super(options);
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    return super.createConnection({ ...options, timeout: this.connectTimeoutMs }, (error, socket) =>
      callback?.(error ? this.failure(error) : null, socket),
    );
  }

  private failure(error: Error): ProxyConnectError {
    const status = /^Bad response: (\d{3})$/.exec(error.message)?.[1];
    if (status) return new ProxyConnectError(this.info, Number(status), undefined, { cause: error });
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return new ProxyConnectError(this.info, undefined, code, { cause: error });
    return new ProxyConnectError(this.info, undefined, error.message === 'Proxy timeout' ? 'ETIMEDOUT' : undefined, { cause: error });
  }
}

export interface AgentOptions {
  env: NodeJS.ProcessEnv;
  /** The one TLS context for the CA list (NODE_EXTRA_CA_CERTS): for targets and for an https:// proxy alike. */
  secureContext?: SecureContext;
  connectTimeoutMs: number;
  maxSockets: number;
}

/** A route to one target origin: direct, or through a proxy. */
export interface Route {
  agent: https.Agent;
  proxy?: ProxyInfo;
}

/**
 * The keep-alive agents of one client: one for direct connections and one per proxy URL, chosen per
 * target origin with HTTPS_PROXY / ALL_PROXY and NO_PROXY from `env` (read once per origin).
 */
export class Agents {
  private readonly direct: https.Agent;
  private readonly tunnels = new Map<string, https.Agent>();
  private readonly routes = new Map<string, Route>();

  constructor(private readonly options: AgentOptions) {
    registerProxySecrets(options.env);
    this.direct = new https.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      ...(options.secureContext ? { secureContext: options.secureContext } : {}),
    });
  }

  /** The route for a target URL; throws a config_error when the proxy variable is not a usable URL. */
  route(target: string | URL): Route {
    const origin = typeof target === 'string' ? new URL(target).origin : target.origin;
    let route = this.routes.get(origin);
    if (!route) {
      route = this.resolve(origin);
      this.routes.set(origin, route);
    }
    return route;
  }

  agentFor(target: string | URL): https.Agent {
    return this.route(target).agent;
  }

  destroy(): void {
    this.direct.destroy();
    for (const agent of this.tunnels.values()) agent.destroy();
  }

  private resolve(origin: string): Route {
    const chosen = proxyFromEnv(origin, this.options.env);
    if (!chosen) return { agent: this.direct };
    const variable = HTTPS_PROXY_VARIABLES.find((name) => this.options.env[name]) ?? 'HTTPS_PROXY';
    const raw = this.options.env[variable] ?? '';
    // A proxy without a scheme is an http:// proxy (curl's rule); proxy-from-env would give it the target's https.
    const value = raw.includes('://') ? chosen : `http://${raw}`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      // Never the value itself: it may hold a password.
      throw configError(
        `The environment variable ${variable} is not a valid proxy URL. Use the form http://host:port (or http://user:password@host:port, URL-encoding special characters in the password).`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw configError(
        `The environment variable ${variable} names a ${url.protocol.replace(/:$/, '')} proxy; the connector supports http:// and https:// proxies (HTTP CONNECT) only.`,
      );
    }
    const info: ProxyInfo = {
      display: `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`,
      variable,
    };
    const key = url.href;
    let agent = this.tunnels.get(key);
    if (!agent) {
      const { secureContext, connectTimeoutMs, maxSockets } = this.options;
      agent = new TunnelAgent(info, connectTimeoutMs, {
        proxy: url,
        keepAlive: true,
        maxSockets,
        // hpagent hands proxyRequestOptions to https.request for an https:// proxy, so the shared context
        // works there too (its type names only `ca`, which would build TLS state on every CONNECT).
        ...(secureContext ? { secureContext, proxyRequestOptions: { secureContext } as unknown as ProxyAgentRequestOptions } : {}),
      });
      this.tunnels.set(key, agent);
    }
    return { agent, proxy: info };
  }
}

/**
 * Chooses the route (proxy or direct) of both hosts now, so that an unusable proxy variable fails before
 * any request, and says once which way each host goes (the proxy as origin only, never its credentials).
 */
export function describeRoutes(
  agents: Agents,
  endpoints: { authorityHost: string; graphRoot: string },
  env: NodeJS.ProcessEnv,
  log: Logger,
): void {
  const warning = httpProxyOnlyWarning(env);
  if (warning) log.warn(warning);
  const hosts = [endpoints.authorityHost, endpoints.graphRoot].filter((host, i, all) => all.indexOf(host) === i);
  const routes = hosts.map((host) => ({ host: new URL(host).host, proxy: agents.route(host).proxy }));
  if (routes.every((r) => !r.proxy)) {
    if (HTTPS_PROXY_VARIABLES.some((name) => env[name]))
      log.info(`Connecting directly to ${routes.map((r) => r.host).join(' and ')} (NO_PROXY).`);
    return;
  }
  log.info(
    `Connecting ${routes.map((r) => (r.proxy ? `to ${r.host} through the proxy ${r.proxy.display} (${r.proxy.variable})` : `directly to ${r.host} (NO_PROXY)`)).join(', and ')}.`,
  );
}
