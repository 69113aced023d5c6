// The emulator's Entra ID side: token endpoint (secret and certificate assertion), AADSTS errors, OIDC metadata, bearer checks.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.js';
import { base64url, decodeJwt, signJwt } from '../emulator/jwt.js';
import { startMiniEmulator } from '../emulator/mini-tenant.js';
import { fetchToken, httpGet, httpPost, tokenForm } from '../emulator/test-client.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('emulator token endpoint and bearer validation', () => {
  let emulator: Emulator;
  const tokenUrl = (tenant: string) => `${emulator.url}/${tenant}/oauth2/v2.0/token`;
  const post = (tenant: string, fields: Record<string, string>) => httpPost(tokenUrl(tenant), tokenForm(fields), FORM);

  before(async () => {
    // Tokens of 10 minutes: none expires while a test uses it, however loaded the machine; the expiry test moves the clock.
    emulator = await startMiniEmulator({}, { tokenLifetimeSeconds: 600, permissions: ['User.Read.All', 'Organization.Read.All'] });
  });
  after(() => emulator.stop());

  it('issues a signed app token with tid, appid, roles, idtyp, appidacr and the configured lifetime', async () => {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const answer = await post(tenantId, { client_id: clientId, client_secret: clientSecret });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 600);
    const { payload } = decodeJwt(answer.body.access_token)!;
    assert.equal(payload.tid, tenantId);
    assert.equal(payload.appid, clientId);
    assert.deepEqual(payload.roles, ['User.Read.All', 'Organization.Read.All']);
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.appidacr, '1');
    assert.equal(payload.aud, 'https://graph.microsoft.com');
    assert.equal((payload.exp as number) - (payload.iat as number), 600);
    assert.equal(emulator.metrics().tokensIssued, 1);
  });

  it('answers by the default domain too, and omits roles when nothing is consented', async () => {
    const { clientId, clientSecret } = emulator.credentials;
    emulator.setPermissions([]);
    const answer = await post(emulator.tenant.defaultDomain, { client_id: clientId, client_secret: clientSecret });
    emulator.setPermissions(['User.Read.All', 'Organization.Read.All']);
    assert.equal(answer.status, 200);
    assert.equal(decodeJwt(answer.body.access_token)!.payload.roles, undefined);
  });

  const aadsts = async (answer: Awaited<ReturnType<typeof post>>, status: number, error: string, code: number) => {
    assert.equal(answer.status, status, answer.text);
    assert.equal(answer.body.error, error);
    assert.deepEqual(answer.body.error_codes, [code]);
    assert.match(
      answer.body.error_description,
      new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: `, 's'),
    );
    assert.ok(answer.body.trace_id && answer.body.correlation_id && answer.body.timestamp);
  };

  it('gives each AADSTS error its real status and body', async () => {
    const { tenantId, clientId, clientSecret, expiredClientSecret } = emulator.credentials;
    await aadsts(await post(tenantId, { client_id: clientId, client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    await aadsts(await post(tenantId, { client_id: clientId, client_secret: expiredClientSecret }), 401, 'invalid_client', 7000222);
    await aadsts(
      await post(tenantId, { client_id: '11111111-2222-3333-4444-555555555555', client_secret: clientSecret }),
      400,
      'unauthorized_client',
      700016,
    );
    await aadsts(
      await post('99999999-9999-4999-8999-999999999999', { client_id: clientId, client_secret: clientSecret }),
      400,
      'invalid_tenant',
      90002,
    );
    await aadsts(await post('fabrikam.example', { client_id: clientId, client_secret: clientSecret }), 400, 'invalid_tenant', 90002);
    await aadsts(await post('not_a_tenant!', { client_id: clientId, client_secret: clientSecret }), 400, 'invalid_request', 900023);
    await aadsts(
      await post(tenantId, { client_id: clientId, client_secret: clientSecret, scope: 'User.Read' }),
      400,
      'invalid_scope',
      70011,
    );
  });

  it('fails the OIDC metadata of an unknown tenant with 400 invalid_tenant and serves the known one', async () => {
    const unknown = await httpGet(`${emulator.url}/99999999-9999-4999-8999-999999999999/v2.0/.well-known/openid-configuration`);
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.error_codes, [90002]);
    const known = await httpGet(`${emulator.url}/${emulator.tenant.defaultDomain}/v2.0/.well-known/openid-configuration`);
    assert.equal(known.body.token_endpoint, `${emulator.url}/${emulator.tenant.tenantId}/oauth2/v2.0/token`);
    assert.equal(known.body.issuer, `${emulator.url}/${emulator.tenant.tenantId}/v2.0`);
    const discovery = await httpGet(`${emulator.url}/common/discovery/instance?api-version=1.1`);
    assert.deepEqual(discovery.body.metadata[0].aliases, [new URL(emulator.url).host]);
  });

  const assertion = (alg: 'RS256' | 'PS256', overrides: Record<string, unknown> = {}, headerOverrides: Record<string, unknown> = {}) => {
    const { clientId, clientCertificate } = emulator.credentials;
    const der = new X509Certificate(readFileSync(clientCertificate.certificatePath)).raw;
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { alg, typ: 'JWT', 'x5t#S256': base64url(createHash('sha256').update(der).digest()), ...headerOverrides },
      { aud: tokenUrl(emulator.tenant.tenantId), iss: clientId, sub: clientId, jti: 'j1', nbf: now, exp: now + 600, ...overrides },
      createPrivateKey(readFileSync(clientCertificate.privateKeyPath)),
    );
  };
  const withAssertion = (jwt: string) =>
    post(emulator.tenant.tenantId, {
      client_id: emulator.credentials.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    });

  it('accepts RS256 and PS256 client assertions signed by the registered certificate (appidacr 2)', async () => {
    for (const alg of ['RS256', 'PS256'] as const) {
      const answer = await withAssertion(assertion(alg));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(decodeJwt(answer.body.access_token)!.payload.appidacr, '2');
    }
  });

  it('refuses assertions with a wrong audience, issuer, thumbprint, signature or lifetime', async () => {
    const codes = async (jwt: string) => (await withAssertion(jwt)).body.error_codes?.[0];
    assert.equal(await codes(assertion('PS256', { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' })), 700212);
    assert.equal(await codes(assertion('PS256', { iss: 'someone-else' })), 700021);
    assert.equal(await codes(assertion('RS256', {}, { 'x5t#S256': base64url('not the thumbprint') })), 700027);
    assert.equal(await codes(assertion('RS256', { exp: Math.floor(Date.now() / 1000) - 10 })), 700024);
    const valid = assertion('RS256');
    const forged = `${valid.slice(0, valid.lastIndexOf('.'))}.${base64url('x'.repeat(256))}`;
    assert.equal(await codes(forged), 700027);
  });

  it('answers Graph with 401 InvalidAuthenticationToken for a missing, forged or expired token', async () => {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const users = `${emulator.url}/v1.0/users`;
    const missing = await httpGet(users);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'InvalidAuthenticationToken');
    const token = await fetchToken(emulator.url, tenantId, clientId, clientSecret);
    assert.equal((await httpGet(users, { authorization: `Bearer ${token}` })).status, 200);
    const [h, p] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${base64url(JSON.stringify({ ...claims, roles: ['Directory.Read.All'] }))}.${token.split('.')[2]}`;
    assert.equal((await httpGet(users, { authorization: `Bearer ${forged}` })).status, 401);
    // Ten minutes later (the emulator's token clock moved, nobody waits): the same token has expired.
    emulator.advanceTokenClock(600);
    const expired = await httpGet(users, { authorization: `Bearer ${token}` });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
  });

  it('answers 403 Authorization_RequestDenied when the token lacks the endpoint permission', async () => {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const token = await fetchToken(emulator.url, tenantId, clientId, clientSecret);
    const auth = { authorization: `Bearer ${token}` };
    for (const path of ['/servicePrincipals', '/auditLogs/signIns', `/groups/${emulator.tenant.groups[0]!.id}/members`]) {
      const answer = await httpGet(`${emulator.url}/v1.0${path}`, auth);
      assert.equal(answer.status, 403, path);
      assert.equal(answer.body.error.code, 'Authorization_RequestDenied');
    }
    assert.equal((await httpGet(`${emulator.url}/v1.0/organization`, auth)).status, 200);
  });

  it('records whether the client secret ever reached a Graph endpoint', async () => {
    emulator.resetMetrics();
    await httpGet(`${emulator.url}/v1.0/users`);
    assert.equal(emulator.metrics().secretSeenByGraph, false);
    await httpGet(`${emulator.url}/v1.0/users?x=${encodeURIComponent(emulator.credentials.clientSecret)}`);
    assert.equal(emulator.metrics().secretSeenByGraph, true);
  });
});
