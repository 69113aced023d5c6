// The error policy table, row by row: every row is reached by an outcome and gives its action, failure_type and message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, ERROR_POLICY, type Outcome } from '../../source-azure-client-credentials/graph/error-policy.js';

const context = {
  request: 'GET /users?$top=999',
  clientId: '11111111-2222-3333-4444-555555555555',
  cloud: 'global',
  authorityHost: 'https://login.microsoftonline.com',
  graphRoot: 'https://graph.microsoft.com',
};

type Case = { outcome: Outcome; row: string; action: string; failureType: string; mentions: RegExp[]; extra?: Record<string, unknown> };

const cases: Case[] = [
  {
    outcome: { kind: 'http', status: 429, code: 'TooManyRequests' },
    row: 'http-429-throttled',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/429/, /GET \/users/, /max_concurrent_requests/],
  },
  {
    outcome: { kind: 'http', status: 503 },
    row: 'http-5xx-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/HTTP 503/, /temporary/],
  },
  { outcome: { kind: 'http', status: 500 }, row: 'http-5xx-retryable', action: 'retry', failureType: 'transient_error', mentions: [/500/] },
  { outcome: { kind: 'http', status: 502 }, row: 'http-5xx-retryable', action: 'retry', failureType: 'transient_error', mentions: [/502/] },
  { outcome: { kind: 'http', status: 504 }, row: 'http-5xx-retryable', action: 'retry', failureType: 'transient_error', mentions: [/504/] },
  {
    outcome: { kind: 'http', status: 401, code: 'InvalidAuthenticationToken' },
    row: 'http-401-token-rejected',
    action: 'reauthenticate',
    failureType: 'config_error',
    mentions: [/fresh token/, /tenant_id/, /cloud/],
  },
  {
    outcome: { kind: 'http', status: 403, code: 'Authorization_RequestDenied' },
    row: 'http-403-permission',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/GET \/users/, /application permission/, /Grant admin consent/],
  },
  {
    outcome: { kind: 'http', status: 403, code: 'authorization_requestdenied' },
    row: 'http-403-permission',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/admin consent/],
  },
  {
    outcome: { kind: 'http', status: 403, code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant' },
    row: 'http-403-no-premium',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/P1 or P2/],
  },
  {
    outcome: { kind: 'http', status: 403, code: 'Forbidden' },
    row: 'http-403-other',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/403 Forbidden/],
  },
  {
    outcome: { kind: 'http', status: 404, code: 'Request_ResourceNotFound' },
    row: 'http-404-deleted',
    action: 'skip',
    failureType: 'transient_error',
    mentions: [/deleted/],
  },
  { outcome: { kind: 'http', status: 410 }, row: 'http-410-resync', action: 'fail', failureType: 'transient_error', mentions: [/7 days/] },
  {
    outcome: { kind: 'http', status: 400, code: 'syncStateNotFound' },
    row: 'http-410-resync',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/change-tracking/],
  },
  {
    outcome: { kind: 'http', status: 400, code: 'Request_UnsupportedQuery' },
    row: 'http-400-bad-request',
    action: 'fail',
    failureType: 'system_error',
    mentions: [/Request_UnsupportedQuery/, /report/],
    extra: { status: 400, code: 'Request_UnsupportedQuery' },
  },
  {
    // Graph's answer to a $select name the type lacks; whether the config named it is diagnosis.ts's to say.
    outcome: {
      kind: 'http',
      status: 400,
      code: 'Request_BadRequest',
      detail: "Could not find a property named 'extension_0123456789abcdef0123456789abcdef_x' on type 'microsoft.graph.user'.",
    },
    row: 'http-400-unknown-property',
    action: 'fail',
    failureType: 'system_error',
    mentions: [/does not know the property 'extension_0123456789abcdef0123456789abcdef_x'/, /400 Request_BadRequest/, /report/],
    extra: {
      status: 400,
      code: 'Request_BadRequest',
      detail:
        "Could not find a property named 'extension_0123456789abcdef0123456789abcdef_x' on type 'microsoft.graph.user'.; request-id 1",
    },
  },
  {
    // Another 400 Request_BadRequest (no property named) stays the generic defect.
    outcome: { kind: 'http', status: 400, code: 'Request_BadRequest', detail: "Invalid page size specified: '1000'." },
    row: 'http-400-bad-request',
    action: 'fail',
    failureType: 'system_error',
    mentions: [/Request_BadRequest/],
  },
  {
    outcome: { kind: 'http', status: 404, code: 'UnknownError' },
    row: 'http-other-4xx',
    action: 'fail',
    failureType: 'system_error',
    mentions: [/404 UnknownError/],
    extra: { status: 404, code: 'UnknownError' },
  },
  {
    outcome: { kind: 'http', status: 501, code: 'NotImplemented' },
    row: 'http-other-5xx',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/501/],
    extra: { status: 501, code: 'NotImplemented' },
  },
  {
    outcome: { kind: 'http', status: 302 },
    row: 'http-unexpected',
    action: 'fail',
    failureType: 'system_error',
    mentions: [/302/],
    extra: { status: 302 },
  },
  {
    outcome: { kind: 'token', aadsts: 7000215, error: 'invalid_client' },
    row: 'token-7000215-wrong-secret',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/AADSTS7000215/, /Secret ID/, /Value/, /Certificates & secrets/],
  },
  {
    outcome: { kind: 'token', aadsts: 7000215 },
    row: 'token-7000215-wrong-secret',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/looks like the secret's "Secret ID" \(a GUID\)/],
    extra: { secretLooksLikeId: true },
  },
  {
    outcome: { kind: 'token', aadsts: 7000222, error: 'invalid_client' },
    row: 'token-7000222-secret-expired',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/expired/, /New client secret/],
  },
  {
    outcome: { kind: 'token', aadsts: 700027, error: 'invalid_client' },
    row: 'token-700027-certificate-unknown',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/AADSTS700027/, /thumbprint ABCDEF0123/, /Upload certificate/],
    extra: { authType: 'certificate', certificateThumbprint: 'ABCDEF0123' },
  },
  {
    outcome: { kind: 'token', aadsts: 700024, error: 'invalid_client' },
    row: 'token-700024-assertion-time',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/AADSTS700024/, /clock/],
  },
  {
    outcome: { kind: 'token', aadsts: 700016, error: 'unauthorized_client' },
    row: 'token-700016-app-not-found',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/11111111-2222-3333-4444-555555555555/, /tenant_id/],
  },
  {
    outcome: { kind: 'token', aadsts: 90002, error: 'invalid_tenant' },
    row: 'token-90002-tenant-not-found',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/not found in the global cloud/, /cloud setting/],
  },
  {
    outcome: { kind: 'token', aadsts: 900023, error: 'invalid_request' },
    row: 'token-900023-bad-tenant',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/not a valid tenant identifier/, /GUID/],
  },
  {
    outcome: { kind: 'token', aadsts: 70011, error: 'invalid_scope' },
    row: 'token-70011-scope',
    action: 'fail',
    failureType: 'system_error',
    mentions: [/scope/],
  },
  {
    outcome: { kind: 'token', error: 'invalid_instance' },
    row: 'token-50049-unknown-authority',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/cloud setting/],
  },
  {
    outcome: { kind: 'token', msalCode: 'endpoints_resolution_error' },
    row: 'token-endpoints-resolution',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/does not exist/, /cannot be reached/, /login\.microsoftonline\.com/],
  },
  {
    outcome: { kind: 'token', error: 'temporarily_unavailable' },
    row: 'token-server-error',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/temporary/],
  },
  {
    outcome: { kind: 'token', aadsts: 12345, error: 'invalid_request' },
    row: 'token-other',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/AADSTS12345/],
    extra: { code: 'AADSTS12345' },
  },
  {
    outcome: { kind: 'network', code: 'SELF_SIGNED_CERT_IN_CHAIN', host: 'graph' },
    row: 'network-tls',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/NODE_EXTRA_CA_CERTS/],
    extra: { code: 'SELF_SIGNED_CERT_IN_CHAIN' },
  },
  {
    outcome: { kind: 'network', code: 'ECONNRESET', host: 'login' },
    row: 'network-login-host-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/ECONNRESET/, /login host/],
    extra: { code: 'ECONNRESET' },
  },
  {
    outcome: { kind: 'network', code: 'ENOTFOUND', host: 'login' },
    row: 'network-login-host',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/ENOTFOUND/, /login host/],
    extra: { code: 'ENOTFOUND' },
  },
  {
    outcome: { kind: 'network', code: 'ECONNRESET', host: 'graph' },
    row: 'network-graph-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/ECONNRESET/, /after 4 attempts/],
    extra: { code: 'ECONNRESET', attempts: 4, waitedMs: 9000 },
  },
  {
    outcome: { kind: 'network', code: 'ETIMEDOUT', host: 'graph' },
    row: 'network-graph-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/ETIMEDOUT/],
    extra: { code: 'ETIMEDOUT' },
  },
  {
    outcome: { kind: 'network', code: 'EPIPE', host: 'graph' },
    row: 'network-graph-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/EPIPE/],
    extra: { code: 'EPIPE' },
  },
  {
    outcome: { kind: 'network', code: 'ERR_BODY_PARSE_FAILURE', host: 'graph' },
    row: 'network-graph-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/incomplete body/],
    extra: { code: 'ERR_BODY_PARSE_FAILURE' },
  },
  {
    outcome: { kind: 'network', code: 'ERR_SOMETHING', host: 'graph' },
    row: 'network-graph-other',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/ERR_SOMETHING/],
    extra: { code: 'ERR_SOMETHING' },
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY', status: 407, host: 'login' },
    row: 'proxy-407-credentials',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/proxy http:\/\/proxy\.corp:3128/, /407/, /login\.microsoftonline\.com/, /user:password@host:port/, /NO_PROXY/],
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY', status: 502, host: 'graph' },
    row: 'proxy-connect-5xx',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/proxy http:\/\/proxy\.corp:3128/, /CONNECT with 502/, /graph\.microsoft\.com/, /after 3 attempts/, /allowedHosts/],
    extra: { attempts: 3, waitedMs: 3000 },
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'https_proxy', status: 403, host: 'graph' },
    row: 'proxy-connect-refused',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [
      /refused to open a connection to graph\.microsoft\.com/,
      /CONNECT with 403/,
      /named by https_proxy/,
      /NO_PROXY/,
      /allowedHosts/,
    ],
  },
  {
    outcome: { kind: 'proxy', proxy: 'https://proxy.corp:443', variable: 'HTTPS_PROXY', code: 'SELF_SIGNED_CERT_IN_CHAIN', host: 'login' },
    row: 'proxy-tls',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/TLS certificate of the proxy https:\/\/proxy\.corp:443/, /NODE_EXTRA_CA_CERTS/],
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY', code: 'ECONNREFUSED', host: 'login' },
    row: 'proxy-unreachable',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/Could not connect to the proxy http:\/\/proxy\.corp:3128 \(ECONNREFUSED\)/, /NO_PROXY/],
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY', code: 'ENOTFOUND', host: 'graph' },
    row: 'proxy-unreachable',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/ENOTFOUND/],
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY', code: 'ECONNRESET', host: 'graph' },
    row: 'proxy-cut-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/closed or did not answer/, /ECONNRESET/, /allowedHosts/],
  },
  {
    outcome: { kind: 'proxy', proxy: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY', code: 'ETIMEDOUT', host: 'login' },
    row: 'proxy-cut-retryable',
    action: 'retry',
    failureType: 'transient_error',
    mentions: [/ETIMEDOUT/],
  },
  {
    outcome: { kind: 'nextlink_loop' },
    row: 'nextlink-loop',
    action: 'fail',
    failureType: 'transient_error',
    mentions: [/already returned/, /GET \/users/],
  },
  {
    outcome: { kind: 'foreign_link' },
    row: 'foreign-link',
    action: 'fail',
    failureType: 'config_error',
    mentions: [/refused to send its access token/, /reset this stream's state/],
  },
];

for (const c of cases) {
  test(`policy ${c.row}: ${JSON.stringify(c.outcome)}`, () => {
    const decision = decide(c.outcome, { ...context, ...c.extra });
    assert.equal(decision.row, c.row);
    assert.equal(decision.action, c.action);
    assert.equal(decision.failureType, c.failureType);
    for (const pattern of c.mentions) assert.match(decision.message, pattern);
  });
}

test('every row of the table is exercised by a case above', () => {
  const covered = new Set(cases.map((c) => c.row));
  assert.deepEqual(
    ERROR_POLICY.map((row) => row.id).filter((id) => !covered.has(id)),
    [],
  );
});

test('row ids are unique', () => {
  const ids = ERROR_POLICY.map((row) => row.id);
  assert.equal(new Set(ids).size, ids.length);
});

// What is retried, written out here rather than read from the connector: the statuses Microsoft asks clients to
// retry (https://learn.microsoft.com/graph/best-practices-concept#handling-expected-errors), and the socket and
// body failures that a second attempt can cure. The login host retries only failures of a request already sent.
const RETRIED_STATUSES = [429, 500, 502, 503, 504];
const RETRIED_GRAPH_CODES = [
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
];
const RETRIED_LOGIN_CODES = ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_BODY_PARSE_FAILURE'];
/** Codes no host retries: certificates, a proxy's own refusal, and anything unknown. */
const NEVER_RETRIED_CODES = ['SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SOMETHING', 'EACCES'];

test('the table retries exactly these statuses and network codes (the only filter: got retries what the table says)', () => {
  for (let status = 100; status < 600; status++) {
    assert.equal(decide({ kind: 'http', status }).action === 'retry', RETRIED_STATUSES.includes(status), `status ${status}`);
  }
  for (const code of [...RETRIED_GRAPH_CODES, ...NEVER_RETRIED_CODES]) {
    assert.equal(decide({ kind: 'network', code, host: 'graph' }).action === 'retry', RETRIED_GRAPH_CODES.includes(code), `graph ${code}`);
    assert.equal(decide({ kind: 'network', code, host: 'login' }).action === 'retry', RETRIED_LOGIN_CODES.includes(code), `login ${code}`);
  }
});

test('a 4xx other than 429 is never retried', () => {
  for (let status = 400; status < 500; status++) {
    if (status === 429) continue;
    for (const code of [undefined, 'Request_ResourceNotFound', 'Authorization_RequestDenied', 'BadRequest']) {
      assert.notEqual(decide({ kind: 'http', status, code }).action, 'retry', `${status} ${code}`);
    }
  }
});

test('messages never contain the tenant id value', () => {
  const tenant = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';
  for (const c of cases)
    assert.ok(!decide(c.outcome, { ...context, ...c.extra, tenantId: tenant } as never).message.includes(tenant), c.row);
});
