// Tokens against the emulator: roles claim, cache, renewal before expiry mid-sync, one skipCache re-acquisition after a 401, token errors by AADSTS code, no secret or token in any output.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { settleConfig } from '../../source-azure-client-credentials/config.js';
import { createGraphClient } from '../../source-azure-client-credentials/graph/client.js';
import { GraphRequestError } from '../../source-azure-client-credentials/graph/errors.js';
import { createLoginHttp } from '../../source-azure-client-credentials/graph/login-http.js';
import { DEFAULT_RETRY_POLICY } from '../../source-azure-client-credentials/graph/retry.js';
import { LoginNetwork, TokenSource } from '../../source-azure-client-credentials/graph/token.js';
import { certificateAuthorities, createTransport, DEFAULT_TIMEOUTS } from '../../source-azure-client-credentials/graph/transport.js';
import { startEmulator } from '../emulator/index.js';
import { runConnector } from '../support/connector.js';
import { captureLog, collect, FAST_RETRY, rejection, type Setup, SMALL, setup } from '../support/graph-helpers.js';

const JWT = /eyJ[\w-]{10,}\.[\w-]+/;

/** Every setup and error of this file, to check at the end that nothing printed a secret or a token. */
const opened: Setup[] = [];
const errors: GraphRequestError[] = [];
async function open(...args: Parameters<typeof setup>): Promise<Setup> {
  const s = await setup(...args);
  opened.push(s);
  return s;
}
async function failure(fn: () => Promise<unknown>): Promise<GraphRequestError> {
  const error = await rejection(fn);
  assert.ok(error instanceof GraphRequestError, String(error));
  errors.push(error);
  return error;
}

describe('tokens', () => {
  after(async () => {
    for (const s of opened) await s.close();
  });

  test('grantedRoles() is the roles claim; the token is fetched once and reused', async () => {
    const consented = ['AuditLog.Read.All', 'Organization.Read.All', 'User.Read.All'];
    const s = await open({ permissions: consented });
    assert.deepEqual([...(await s.graph.grantedRoles())].sort(), consented);
    for (let i = 0; i < 5; i++) await s.graph.get('/organization');
    await Promise.all([1, 2, 3].map(() => s.graph.get('/organization')));
    assert.equal(s.emulator.metrics().tokensIssued, 1);
  });

  test('no consented permission: grantedRoles() is []', async () => {
    const s = await open({ permissions: [] });
    assert.deepEqual(await s.graph.grantedRoles(), []);
  });

  test('short-lived tokens are renewed before they expire, mid-sync, without a 401', async () => {
    // 5-second tokens are renewed when 3 s old (a fifth of the lifetime plus a second early); Graph holds them valid
    // for at least 4 s (exp is in whole seconds), so a request may take up to a second to arrive, even on a loaded
    // machine. 30 pages of 120 ms each take at least 3.6 s: the read outlives its first token.
    const s = await open({ tokenLifetimeSeconds: 5, latencyMs: 120 });
    const pages = await collect(s.graph.pages<{ id: string }>('/users', { query: { $top: 2, $select: 'id' } }));
    assert.equal(pages.length, 30);
    assert.equal(pages.flatMap((p) => p.value).length, SMALL.users);
    const metrics = s.emulator.metrics();
    assert.ok(metrics.tokensIssued >= 2, `tokens issued: ${metrics.tokensIssued} over ${pages.length} pages`);
    assert.ok(metrics.tokensIssued < pages.length, 'a token is reused while fresh');
    assert.deepEqual(
      Object.keys(metrics.requests).filter((k) => k.includes('unauthenticated')),
      [],
    );
  });

  test('a 401 InvalidAuthenticationToken gets one new token (skipCache) and the request succeeds', async () => {
    // A frozen clock keeps the client believing its 60-second token is fresh, so Graph is the one to reject it once
    // the emulator's token clock has moved past the token's lifetime (no waiting).
    const frozen = Date.now();
    const s = await open({ tokenLifetimeSeconds: 60 }, {}, { tokenClock: () => frozen });
    await s.graph.get('/organization');
    s.emulator.advanceTokenClock(60);
    s.emulator.resetMetrics();
    s.graph.stats(true);
    const org = await s.graph.get<{ value: unknown[] }>('/organization');
    assert.equal(org.value.length, 1);
    const metrics = s.emulator.metrics();
    assert.equal(metrics.requests['GET /organization (unauthenticated)'], 1);
    assert.equal(metrics.requests['GET /organization'], 1);
    assert.equal(metrics.tokensIssued, 1);
    assert.equal(s.graph.stats().requests, 2);
  });

  test('a second 401 in a row is a config_error', async () => {
    // Tokens that are already expired when issued: the fresh token is rejected too.
    const s = await open({ tokenLifetimeSeconds: 0 });
    const error = await failure(() => s.graph.get('/organization'));
    assert.equal(error.status, 401);
    assert.equal(error.row, 'http-401-token-rejected');
    assert.equal(error.failureType, 'config_error');
    assert.match(error.message, /even after a fresh token/);
    assert.equal(s.emulator.metrics().requests['GET /organization (unauthenticated)'], 2);
  });

  test("renew() bypasses msal's cache; a token already replaced is not fetched again", async () => {
    const emulator = await startEmulator({ sizes: SMALL });
    try {
      const env = { ...emulator.env };
      const { http, agent } = createTransport({ ca: certificateAuthorities(env), timeouts: DEFAULT_TIMEOUTS, userAgent: 'test' });
      const lines: string[] = [];
      const tokens = new TokenSource({
        clientId: emulator.credentials.clientId,
        clientSecret: emulator.credentials.clientSecret,
        authority: `${emulator.url}/${emulator.credentials.tenantId}`,
        knownAuthority: new URL(emulator.url).host,
        scope: 'https://graph.microsoft.com/.default',
        network: new LoginNetwork(createLoginHttp(http, DEFAULT_RETRY_POLICY, captureLog(lines))),
        context: {},
      });
      const first = await tokens.get();
      assert.equal(await tokens.get(), first);
      const renewed = await tokens.renew(first);
      assert.notEqual(renewed, first);
      assert.equal(emulator.metrics().tokensIssued, 2, 'msal went to the token endpoint although its cached token was valid');
      assert.equal(await tokens.renew(first), renewed, 'a stale rejection does not fetch yet another token');
      assert.equal(emulator.metrics().tokensIssued, 2);
      agent.destroy();
    } finally {
      await emulator.stop();
    }
  });

  describe('token errors', () => {
    let s: Setup;
    const client = (overrides: Record<string, unknown>, env: Record<string, string> = {}) => {
      const config = settleConfig(s.emulator.config(overrides), { ...s.emulator.env, ...env });
      const graph = createGraphClient(config, { log: captureLog(s.lines), env: { ...s.emulator.env, ...env }, retry: FAST_RETRY });
      return graph;
    };
    before(async () => {
      s = await open();
    });

    test('wrong secret: AADSTS7000215 with the Secret ID hint', async () => {
      const error = await failure(() =>
        client({
          credentials: { auth_type: 'client_secret', client_secret: 'Abc8Q~wrong-secret-value-0123456789abcdefgh' },
        }).grantedRoles(),
      );
      assert.equal(error.row, 'token-7000215-wrong-secret');
      assert.equal(error.failureType, 'config_error');
      assert.match(error.message, /Secret ID/);
      // The same failure reached through a Graph request (the token is fetched before the first one) is not retried.
      const graph = client({ credentials: { auth_type: 'client_secret', client_secret: 'Abc8Q~wrong-secret-value-0123456789abcdefgh' } });
      const viaGet = await failure(() => graph.get('/organization'));
      assert.equal(viaGet.row, 'token-7000215-wrong-secret');
      assert.equal(graph.stats().requests, 0);
    });

    test('a GUID pasted as the secret: the message says it looks like the Secret ID', async () => {
      const error = await failure(() =>
        client({ credentials: { auth_type: 'client_secret', client_secret: '6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f' } }).grantedRoles(),
      );
      assert.equal(error.row, 'token-7000215-wrong-secret');
      assert.match(error.message, /looks like the secret's "Secret ID"/);
    });

    test('expired secret: AADSTS7000222 says how to create a new one', async () => {
      const error = await failure(() =>
        client({ credentials: { auth_type: 'client_secret', client_secret: s.emulator.credentials.expiredClientSecret } }).grantedRoles(),
      );
      assert.equal(error.row, 'token-7000222-secret-expired');
      assert.match(error.message, /New client secret/);
    });

    test('unknown application: AADSTS700016 names the client_id', async () => {
      const clientId = '0b6a1e0e-1111-4222-8333-944455556666';
      const error = await failure(() => client({ client_id: clientId }).grantedRoles());
      assert.equal(error.row, 'token-700016-app-not-found');
      assert.match(error.message, new RegExp(clientId));
    });

    test('unknown tenant: the metadata failure is explained as AADSTS90002, not a generic msal error', async () => {
      const error = await failure(() => client({ tenant_id: '2d7e1f0a-0000-4000-8000-000000000001' }).grantedRoles());
      assert.equal(error.row, 'token-90002-tenant-not-found');
      assert.equal(error.failureType, 'config_error');
      assert.ok(!error.message.includes('2d7e1f0a-0000-4000-8000-000000000001'), 'tenant_id is marked secret: not echoed');
    });

    test('login host unreachable: a transient error naming the host', async () => {
      const error = await failure(() => client({}, { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9' }).grantedRoles());
      assert.equal(error.row, 'network-login-host');
      assert.equal(error.failureType, 'transient_error');
      assert.match(error.message, /127\.0\.0\.1:9/);
      assert.match(error.message, /ECONNREFUSED/);
    });
  });

  test('no log line or error carries the secret, a token or an Authorization header', () => {
    const lines = opened.flatMap((s) => s.lines);
    assert.ok(lines.length > 10);
    const secrets = opened.flatMap((s) => [s.emulator.credentials.clientSecret, s.emulator.credentials.expiredClientSecret]);
    const texts = [...lines, ...errors.flatMap((e) => [e.message, e.internal ?? ''])];
    for (const text of texts) {
      for (const secret of secrets) assert.ok(!text.includes(secret), text);
      assert.ok(!JWT.test(text), text);
      assert.ok(!/authorization:|bearer /i.test(text), text);
    }
    for (const s of opened) assert.equal(s.emulator.metrics().secretSeenByGraph, false);
  });

  test('the real entrypoint with --debug prints neither the secret nor a token', async () => {
    const emulator = await startEmulator({ sizes: SMALL });
    try {
      const result = await runConnector(['check', '--debug'], { config: emulator.config(), env: emulator.env });
      assert.ok(result.connectionStatus(), result.stderr);
      const debug = result.logs('DEBUG');
      assert.ok(
        debug.some((l) => /^login POST \/<tenant>\/oauth2\/v2\.0\/token/.test(l)),
        debug.join('\n'),
      );
      assert.ok(
        debug.some((l) => /^GET \/users\?\$top=1&\$select=id 200 \d+ ms/.test(l)),
        debug.join('\n'),
      );
      for (const output of [result.stdout, result.stderr]) {
        assert.ok(!output.includes(emulator.credentials.clientSecret));
        assert.ok(!JWT.test(output));
      }
    } finally {
      await emulator.stop();
    }
  });
});
