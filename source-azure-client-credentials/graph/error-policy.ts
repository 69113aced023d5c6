// THE error policy: one table from an outcome (HTTP status + Graph code, token error, network error) to an action, a failure_type and a message.
// Graph error codes: https://learn.microsoft.com/graph/errors ; token errors: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
import { CERTIFICATES_PATH, CONSENT_PATH, SECRETS_PATH } from '../admin-center.js';
import type { FailureType } from '../protocol.js';

/**
 * What the client does with an outcome:
 * - retry: try again (Retry-After or backoff) within the wait budget; when the budget is spent the
 *   row's failureType and message apply;
 * - reauthenticate: get a new token (skipCache) and try once more; a second failure applies the row;
 * - skip: the caller may drop this item (e.g. an object deleted during the sync) and go on;
 * - fail: stop with the row's failureType and message.
 */
export type Action = 'retry' | 'reauthenticate' | 'skip' | 'fail';

export type Outcome =
  /** An HTTP answer from Graph (whole request or one $batch item), with the first sentence of Graph's message. */
  | { kind: 'http'; status: number; code?: string; detail?: string }
  /** No usable answer: a socket/TLS error code, a timeout, or a body that is not complete JSON. */
  | { kind: 'network'; code?: string; host: 'graph' | 'login' }
  /** The proxy (HTTPS_PROXY) did not open the tunnel. */
  | ProxyOutcome
  /** The token request failed: AADSTS number and OAuth error from the login host, or msal's own error code. */
  | { kind: 'token'; aadsts?: number; error?: string; msalCode?: string }
  /** Graph handed back a nextLink it had already given. */
  | { kind: 'nextlink_loop' }
  /** A link to follow (a nextLink, or a deltaLink from the saved state) is not on the Graph root. */
  | { kind: 'foreign_link' };

/**
 * The proxy from HTTPS_PROXY did not open the tunnel to `host`: it answered CONNECT with `status`, or
 * the connection to the proxy failed with `code`. `proxy` is its origin, never its credentials.
 */
export type ProxyOutcome = { kind: 'proxy'; proxy: string; variable: string; status?: number; code?: string; host: 'graph' | 'login' };

/** A proxy failure's code for messages and logs: the CONNECT status, else the socket error code. */
export const proxyCode = (o: ProxyOutcome): string | undefined => (o.status !== undefined ? String(o.status) : o.code);

/** Facts a message may name; never a secret or a token (tenant_id is marked secret in the spec, so messages name the field, not its value). */
export interface MessageContext {
  /** Method and path of the request (query values of paging tokens cut), e.g. "GET /users?$top=999". */
  request?: string;
  status?: number;
  code?: string;
  /** Graph's or the login host's own explanation (first sentence), for the internal message. */
  detail?: string;
  clientId?: string;
  cloud?: string;
  authorityHost?: string;
  graphRoot?: string;
  /** True when the configured client secret has the shape of a secret ID (a GUID). */
  secretLooksLikeId?: boolean;
  /** Which credentials option the config uses, so that token messages name the right field. */
  authType?: 'client_secret' | 'certificate';
  /** SHA-1 thumbprint of the configured certificate (public), as the Entra admin center lists it. */
  certificateThumbprint?: string;
  attempts?: number;
  waitedMs?: number;
  /** The proxy a failed connection went through: origin with port, never user name or password. */
  proxy?: string;
  /** The environment variable that named the proxy (e.g. HTTPS_PROXY). */
  proxyVariable?: string;
  /** Which host the proxy was asked to connect to. */
  proxyTarget?: 'graph' | 'login';
}

export interface PolicyRow {
  id: string;
  matches(outcome: Outcome): boolean;
  action: Action;
  failureType: FailureType;
  message(context: MessageContext): string;
}

export interface Decision {
  row: string;
  action: Action;
  failureType: FailureType;
  message: string;
}

/** Socket and body failures (got's and Node's codes) a Graph request is retried on; got keeps no list of its own (retry-hook.ts). */
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'ERR_BODY_PARSE_FAILURE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** The login host's share of them: a refused connection or an unknown host there is a wrong host, not a passing fault. */
const LOGIN_RETRYABLE = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_BODY_PARSE_FAILURE',
]);
const TLS = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ERR_TLS/;
/** Failures reaching the proxy itself that are not retried: nothing listens there, its name does not resolve, no route to it. */
const PROXY_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/**
 * The two 403 codes that mean "not allowed" rather than "broken" (https://learn.microsoft.com/graph/errors): their
 * rows match them here, and diagnosis.ts names them in its sentences after matchesRow() recognised the row.
 */
export const DENIED_CODE = 'Authorization_RequestDenied';
export const NOT_PREMIUM_CODE = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

const http = (status: number | ((s: number) => boolean), code?: string | ((c: string | undefined) => boolean)) => (o: Outcome) =>
  o.kind === 'http' &&
  (typeof status === 'number' ? o.status === status : status(o.status)) &&
  (code === undefined || (typeof code === 'string' ? o.code?.toLowerCase() === code.toLowerCase() : code(o.code)));
const aadsts = (n: number) => (o: Outcome) => o.kind === 'token' && o.aadsts === n;
const tries = (c: MessageContext) =>
  c.attempts && c.attempts > 1 ? ` after ${c.attempts} attempts over ${Math.round((c.waitedMs ?? 0) / 1000)} s` : '';
const req = (c: MessageContext) => c.request ?? 'a Graph request';
const why = (c: MessageContext) => (c.code ? `${c.status} ${c.code}` : `HTTP ${c.status}`);
const hostOf = (origin: string | undefined) => {
  try {
    return origin ? new URL(origin).host : undefined;
  } catch {
    return origin;
  }
};
/** The Microsoft host a proxied connection was meant for (e.g. login.microsoftonline.com; a port only when not 443). */
const proxyTarget = (c: MessageContext) =>
  (c.proxyTarget === 'login' ? hostOf(c.authorityHost) : hostOf(c.graphRoot)) ??
  (c.proxyTarget === 'login' ? 'the Microsoft login host' : 'Microsoft Graph');
const viaProxy = (c: MessageContext) =>
  `The connection to Microsoft (${proxyTarget(c)}) goes through this proxy, named by ${c.proxyVariable ?? 'HTTPS_PROXY'}, and failed there before reaching Microsoft.`;
const proxyAdvice = (c: MessageContext) =>
  `Check ${c.proxyVariable ?? 'HTTPS_PROXY'} and NO_PROXY, and ask the proxy's administrator to allow CONNECT to the login and Graph hosts of your cloud (listed in the connector's metadata.yaml allowedHosts, e.g. ${proxyTarget(c)}).`;

/**
 * Graph's answers for a resource the deployment (national cloud) does not serve: 400 BadRequest "Resource not found
 * for the segment 'signIns'" (China: https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3189), or a 404,
 * reported as well and with varying codes. Judged on status and code, never on the English text. The table's rows
 * still decide the action (a 400 is a defect, a 404 a deleted object); diagnosis.ts reads this only for a stream
 * whose documented clouds exclude the configured one.
 */
export const RESOURCE_NOT_SERVED = (o: Outcome): boolean => http(400, 'BadRequest')(o) || http(404)(o);

/**
 * Graph's words for a $select name the type does not have: "Could not find a property named 'X' on type
 * 'microsoft.graph.user'." (e.g. a directory extension no application of the tenant registered). Returns X.
 */
export function unknownPropertyName(detail: string | undefined): string | undefined {
  return /Could not find a property named '([^']+)'/i.exec(detail ?? '')?.[1];
}

/** Ordered: the first row that matches decides. Specific codes come before their status's catch-all. */
export const ERROR_POLICY: readonly PolicyRow[] = [
  // --- Graph HTTP answers -------------------------------------------------------------------
  {
    id: 'http-429-throttled',
    matches: http(429),
    action: 'retry',
    failureType: 'transient_error',
    message: (c) =>
      `Microsoft Graph kept throttling the connector (429 TooManyRequests) on ${req(c)}${tries(c)}. Another tool may be using the same app registration's budget in this tenant. The sync can be retried later; if this repeats, lower max_concurrent_requests (and reports_requests_per_10_seconds for sign-ins).`,
  },
  {
    id: 'http-5xx-retryable',
    // Graph's transient statuses: https://learn.microsoft.com/graph/best-practices-concept#handling-expected-errors
    matches: http((s) => s === 500 || s === 502 || s === 503 || s === 504),
    action: 'retry',
    failureType: 'transient_error',
    message: (c) =>
      `Microsoft Graph failed on ${req(c)} with ${why(c)}${tries(c)}. This is a temporary problem on Microsoft's side; the sync can be retried later.`,
  },
  {
    id: 'http-401-token-rejected',
    matches: http(401),
    action: 'reauthenticate',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Graph rejected the connector's access token on ${req(c)} (${why(c)}), even after a fresh token was requested. Check that tenant_id is the tenant the app registration is consented in and that the cloud setting (${c.cloud ?? 'global'}) matches the tenant.`,
  },
  {
    id: 'http-403-permission',
    matches: http(403, DENIED_CODE),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Graph denied ${req(c)} (403 ${DENIED_CODE}: insufficient privileges). The app registration lacks the application permission this request needs, or admin consent was not granted. Add it in ${CONSENT_PATH}.`,
  },
  {
    id: 'http-403-no-premium',
    matches: http(403, NOT_PREMIUM_CODE),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Graph refused ${req(c)} because the tenant has no Microsoft Entra ID P1 or P2 licence (sign-in logs and signInActivity need one). Add a P1/P2 licence to the tenant, or turn off the sign_ins stream and include_sign_in_activity.`,
  },
  {
    id: 'http-403-other',
    matches: http(403),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Graph denied ${req(c)} (${why(c)}). Check the app registration's application permissions and admin consent in ${CONSENT_PATH}.`,
  },
  {
    id: 'http-404-deleted',
    matches: http(404, 'Request_ResourceNotFound'),
    action: 'skip',
    // Thrown only when a caller does not skip it (e.g. a top-level request): a later sync will not meet the same race.
    failureType: 'transient_error',
    message: (c) =>
      `Microsoft Graph no longer finds the object of ${req(c)} (404 Request_ResourceNotFound); it was probably deleted while the sync ran. Run the sync again.`,
  },
  {
    id: 'http-410-resync',
    matches: (o) => http(410)(o) || http(400, (code) => /^(syncStateNotFound|resyncRequired|syncStateInvalid)$/i.test(code ?? ''))(o),
    action: 'fail',
    // Streams that read delta links catch this (status 410 or the code) and start a full resync.
    failureType: 'transient_error',
    message: (c) =>
      `Microsoft Graph no longer accepts the saved change-tracking link for ${req(c)} (${why(c)}): delta links expire after about 7 days. Reset this stream's data (or run a full refresh) to start over.`,
  },
  {
    id: 'http-400-unknown-property',
    // A name the connector put in $select itself is its own defect; one the config named (additional_user_properties)
    // is the user's to fix, which diagnosis.ts tells apart with the stream's optionProperties.
    matches: (o) => http(400)(o) && o.kind === 'http' && unknownPropertyName(o.detail) !== undefined,
    action: 'fail',
    failureType: 'system_error',
    message: (c) =>
      `Microsoft Graph refused ${req(c)}: it does not know the property '${unknownPropertyName(c.detail)}' (${why(c)}). This is a defect in the connector's request; please report it with this message.`,
  },
  {
    id: 'http-400-bad-request',
    matches: http(400),
    action: 'fail',
    failureType: 'system_error',
    message: (c) =>
      `Microsoft Graph refused ${req(c)} as invalid (${why(c)}${c.detail ? `: ${c.detail}` : ''}). This is a defect in the connector's request; please report it with this message.`,
  },
  {
    id: 'http-other-4xx',
    matches: http((s) => s >= 400 && s < 500),
    action: 'fail',
    failureType: 'system_error',
    message: (c) =>
      `Microsoft Graph answered ${req(c)} with ${why(c)}${c.detail ? ` (${c.detail})` : ''}, which the connector does not expect. Please report it with this message.`,
  },
  {
    id: 'http-other-5xx',
    matches: http((s) => s >= 500),
    action: 'fail',
    failureType: 'transient_error',
    message: (c) => `Microsoft Graph failed on ${req(c)} with ${why(c)}. The sync can be retried later.`,
  },
  {
    id: 'http-unexpected',
    matches: (o) => o.kind === 'http',
    action: 'fail',
    failureType: 'system_error',
    message: (c) => `Microsoft Graph answered ${req(c)} with an unexpected HTTP ${c.status}. Please report it with this message.`,
  },
  // --- Token endpoint (login host) ----------------------------------------------------------
  {
    id: 'token-7000215-wrong-secret',
    matches: aadsts(7000215),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Entra ID rejected the client secret (AADSTS7000215: invalid client secret). ${
        c.secretLooksLikeId
          ? 'The value entered looks like the secret\'s "Secret ID" (a GUID), not its "Value". '
          : 'A common cause is pasting the secret\'s "Secret ID" instead of its "Value". '
      }Copy the Value shown right after creating a secret in ${SECRETS_PATH} (it is shown only once; if you no longer have it, create a new client secret) and paste it into client_secret.`,
  },
  {
    id: 'token-7000222-secret-expired',
    matches: aadsts(7000222),
    action: 'fail',
    failureType: 'config_error',
    message: () =>
      `The client secret has expired (AADSTS7000222). Create a new one in ${SECRETS_PATH} > New client secret, then paste its Value into client_secret.`,
  },
  {
    id: 'token-700027-certificate-unknown',
    // The key matched the certificate locally, so Entra ID not knowing the key means the certificate is not on the app.
    matches: aadsts(700027),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Entra ID does not accept the certificate (AADSTS700027): the certificate${c.certificateThumbprint ? ` with thumbprint ${c.certificateThumbprint}` : ''} is not uploaded to the app with client_id ${c.clientId ?? ''}, or was removed. Upload it (the certificate only, never the private key) in ${CERTIFICATES_PATH} > Upload certificate, or paste the certificate that is listed there.`,
  },
  {
    id: 'token-700024-assertion-time',
    matches: aadsts(700024),
    action: 'fail',
    failureType: 'config_error',
    message: () =>
      `Microsoft Entra ID refused the signed token request because its time range is not valid now (AADSTS700024). The clock of the machine that runs the connector is probably wrong: synchronize it (NTP) and try again.`,
  },
  {
    id: 'token-700016-app-not-found',
    matches: aadsts(700016),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `No application with client_id ${c.clientId ?? ''} was found in the tenant given as tenant_id (AADSTS700016). Check client_id (the Application (client) ID on the app registration's Overview page) and tenant_id; an app registered in another tenant must first be consented in this one.`,
  },
  {
    id: 'token-90002-tenant-not-found',
    matches: aadsts(90002),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `The tenant given as tenant_id was not found in the ${c.cloud ?? 'global'} cloud (AADSTS90002). Check tenant_id (the Directory (tenant) ID on the app registration's Overview page) and that the cloud setting matches the tenant.`,
  },
  {
    id: 'token-900023-bad-tenant',
    matches: aadsts(900023),
    action: 'fail',
    failureType: 'config_error',
    message: () =>
      `tenant_id is not a valid tenant identifier (AADSTS900023). Use the Directory (tenant) ID GUID or a verified domain such as contoso.onmicrosoft.com.`,
  },
  {
    id: 'token-70011-scope',
    matches: aadsts(70011),
    action: 'fail',
    failureType: 'system_error',
    message: (c) =>
      `Microsoft Entra ID refused the token scope the connector asked for (AADSTS70011) for Graph at ${c.graphRoot ?? 'the selected cloud'}. Please report it with this message.`,
  },
  {
    id: 'token-50049-unknown-authority',
    matches: (o) => aadsts(50049)(o) || (o.kind === 'token' && o.error === 'invalid_instance'),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `The login host ${c.authorityHost ?? ''} does not accept the authority for tenant_id (AADSTS50049 invalid authority). Check that the cloud setting matches the tenant.`,
  },
  {
    id: 'token-endpoints-resolution',
    // msal: the tenant's OpenID metadata could not be read (unknown tenant, or a host it could not fetch from).
    matches: (o) => o.kind === 'token' && o.msalCode === 'endpoints_resolution_error',
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Could not find the tenant given as tenant_id at ${c.authorityHost ?? 'the login host'}: either the tenant does not exist in the ${c.cloud ?? 'global'} cloud, or the login host cannot be reached from where the connector runs. Check tenant_id and the cloud setting, and that outbound HTTPS to ${c.authorityHost ?? 'the login host'} is allowed.`,
  },
  {
    id: 'token-server-error',
    matches: (o) => o.kind === 'token' && (o.error === 'temporarily_unavailable' || o.error === 'server_error'),
    action: 'fail',
    failureType: 'transient_error',
    message: (c) =>
      `Microsoft Entra ID could not issue a token right now (${c.code ?? 'server error'}). This is temporary on Microsoft's side; the sync can be retried later.`,
  },
  {
    id: 'token-other',
    matches: (o) => o.kind === 'token',
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `Microsoft Entra ID refused to issue a token for client_id ${c.clientId ?? ''} in the tenant given as tenant_id (${c.code ?? 'unknown error'}${c.detail ? `: ${c.detail}` : ''}). Check tenant_id, client_id and the ${c.authType === 'certificate' ? 'certificate' : 'client secret'}.`,
  },
  // --- Proxy (HTTPS_PROXY): the tunnel to Microsoft was not opened -------------------------
  {
    id: 'proxy-407-credentials',
    // Wrong or missing proxy credentials: the operator must change HTTPS_PROXY; retrying cannot help.
    matches: (o) => o.kind === 'proxy' && o.status === 407,
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `The proxy ${c.proxy ?? ''} refused to open a connection to ${proxyTarget(c)} without valid proxy credentials (407 Proxy Authentication Required). ${viaProxy(c)} Put the proxy's user name and password in ${c.proxyVariable ?? 'HTTPS_PROXY'} (http://user:password@host:port, special characters URL-encoded), or list ${proxyTarget(c)} in NO_PROXY if the connector may connect directly.`,
  },
  {
    id: 'proxy-connect-5xx',
    // The proxy could not reach Microsoft itself (502/503/504 to CONNECT): as transient as Graph's own
    // 5xx, so retried with the same policy (the login host's requests stop after 4 attempts).
    matches: (o) => o.kind === 'proxy' && o.status !== undefined && o.status >= 500,
    action: 'retry',
    failureType: 'transient_error',
    message: (c) =>
      `The proxy ${c.proxy ?? ''} could not open a connection to ${proxyTarget(c)} (it answered CONNECT with ${c.code ?? 'a server error'})${tries(c)}. ${viaProxy(c)} The proxy may be unable to reach Microsoft. ${proxyAdvice(c)} The sync can be retried.`,
  },
  {
    id: 'proxy-connect-refused',
    // A refusal (403 and any other answer but 200) is the proxy's policy, e.g. a host missing from its
    // allow-list: it does not change within seconds, so it is not retried; Airbyte retries the sync later.
    matches: (o) => o.kind === 'proxy' && o.status !== undefined,
    action: 'fail',
    failureType: 'transient_error',
    message: (c) =>
      `The proxy ${c.proxy ?? ''} refused to open a connection to ${proxyTarget(c)} (it answered CONNECT with ${c.code ?? 'a refusal'}). ${viaProxy(c)} ${proxyAdvice(c)}`,
  },
  {
    id: 'proxy-tls',
    // An https:// proxy whose certificate is not trusted: a setting to change, not a moment to wait for.
    matches: (o) => o.kind === 'proxy' && TLS.test(o.code ?? ''),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `The TLS certificate of the proxy ${c.proxy ?? ''} could not be verified (${c.code}). ${viaProxy(c)} Add the CA certificate of the proxy through NODE_EXTRA_CA_CERTS, or use an http:// proxy URL in ${c.proxyVariable ?? 'HTTPS_PROXY'} if the proxy accepts plain connections.`,
  },
  {
    id: 'proxy-unreachable',
    // Nothing listens at the proxy's address, or its name does not resolve: a wrong HTTPS_PROXY or a
    // proxy that is down. Not retried (as for the login host): it would only delay this message.
    matches: (o) => o.kind === 'proxy' && PROXY_UNREACHABLE.has(o.code ?? ''),
    action: 'fail',
    failureType: 'transient_error',
    message: (c) =>
      `Could not connect to the proxy ${c.proxy ?? ''} (${c.code}). ${viaProxy(c)} Check that ${c.proxyVariable ?? 'HTTPS_PROXY'} names a running proxy that the connector can reach, or list ${proxyTarget(c)} in NO_PROXY if the connector may connect directly. The sync can be retried.`,
  },
  {
    id: 'proxy-cut-retryable',
    // The proxy closed, reset or never answered the CONNECT: often a passing overload or restart,
    // retried with the usual policy (a proxy that drops every CONNECT fails after the attempts run out).
    matches: (o) => o.kind === 'proxy',
    action: 'retry',
    failureType: 'transient_error',
    message: (c) =>
      `The proxy ${c.proxy ?? ''} closed or did not answer the request to open a connection to ${proxyTarget(c)} (${c.code ?? 'connection closed'})${tries(c)}. ${viaProxy(c)} ${proxyAdvice(c)} The sync can be retried.`,
  },
  // --- Network ------------------------------------------------------------------------------
  {
    id: 'network-tls',
    matches: (o) => o.kind === 'network' && TLS.test(o.code ?? ''),
    action: 'fail',
    failureType: 'config_error',
    message: (c) =>
      `The TLS certificate of ${c.request ?? 'the server'} could not be verified (${c.code}). A proxy that inspects HTTPS may be in the way: add its CA certificate through NODE_EXTRA_CA_CERTS, or let the connector reach Microsoft directly.`,
  },
  {
    // A cut or timed-out connection to a reachable login host is worth another try; a refused
    // connection or an unknown host is not (it would only delay the message about a wrong host).
    id: 'network-login-host-retryable',
    matches: (o) => o.kind === 'network' && o.host === 'login' && LOGIN_RETRYABLE.has(o.code ?? ''),
    action: 'retry',
    failureType: 'transient_error',
    message: (c) =>
      `The connection to the Microsoft login host ${c.authorityHost ?? ''} kept failing (${c.code ?? 'network error'})${tries(c)}. Check that outbound HTTPS to it is allowed (proxy, firewall); the sync can be retried.`,
  },
  {
    id: 'network-login-host',
    matches: (o) => o.kind === 'network' && o.host === 'login',
    action: 'fail',
    failureType: 'transient_error',
    message: (c) =>
      `Could not reach the Microsoft login host ${c.authorityHost ?? ''} (${c.code ?? 'network error'}). Check that outbound HTTPS to it is allowed (proxy, firewall, DNS); the sync can be retried.`,
  },
  {
    id: 'network-graph-retryable',
    matches: (o) => o.kind === 'network' && o.host === 'graph' && TRANSIENT_NETWORK.has(o.code ?? ''),
    action: 'retry',
    failureType: 'transient_error',
    message: (c) =>
      `Could not get a complete answer from Microsoft Graph for ${req(c)} (${c.code})${tries(c)}. The connection was cut, timed out or returned an incomplete body; the sync can be retried. If it keeps happening, check the network path (proxy, firewall) to ${c.graphRoot ?? 'Graph'}.`,
  },
  {
    id: 'network-graph-other',
    matches: (o) => o.kind === 'network',
    action: 'fail',
    failureType: 'transient_error',
    message: (c) =>
      `The request ${req(c)} to Microsoft Graph failed (${c.code ?? 'network error'}). Check the network path (proxy, firewall) to ${c.graphRoot ?? 'Graph'}; the sync can be retried.`,
  },
  // --- Paging -------------------------------------------------------------------------------
  {
    id: 'nextlink-loop',
    matches: (o) => o.kind === 'nextlink_loop',
    action: 'fail',
    // Not the user's config and not the connector's logic: Graph's paging misbehaved; a later run usually pages normally.
    failureType: 'transient_error',
    message: (c) =>
      `Microsoft Graph returned a next-page link it had already returned while paging ${req(c)}, so the connector stopped instead of looping forever. Run the sync again; if it repeats, report it to Microsoft support with this message.`,
  },
  {
    id: 'foreign-link',
    matches: (o) => o.kind === 'foreign_link',
    action: 'fail',
    // The usual source is a saved state edited by hand or copied from another cloud's connection.
    failureType: 'config_error',
    message: (c) =>
      `A link to follow (${c.request ?? 'unknown'}) is not on the configured Microsoft Graph endpoint ${c.graphRoot ?? ''}, so the connector refused to send its access token there. If it came from a saved state, reset this stream's state (the state may belong to a connection to another cloud).`,
  },
];

/** The row that decides an outcome (the table ends with catch-alls, so there always is one). */
export function decide(outcome: Outcome, context: MessageContext = {}): Decision {
  const row = ERROR_POLICY.find((candidate) => candidate.matches(outcome));
  if (!row) {
    return {
      row: 'none',
      action: 'fail',
      failureType: 'system_error',
      message: `Unclassified failure (${JSON.stringify(outcome)}). Please report it.`,
    };
  }
  // The outcome's own status and code fill in what the caller's context leaves out.
  const facts: MessageContext = { ...context };
  if (outcome.kind === 'http') {
    facts.status ??= outcome.status;
    facts.code ??= outcome.code;
  } else if (outcome.kind === 'network') facts.code ??= outcome.code;
  else if (outcome.kind === 'proxy') {
    facts.code ??= proxyCode(outcome);
    facts.proxy ??= outcome.proxy;
    facts.proxyVariable ??= outcome.variable;
    facts.proxyTarget ??= outcome.host;
  } else if (outcome.kind === 'token') facts.code ??= outcome.aadsts ? `AADSTS${outcome.aadsts}` : (outcome.error ?? outcome.msalCode);
  return { row: row.id, action: row.action, failureType: row.failureType, message: row.message(facts) };
}
