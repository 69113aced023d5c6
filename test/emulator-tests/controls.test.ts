// The emulator's controls: licence (premium), consented permissions, latency, metrics, env and config of startEmulator.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startEmulator } from '../emulator/index.js';
import { startMiniEmulator } from '../emulator/mini-tenant.js';
import { graphSession, httpGet, httpPost, tokenForm } from '../emulator/test-client.js';

describe('emulator controls', () => {
  it('answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant for sign-ins and signInActivity without premium', async () => {
    const emulator = await startMiniEmulator();
    try {
      const session = await graphSession(emulator);
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 200);
      emulator.setPremium(false);
      for (const path of ['/v1.0/auditLogs/signIns', '/v1.0/users?$select=id,signInActivity']) {
        const answer = await session.get(path);
        assert.equal(answer.status, 403, path);
        assert.equal(answer.body.error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
      }
      assert.equal((await session.get('/v1.0/users?$select=id')).status, 200);
    } finally {
      await emulator.stop();
    }
  });

  it('puts the consented permissions in new tokens; GroupMember.Read.All alone gives id-only non-group members', async () => {
    const emulator = await startMiniEmulator();
    try {
      emulator.setPermissions(['GroupMember.Read.All', 'AuditLog.Read.All']);
      const session = await graphSession(emulator);
      const small = await session.get(`/v1.0/groups/${emulator.tenant.groups[1]!.id}/members`);
      const user = small.body.value.find((m: any) => m['@odata.type'] === '#microsoft.graph.user');
      assert.deepEqual(Object.keys(user), ['@odata.type', 'id']);
      const group = small.body.value.find((m: any) => m['@odata.type'] === '#microsoft.graph.group');
      assert.ok('displayName' in group);
      assert.equal((await session.get('/v1.0/users')).status, 403);
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 403, 'the known issue: Directory.Read.All needed too');
      emulator.setPermissions(['AuditLog.Read.All', 'Directory.Read.All']);
      assert.equal((await session.get('/v1.0/users')).status, 403, 'the old token keeps its roles');
      await session.renew();
      assert.equal((await session.get('/v1.0/users')).status, 200);
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 200);
      const full = await session.get(`/v1.0/groups/${emulator.tenant.groups[1]!.id}/members`);
      assert.ok('displayName' in full.body.value[0]);
    } finally {
      await emulator.stop();
    }
  });

  it('serves sign-ins with AuditLog.Read.All alone when signInsRequireDirectoryRead is false (newer docs)', async () => {
    const emulator = await startMiniEmulator({}, { signInsRequireDirectoryRead: false, permissions: ['AuditLog.Read.All'] });
    try {
      const session = await graphSession(emulator);
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 200);
      emulator.setPermissions(['Directory.Read.All']);
      await session.renew();
      assert.equal((await session.get('/v1.0/auditLogs/signIns')).status, 403, 'Directory.Read.All never replaces AuditLog.Read.All');
    } finally {
      await emulator.stop();
    }
  });

  it("serves v1.0 sign-ins to global tokens only, unless signInsInNationalClouds (the cloud is the token's audience)", async () => {
    const scopes = {
      global: 'https://graph.microsoft.com/.default',
      us_government_l4: 'https://graph.microsoft.us/.default',
      us_government_l5: 'https://dod-graph.microsoft.us/.default',
      china: 'https://microsoftgraph.chinacloudapi.cn/.default',
    };
    const statusesFor = async (options: Parameters<typeof startMiniEmulator>[1]) => {
      const emulator = await startMiniEmulator({}, options);
      try {
        const c = emulator.credentials;
        const answers: Record<string, [number, string | undefined, string | undefined]> = {};
        for (const [cloud, scope] of Object.entries(scopes)) {
          const token = await httpPost(
            `${emulator.url}/${c.tenantId}/oauth2/v2.0/token`,
            tokenForm({ client_id: c.clientId, client_secret: c.clientSecret, scope }),
            {
              'content-type': 'application/x-www-form-urlencoded',
            },
          );
          assert.equal(token.status, 200, token.text);
          const signIns = await httpGet(`${emulator.url}/v1.0/auditLogs/signIns?$top=1`, {
            authorization: `Bearer ${token.body.access_token}`,
          });
          const users = await httpGet(`${emulator.url}/v1.0/users?$top=1`, { authorization: `Bearer ${token.body.access_token}` });
          assert.equal(users.status, 200, `${cloud}: the directory is served in every cloud`);
          answers[cloud] = [signIns.status, signIns.body?.error?.code, signIns.body?.error?.message];
        }
        return answers;
      } finally {
        await emulator.stop();
      }
    };
    const missing = "Resource not found for the segment 'signIns'.";
    assert.deepEqual(await statusesFor({}), {
      global: [200, undefined, undefined],
      us_government_l4: [400, 'BadRequest', missing],
      us_government_l5: [400, 'BadRequest', missing],
      china: [400, 'BadRequest', missing],
    });
    assert.deepEqual(await statusesFor({ signInsNationalCloudStatus: 404 }), {
      global: [200, undefined, undefined],
      us_government_l4: [404, 'Request_ResourceNotFound', missing],
      us_government_l5: [404, 'Request_ResourceNotFound', missing],
      china: [404, 'Request_ResourceNotFound', missing],
    });
    const served = await statusesFor({ signInsInNationalClouds: true });
    assert.deepEqual(
      Object.values(served).map(([status]) => status),
      [200, 200, 200, 200],
    );
  });

  it('adds latency per request and per record served', async () => {
    const emulator = await startMiniEmulator({ users: 200 }, { latencyMs: 150, latencyPerRecordMs: 1 });
    try {
      const session = await graphSession(emulator);
      let started = performance.now();
      await session.get('/v1.0/organization');
      const one = performance.now() - started;
      started = performance.now();
      await session.get('/v1.0/users?$top=200');
      const many = performance.now() - started;
      assert.ok(one >= 150, `one record: ${one}`);
      assert.ok(many >= 340, `200 records: ${many}`);
    } finally {
      await emulator.stop();
    }
  });

  it('startEmulator serves the generated tenant with env, config, truth and metrics wired', async () => {
    const emulator = await startEmulator({ seed: 5, throttling: { enabled: true, timeScale: 10 } });
    try {
      assert.equal(emulator.env.AZURE_AUTHORITY_HOST, emulator.url);
      assert.equal(emulator.env.AZURE_GRAPH_ENDPOINT, emulator.url);
      assert.equal(emulator.env.AZURE_GRAPH_TIME_SCALE, '10');
      assert.ok(existsSync(emulator.env.NODE_EXTRA_CA_CERTS!));
      const config = emulator.config({ include_guests: true });
      assert.deepEqual(config, {
        tenant_id: emulator.tenant.tenantId,
        client_id: emulator.credentials.clientId,
        credentials: { auth_type: 'client_secret', client_secret: emulator.credentials.clientSecret },
        include_guests: true,
      });
      assert.ok(emulator.truth.users().length > 0);
      const session = await graphSession(emulator);
      await session.get('/v1.0/users?$select=id&$top=999');
      await session.post('/v1.0/$batch', { requests: [{ id: '1', method: 'GET', url: '/organization' }] });
      const metrics = emulator.metrics();
      assert.equal(metrics.requests['GET /users'], 1);
      assert.equal(metrics.requests['POST /$batch'], 1);
      assert.equal(metrics.requests['batch GET /organization'], 1);
      assert.equal(metrics.tokensIssued, 1);
      assert.equal(metrics.resourceUnits, 2);
      assert.equal(metrics.secretSeenByGraph, false);
      assert.deepEqual(Object.keys(metrics.floorMs).sort(), [
        'app_role_assignments',
        'directory_audits',
        'service_principals',
        'sign_ins',
        'users',
      ]);
      emulator.resetMetrics();
      assert.equal(emulator.metrics().totalRequests, 0);
    } finally {
      await emulator.stop();
    }
  });
});
