// App-only access tokens: msal-node client credentials over our own HTTP stack, an in-memory cache renewed before expiry, the roles claim.
// Flow: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { Got, Response } from 'got';
import type { CertificateCredential } from '../credentials.js';
import { registerSecret } from '../secrets.js';
import { type MessageContext, type Outcome, type ProxyOutcome, proxyCode } from './error-policy.js';
import { firstSentence, GraphRequestError, graphError, networkCode } from './errors.js';
import { proxyOutcomeOf } from './proxy.js';

/** What the login host last answered badly during one token acquisition, to explain msal's generic errors. */
type LoginFailure = { kind: 'network'; code?: string } | { kind: 'http'; status: number; aadsts?: number; error?: string } | ProxyOutcome;

/**
 * msal's network module backed by got: the same CA, keep-alive agent, timeouts and retries as
 * Graph requests (msal's default fetch client would only see NODE_EXTRA_CA_CERTS read at process
 * start, and has no connect timeout). It remembers the last failure so that msal's generic
 * "endpoints_resolution_error" can be told apart (tenant not found vs. host unreachable).
 */
export class LoginNetwork implements INetworkModule {
  lastFailure: LoginFailure | undefined;

  constructor(private readonly http: Got) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    let response: Response<string>;
    try {
      response = await this.http(url, {
        method,
        headers: options?.headers,
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        context: { login: { waitedMs: 0, startedAt: 0 } },
        ...(timeout ? { timeout: { request: timeout } } : {}),
      });
    } catch (error) {
      // The proxy (HTTPS_PROXY) did not open the tunnel: msal's own error would only say the request failed.
      this.lastFailure = proxyOutcomeOf(error, 'login') ?? { kind: 'network', code: networkCode(error) };
      throw error;
    }
    let body: unknown = {};
    try {
      body = JSON.parse(String(response.body));
    } catch {
      // msal reports a non-JSON answer itself; an empty object keeps its own error path.
    }
    if (response.statusCode >= 400) {
      const b = body as { error?: unknown; error_codes?: unknown[] };
      const aadsts = Array.isArray(b.error_codes) ? Number(b.error_codes[0]) : undefined;
      this.lastFailure = { kind: 'http', status: response.statusCode, aadsts, error: typeof b.error === 'string' ? b.error : undefined };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { headers, body: body as T, status: response.statusCode };
  }
}

/** The `roles` claim of a JWT access token; [] when absent or when the token is not a readable JWT. */
export function rolesOf(accessToken: string): string[] {
  const payload = accessToken.split('.')[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * How long before expiry a token is renewed: msal's 5 minutes, or for a short lifetime a fifth of it
 * plus a second (msal rounds its request time to the nearest second, so its expiresOn may be up to
 * half a second later than the token's own exp claim).
 */
export function renewalMarginMs(lifetimeMs: number): number {
  return Math.min(300_000, 1_000 + Math.max(0, lifetimeMs) / 5);
}

/** Turns an msal failure into a policy-classified error, using what the login host last answered. */
export function tokenFailure(error: unknown, lastFailure: LoginFailure | undefined, context: MessageContext): GraphRequestError {
  if (error instanceof GraphRequestError) return error;
  const e = error as { errorCode?: string; errorMessage?: string; errorNo?: unknown; name?: string };
  const fromMessage = /AADSTS(\d+)/.exec(e.errorMessage ?? '');
  let aadsts = Number(e.errorNo) || (fromMessage ? Number(fromMessage[1]) : undefined);
  let oauthError = e.name === 'ServerError' ? e.errorCode : undefined;
  if (!aadsts && lastFailure?.kind === 'http') {
    aadsts = lastFailure.aadsts;
    oauthError ??= lastFailure.error;
  }
  const description = /Description: (AADSTS\d+: [^\r\n]*?)(?: - Correlation ID|\r|\n|$)/.exec(e.errorMessage ?? '')?.[1];
  let outcome: Outcome;
  if (aadsts || oauthError) outcome = { kind: 'token', aadsts, error: oauthError, msalCode: e.errorCode };
  else if (lastFailure?.kind === 'proxy') outcome = lastFailure;
  else if (lastFailure?.kind === 'network') outcome = { kind: 'network', code: lastFailure.code, host: 'login' };
  else outcome = { kind: 'token', msalCode: e.errorCode };
  return graphError(
    outcome,
    {
      ...context,
      code:
        outcome.kind === 'network'
          ? outcome.code
          : outcome.kind === 'proxy'
            ? proxyCode(outcome)
            : aadsts
              ? `AADSTS${aadsts}`
              : (oauthError ?? e.errorCode),
      detail: description ? firstSentence(description) : e.errorCode,
    },
    error,
  );
}

/**
 * The authority's OAuth endpoints as msal's `authorityMetadata`, so that msal never fetches
 * /{tenant}/v2.0/.well-known/openid-configuration before the first token. msal-node already builds these endpoints
 * itself, without a request, for login.microsoftonline.com and .us (its hardcoded endpoint metadata), so a wrong tenant
 * is reported there by the token endpoint (AADSTS90002); other hosts (the China cloud's login.chinacloudapi.cn, or a
 * test's AZURE_AUTHORITY_HOST) would cost a round trip first and fail differently (msal's endpoints_resolution_error).
 * Given for every host, a read starts one request sooner and every host behaves as the public cloud does. The tenant
 * stays as configured (id or domain): the token endpoint takes either
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#get-a-token).
 */
export function authorityMetadata(authority: string): string {
  const base = authority.replace(/\/+$/, '');
  return JSON.stringify({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
  });
}

export type TokenSourceOptions = TokenSourceSettings & ({ clientSecret: string } | { clientCertificate: CertificateCredential });

interface TokenSourceSettings {
  clientId: string;
  authority: string;
  knownAuthority: string;
  scope: string;
  network: LoginNetwork;
  context: MessageContext;
  now?: () => number;
}

/**
 * One token at a time: reused until shortly before it expires, fetched once for all concurrent
 * callers. msal caches too, but treats tokens as expired 5 minutes early, so a short-lived token
 * (as the emulator issues) would be fetched anew for every request without this layer.
 */
export class TokenSource {
  private current: { token: string; expiresAt: number; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly app: ConfidentialClientApplication;
  private readonly now: () => number;

  constructor(private readonly options: TokenSourceOptions) {
    this.now = options.now ?? Date.now;
    this.app = new ConfidentialClientApplication({
      auth: {
        clientId: options.clientId,
        // A certificate makes msal sign a client assertion (PS256, x5t#S256 header, x5c when given) instead of sending a secret.
        ...('clientCertificate' in options ? { clientCertificate: options.clientCertificate } : { clientSecret: options.clientSecret }),
        authority: options.authority,
        // A known authority skips instance discovery (/common/discovery/instance), and the endpoints given here skip the
        // tenant's OpenID metadata: the first request is the token request itself.
        knownAuthorities: [options.knownAuthority],
        authorityMetadata: authorityMetadata(options.authority),
      },
      system: { networkClient: options.network },
    });
  }

  /** A valid token, from memory while it is fresh. */
  async get(): Promise<string> {
    const current = this.current;
    if (current && this.now() < current.renewAt) return current.token;
    return this.acquire(false);
  }

  /** After Graph rejected `rejected` (401): a token fetched past msal's cache, unless one already replaced it. */
  async renew(rejected: string | undefined): Promise<string> {
    const current = this.current;
    if (current && current.token !== rejected && this.now() < current.renewAt) return current.token;
    return this.acquire(true);
  }

  async roles(): Promise<string[]> {
    return rolesOf(await this.get());
  }

  private acquire(skipCache: boolean): Promise<string> {
    this.pending ??= (async () => {
      this.options.network.lastFailure = undefined;
      try {
        const result = await this.app.acquireTokenByClientCredential({ scopes: [this.options.scope], skipCache });
        if (!result?.accessToken) throw new Error('msal returned no access token');
        // Registered before anything could print it: every output line passes through redact().
        registerSecret(result.accessToken);
        const now = this.now();
        const expiresAt = result.expiresOn ? result.expiresOn.getTime() : now + 60_000;
        this.current = { token: result.accessToken, expiresAt, renewAt: expiresAt - renewalMarginMs(expiresAt - now) };
        return result.accessToken;
      } catch (error) {
        throw tokenFailure(error, this.options.network.lastFailure, this.options.context);
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}
