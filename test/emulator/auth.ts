// Entra ID as msal-node sees it: OIDC metadata, instance discovery, the v2.0 token endpoint
// (client_credentials with a secret or a client assertion) and validation of the access tokens it issues.
// Flow: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
import { createHash, randomUUID } from 'node:crypto';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.js';
import { aadstsError, graphError, jsonReply, type Reply } from './reply.js';
import type { EmulatorState } from './state.js';
import type { TokenRequestRecord } from './types.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The cloud whose Graph a token is for, as the connector's `cloud` option names them. */
export type GraphCloud = 'global' | 'us_government_l4' | 'us_government_l5' | 'china';

/**
 * Graph resource identifiers a token may be issued for (every cloud's root and Graph's app id), and the
 * cloud each belongs to (https://learn.microsoft.com/graph/deployments). The emulator serves every cloud
 * from one origin, so a request's cloud is its token's audience.
 */
const CLOUD_OF_RESOURCE: Readonly<Record<string, GraphCloud>> = {
  'https://graph.microsoft.com': 'global',
  'https://graph.microsoft.us': 'us_government_l4',
  'https://dod-graph.microsoft.us': 'us_government_l5',
  'https://microsoftgraph.chinacloudapi.cn': 'china',
  '00000003-0000-0000-c000-000000000000': 'global',
};
const GRAPH_RESOURCES = Object.keys(CLOUD_OF_RESOURCE);

type TenantCheck = 'ok' | 'unknown' | 'malformed';

/** The tenant answers by its id and by every verified domain (the default one included). */
export function checkTenant(state: EmulatorState, segment: string): TenantCheck {
  if (GUID.test(segment)) return segment.toLowerCase() === state.tenant.tenantId.toLowerCase() ? 'ok' : 'unknown';
  if (!DOMAIN.test(segment)) return /^(common|organizations|consumers)$/i.test(segment) ? 'unknown' : 'malformed';
  const domains = ((state.tenant.organization.verifiedDomains as { name?: string }[] | undefined) ?? []).map((d) =>
    String(d.name).toLowerCase(),
  );
  domains.push(state.tenant.defaultDomain.toLowerCase());
  return domains.includes(segment.toLowerCase()) ? 'ok' : 'unknown';
}

function tenantError(check: TenantCheck, segment: string): Reply {
  return check === 'malformed'
    ? aadstsError(
        400,
        'invalid_request',
        900023,
        `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
      )
    : aadstsError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
}

/** GET /{tenant}/v2.0/.well-known/openid-configuration: an unknown tenant fails here already (msal's endpoints_resolution_error). */
export function openIdConfiguration(state: EmulatorState, segment: string): Reply {
  const check = checkTenant(state, segment);
  if (check !== 'ok') return tenantError(check, segment);
  const base = `${state.url}/${state.tenant.tenantId}`;
  return jsonReply(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.url}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(state.url).host,
    cloud_graph_host_name: new URL(state.url).host,
    msgraph_host: new URL(state.url).host,
  });
}

/** GET /common/discovery/instance: this host is its own (only) alias. */
export function instanceDiscovery(state: EmulatorState, params: URLSearchParams): Reply {
  const host = new URL(state.url).host;
  const authorize = params.get('authorization_endpoint') ?? `${state.url}/${state.tenant.tenantId}/oauth2/v2.0/authorize`;
  const tenant = /^https:\/\/[^/]+\/([^/]+)/.exec(authorize)?.[1] ?? state.tenant.tenantId;
  return jsonReply(200, {
    tenant_discovery_endpoint: `${state.url}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

/** GET /{tenant}/discovery/v2.0/keys: the public key access tokens are signed with. */
export function jwks(state: EmulatorState): Reply {
  const jwk = state.signingKey.publicKey.export({ format: 'jwk' });
  return jsonReply(200, { keys: [{ kty: 'RSA', use: 'sig', kid: state.signingKey.kid, x5t: state.signingKey.kid, n: jwk.n, e: jwk.e }] });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** The access tokens' clock: the wall clock plus what tests advanced it by. */
const accessTokenSeconds = (state: EmulatorState) => Math.floor((Date.now() + state.accessTokenClockOffsetMs) / 1000);

function issueAccessToken(state: EmulatorState, resource: string, appidacr: '1' | '2'): string {
  const iat = accessTokenSeconds(state);
  const { tenantId } = state.tenant;
  const payload: Record<string, unknown> = {
    aud: resource,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat,
    nbf: iat,
    exp: iat + state.tokenLifetimeSeconds,
    aio: randomUUID(),
    app_displayname: 'source-azure-client-credentials (emulator test app)',
    appid: state.credentials.clientId,
    appidacr,
    idp: `https://sts.windows.net/${tenantId}/`,
    idtyp: 'app',
    oid: state.appObjectId,
    rh: '0.emulator.',
    sub: state.appObjectId,
    tid: tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '1.0',
  };
  // `roles` is absent when no application permission has admin consent.
  if (state.permissions.length) payload.roles = [...state.permissions];
  return signJwt({ typ: 'JWT', alg: 'RS256', x5t: state.signingKey.kid, kid: state.signingKey.kid }, payload, state.signingKey.privateKey);
}

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Checks a client assertion (private_key_jwt): signature by the registered certificate, thumbprint, aud, iss/sub, lifetime. */
function checkAssertion(state: EmulatorState, assertion: string, tokenEndpoints: string[]): Reply | undefined {
  const { clientId } = state.credentials;
  const invalid = (code: number, text: string) => aadstsError(401, 'invalid_client', code, text);
  const jwt = decodeJwt(assertion);
  if (!jwt) return aadstsError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
  const { header, payload } = jwt;
  const known = header['x5t#S256'] === state.clientThumbprints.sha256 || header.x5t === state.clientThumbprints.sha1;
  if (!known) {
    return invalid(
      700027,
      `Client assertion failed signature validation. (Reason - The key was not found., Thumbprint of key used by client: '${String(header['x5t#S256'] ?? header.x5t ?? '')}'.)`,
    );
  }
  // x5c (subject name + issuer authentication): its first certificate must be the registered one.
  if (header.x5c !== undefined) {
    const first = Array.isArray(header.x5c) && typeof header.x5c[0] === 'string' ? Buffer.from(header.x5c[0], 'base64') : Buffer.alloc(0);
    if (createHash('sha256').update(first).digest('base64url') !== state.clientThumbprints.sha256) {
      return invalid(
        700027,
        'Client assertion failed signature validation. (Reason - The certificate in the x5c header is not the registered certificate.)',
      );
    }
  }
  if (!verifyJwtSignature(jwt, state.clientCertificateKey)) {
    return invalid(
      700027,
      'Client assertion failed signature validation. (Reason - The provided signature value did not match the expected signature value.)',
    );
  }
  if (payload.iss !== clientId || payload.sub !== clientId) {
    return invalid(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
  }
  if (typeof payload.aud !== 'string' || !tokenEndpoints.includes(payload.aud)) {
    return invalid(700212, `No matching federated identity record found for presented assertion audience '${String(payload.aud)}'.`);
  }
  const now = nowSeconds();
  if (typeof payload.exp !== 'number' || payload.exp < now || (typeof payload.nbf === 'number' && payload.nbf > now + 300)) {
    return invalid(700024, 'Client assertion is not within its valid time range.');
  }
  return undefined;
}

/** What a token request asked for (never the secret or the assertion itself), for tests to assert on. */
export function describeTokenRequest(host: string, tenant: string, form: URLSearchParams): TokenRequestRecord {
  const assertion = form.get('client_assertion');
  const header = assertion === null ? undefined : decodeJwt(assertion)?.header;
  return {
    host,
    tenant,
    scope: form.get('scope'),
    clientAuth: form.get('client_secret') !== null ? 'client_secret' : assertion !== null ? 'client_assertion' : 'none',
    ...(assertion !== null ? { assertion: { alg: header?.alg, x5tS256: header?.['x5t#S256'], x5c: header?.x5c !== undefined } } : {}),
  };
}

/** POST /{tenant}/oauth2/v2.0/token with a form body. */
export function tokenEndpoint(state: EmulatorState, segment: string, form: URLSearchParams): Reply {
  const check = checkTenant(state, segment);
  if (check !== 'ok') return tenantError(check, segment);
  const missing = (name: string) =>
    aadstsError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
  const grantType = form.get('grant_type');
  if (!grantType) return missing('grant_type');
  if (grantType !== 'client_credentials') {
    return aadstsError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
  const clientId = form.get('client_id');
  if (!clientId) return missing('client_id');
  if (clientId.toLowerCase() !== state.credentials.clientId) {
    return aadstsError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${String(state.tenant.organization.displayName ?? state.tenant.defaultDomain)}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const scope = form.get('scope');
  if (!scope) return missing('scope');
  const scopes = scope.split(/\s+/).filter((s) => !/^(openid|profile|offline_access)$/.test(s));
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
    return aadstsError(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    );
  }
  const resource = scopes[0]!.slice(0, -'/.default'.length);
  if (!GRAPH_RESOURCES.includes(resource) && resource !== state.url) {
    return aadstsError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${state.tenant.defaultDomain}.`,
    );
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  let appidacr: '1' | '2';
  if (secret !== null) {
    if (secret === state.credentials.expiredClientSecret) {
      return aadstsError(
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      );
    }
    if (secret !== state.credentials.clientSecret) {
      return aadstsError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
    appidacr = '1';
  } else if (assertion !== null) {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      return aadstsError(400, 'invalid_request', 50027, `Invalid client_assertion_type; expected ${CLIENT_ASSERTION_TYPE}.`);
    }
    // The audience is the token endpoint the client called, by tenant id or by the domain it used.
    const endpoints = [...new Set([segment, state.tenant.tenantId])].map((t) => `${state.url}/${t}/oauth2/v2.0/token`);
    const failure = checkAssertion(state, assertion, endpoints);
    if (failure) return failure;
    appidacr = '2';
  } else {
    return aadstsError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  state.metrics.tokensIssued += 1;
  const accessToken = issueAccessToken(state, resource, appidacr);
  state.metrics.accessTokens.push(accessToken);
  return jsonReply(200, {
    token_type: 'Bearer',
    expires_in: state.tokenLifetimeSeconds,
    ext_expires_in: state.tokenLifetimeSeconds,
    access_token: accessToken,
  });
}

export interface Caller {
  roles: Set<string>;
  /** The cloud of the token's audience (a token for the emulator's own URL counts as global). */
  cloud: GraphCloud;
}

/**
 * Validates "Authorization: Bearer <jwt>" on a Graph request: present, signed by this emulator, for Graph,
 * for this tenant, not expired. Anything else is 401 InvalidAuthenticationToken.
 * https://learn.microsoft.com/graph/errors#code-property
 */
export function authenticate(state: EmulatorState, authorization: string | undefined): Caller | Reply {
  const unauthorized = (message: string) =>
    graphError(401, 'InvalidAuthenticationToken', message, {
      'www-authenticate': `Bearer realm="", authorization_uri="${state.url}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    });
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return unauthorized('Access token is empty.');
  const jwt = decodeJwt(match[1]!);
  if (!jwt) return unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
  if (jwt.header.kid !== state.signingKey.kid || !verifyJwtSignature(jwt, state.signingKey.publicKey)) {
    return unauthorized('Access token validation failure. Invalid signature.');
  }
  const { payload } = jwt;
  if (!GRAPH_RESOURCES.includes(String(payload.aud)) && payload.aud !== state.url)
    return unauthorized('Access token validation failure. Invalid audience.');
  if (payload.tid !== state.tenant.tenantId) return unauthorized('Access token validation failure. Invalid tenant.');
  if (typeof payload.exp !== 'number' || payload.exp <= accessTokenSeconds(state))
    return unauthorized('Lifetime validation failed, the token is expired.');
  return {
    roles: new Set(Array.isArray(payload.roles) ? payload.roles.map(String) : []),
    cloud: CLOUD_OF_RESOURCE[String(payload.aud)] ?? 'global',
  };
}
