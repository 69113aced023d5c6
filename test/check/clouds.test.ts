// National clouds: each cloud's login host, Graph root and token scope, in resolveEndpoints and on the wire; sign-in and audit logs where a cloud lacks them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Cloud, resolveEndpoints } from '../../source-azure-client-credentials/endpoints.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { decodeJwt } from '../emulator/jwt.js';
import { fixture } from '../emulator/state.js';
import { runConnector } from '../support/connector.js';
import { assertExactRecords, fullCatalog, STREAMS, type StreamName, streamOutcome, truthOfRun } from '../support/ground-truth.js';
import { repoRoot } from '../support/paths.js';

/** https://learn.microsoft.com/graph/deployments (also ../shared/reference/graph.md, "National clouds"). */
const EXPECTED: Record<Cloud, { authorityHost: string; graphRoot: string }> = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphRoot: 'https://graph.microsoft.com' },
  us_government_l4: { authorityHost: 'https://login.microsoftonline.us', graphRoot: 'https://graph.microsoft.us' },
  us_government_l5: { authorityHost: 'https://login.microsoftonline.us', graphRoot: 'https://dod-graph.microsoft.us' },
  china: { authorityHost: 'https://login.chinacloudapi.cn', graphRoot: 'https://microsoftgraph.chinacloudapi.cn' },
};
const CLOUDS = Object.keys(EXPECTED) as Cloud[];

type Schema = Record<string, any>;
const spec = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'spec.json'), 'utf8')).connectionSpecification as Schema;

describe('resolveEndpoints', () => {
  for (const cloud of CLOUDS) {
    test(`${cloud}: its own login host, Graph root and scope without overrides`, () => {
      const { authorityHost, graphRoot } = EXPECTED[cloud];
      assert.deepEqual(resolveEndpoints(cloud, {}), { authorityHost, graphRoot, scope: `${graphRoot}/.default` });
    });
  }

  test('the test overrides move the hosts but never the scope', () => {
    const env = { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443/', AZURE_GRAPH_ENDPOINT: 'https://127.0.0.1:9443' };
    for (const cloud of CLOUDS) {
      assert.deepEqual(resolveEndpoints(cloud, env), {
        authorityHost: 'https://127.0.0.1:8443',
        graphRoot: 'https://127.0.0.1:9443',
        scope: `${EXPECTED[cloud].graphRoot}/.default`,
      });
    }
    assert.throws(() => resolveEndpoints('global', { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:8080' }), /must be an https URL/);
  });

  test('the spec offers exactly these clouds and takes no endpoint as free text', () => {
    assert.deepEqual(spec.properties.cloud.enum, CLOUDS);
    assert.equal(spec.properties.cloud.default, 'global');
    const free: string[] = [];
    const walk = (schema: Schema, path: string) => {
      for (const [name, field] of Object.entries<Schema>(schema.properties ?? {})) {
        const looksLikeEndpoint = /host|endpoint|url|uri|authority|domain_?hint|login|graph/i.test(name) || field.format === 'uri';
        if (field.type === 'string' && !field.enum && looksLikeEndpoint) free.push(`${path}${name}`);
        walk(field, `${path}${name}.`);
        for (const option of field.oneOf ?? []) walk(option, `${path}${name}.`);
      }
    };
    walk(spec, '');
    assert.deepEqual(free, []);
  });
});

describe('each cloud on the wire (the emulator standing in through AZURE_AUTHORITY_HOST / AZURE_GRAPH_ENDPOINT)', () => {
  let em: Emulator;
  before(async () => {
    em = await startEmulator({
      seed: 21,
      sizes: { users: 4, servicePrincipals: 2, groups: 1, bigGroupSizes: [], assignments: 2, signIns: 2 },
    });
  });
  after(() => em.stop());
  beforeEach(() => em.resetMetrics());

  const check = async (config: Record<string, unknown>, env: Record<string, string> = {}) => {
    const result = await runConnector(['check'], { env: { ...em.env, ...env }, config, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr.slice(-500));
    return result.connectionStatus()!;
  };

  for (const cloud of CLOUDS) {
    test(`${cloud}: the token request reaches the overridden login host and asks for ${EXPECTED[cloud].graphRoot}/.default`, async () => {
      const status = await check(em.config({ cloud }));
      assert.equal(status.status, 'SUCCEEDED', status.message);
      const token = em.metrics().lastTokenRequest!;
      assert.equal(token.host, new URL(em.url).host);
      assert.equal(token.scope, `${EXPECTED[cloud].graphRoot}/.default`);
      // The token is for that cloud's Graph, and Graph requests went to the overridden root with it.
      assert.equal(decodeJwt(em.issuedTokens().at(-1)!)!.payload.aud, EXPECTED[cloud].graphRoot);
      assert.ok((em.metrics().requests['GET /users'] ?? 0) > 0);
    });
  }

  test('a certificate credential in the china cloud asks for the china scope', async () => {
    const credentials = {
      auth_type: 'certificate',
      certificate: readFileSync(fixture('client-cert.pem'), 'utf8'),
      private_key: readFileSync(fixture('client-key.pem'), 'utf8'),
    };
    const status = await check(em.config({ cloud: 'china', credentials }));
    assert.equal(status.status, 'SUCCEEDED', status.message);
    assert.equal(em.metrics().lastTokenRequest!.scope, 'https://microsoftgraph.chinacloudapi.cn/.default');
    assert.equal(em.metrics().lastTokenRequest!.clientAuth, 'client_assertion');
  });

  test("an unreachable login host is named with the socket code, not msal's endpoints_resolution_error", async () => {
    const status = await check(em.config({ cloud: 'us_government_l4' }), { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1' });
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /Could not reach the Microsoft login host https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    assert.doesNotMatch(status.message!, /endpoints_resolution_error/);
    assert.equal(em.metrics().totalRequests, 0);
  });
});

describe('audit logs in national clouds: v1.0 lists sign-ins in the global cloud only (https://learn.microsoft.com/graph/api/signin-list), directory audits not in China (https://learn.microsoft.com/graph/api/directoryaudit-list)', () => {
  const NATIONAL = ['us_government_l4', 'us_government_l5', 'china'] as const;
  const SIZES = { users: 5, servicePrincipals: 3, groups: 2, bigGroupSizes: [], assignments: 5, signIns: 6, directoryAudits: 6 };
  /** The connector's pacing runs 100x faster (the emulator does not throttle here): these tests are about the clouds. */
  const FAST = { throttling: { enabled: false, timeScale: 100 } };
  /** The log streams a cloud lacks: sign-ins outside the global cloud, directory audits in China. */
  const lacking = (cloud: Cloud) => (cloud === 'china' ? ['sign_ins', 'directory_audits'] : ['sign_ins']);
  /** The emulator answers a national cloud's sign-in request with 400 BadRequest or with 404, as both are reported. */
  const CODES = { 400: 'BadRequest', 404: 'Request_ResourceNotFound' } as const;
  const emulators = new Map<400 | 404 | 'served', Emulator>();
  before(async () => {
    emulators.set(400, await startEmulator({ seed: 22, sizes: SIZES, ...FAST }));
    emulators.set(404, await startEmulator({ seed: 22, sizes: SIZES, ...FAST, signInsNationalCloudStatus: 404 }));
    emulators.set('served', await startEmulator({ seed: 22, sizes: SIZES, ...FAST, signInsInNationalClouds: true }));
  });
  after(async () => {
    for (const emulator of emulators.values()) await emulator.stop();
  });
  beforeEach(() => {
    for (const emulator of emulators.values()) emulator.resetMetrics();
  });

  async function run(emulator: Emulator, command: 'check' | 'read', cloud: Cloud) {
    const config = emulator.config({ cloud });
    const result = await runConnector([command], {
      env: emulator.env,
      config,
      ...(command === 'read' ? { catalog: fullCatalog() } : {}),
      timeoutMs: 60_000,
    });
    for (const secret of [emulator.credentials.clientSecret, ...emulator.issuedTokens()]) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'a secret or an access token leaked');
    }
    assert.equal(emulator.metrics().secretSeenByGraph, false);
    return result;
  }

  const unavailable = (cloud: Cloud, status: 400 | 404, stream = 'sign_ins') =>
    new RegExp(
      stream === 'sign_ins'
        ? `^sign_ins cannot be read in the [^.]+ cloud \\(cloud: ${cloud}\\): sign-in logs are not available through Microsoft Graph v1\\.0 there\\. ` +
            `Microsoft Graph in that cloud answered ${status} ${CODES[status]} \\(no such resource\\), and Microsoft lists this API in the global cloud only ` +
            `\\(https://learn\\.microsoft\\.com/graph/api/signin-list\\)\\. This is not a connector defect: deselect sign_ins for this tenant\\.`
        : `^directory_audits cannot be read in the [^.]+ cloud \\(cloud: ${cloud}\\): directory audit logs are not available through Microsoft Graph v1\\.0 there\\. ` +
            `Microsoft Graph in that cloud answered ${status} ${CODES[status]} \\(no such resource\\), and Microsoft lists this API in the global, US Government L4 and US Government L5 \\(DoD\\) clouds only ` +
            `\\(https://learn\\.microsoft\\.com/graph/api/directoryaudit-list\\)\\. This is not a connector defect: deselect directory_audits for this tenant\\.`,
    );

  for (const status of [400, 404] as const) {
    for (const cloud of NATIONAL) {
      const failing = lacking(cloud);
      const failingText = failing.join(' and ');
      test(`${cloud}, answered ${status}: check SUCCEEDED, ${failingText} named unavailable in that cloud, the other streams work`, async () => {
        const emulator = emulators.get(status)!;
        const result = await run(emulator, 'check', cloud);
        assert.equal(result.code, 0, result.stderr.slice(-500));
        const connection = result.connectionStatus()!;
        assert.equal(connection.status, 'SUCCEEDED');
        const head = `Connected, but ${failingText} will fail. `;
        assert.ok(connection.message!.startsWith(head), connection.message);
        assert.match(connection.message!.slice(head.length), unavailable(cloud, status));
        if (cloud === 'china') {
          const at = connection.message!.indexOf('directory_audits cannot be read in the');
          assert.ok(at > 0, connection.message);
          assert.match(connection.message!.slice(at), unavailable(cloud, status, 'directory_audits'));
        }
        assert.match(
          connection.message!,
          cloud === 'china'
            ? /users, service_principals, app_role_assignments, groups, group_members, applications, oauth2_permission_grants, subscribed_skus and directory_role_assignments work\.$/
            : /users, service_principals, app_role_assignments, directory_audits, groups, group_members, applications, oauth2_permission_grants, subscribed_skus and directory_role_assignments work\.$/,
        );
        assert.doesNotMatch(connection.message!, /defect in the connector|please report|is advised/i);
        const warnings = result.logs('WARN').filter((w) => !w.startsWith('The environment overrides'));
        assert.equal(warnings.length, failing.length, warnings.join('\n'));
        for (const [i, stream] of failing.entries()) assert.match(warnings[i]!, unavailable(cloud, status, stream));
        assert.equal(emulator.metrics().requests['GET /auditLogs/signIns'], 1, 'one probe, not retried');
        assert.equal(emulator.metrics().requests['GET /auditLogs/directoryAudits'], 1, 'one probe, not retried');
        assert.equal(emulator.metrics().lastTokenRequest!.scope, `${EXPECTED[cloud].graphRoot}/.default`);
      });

      test(`${cloud}, answered ${status}: read of every stream fails ${failingText} alone (config_error); the others complete and equal the truth`, async () => {
        const emulator = emulators.get(status)!;
        const result = await run(emulator, 'read', cloud);
        assert.equal(result.code, 1);
        for (const stream of failing) {
          const outcome = streamOutcome(result, stream as StreamName);
          assert.equal(outcome.kind, 'failed');
          assert.equal((outcome as { failureType: string }).failureType, 'config_error');
          assert.match((outcome as { message: string }).message, unavailable(cloud, status, stream));
          assert.deepEqual(result.statuses(stream), ['STARTED', 'INCOMPLETE']);
          assert.equal(result.records(stream).length, 0);
        }
        assert.equal(emulator.metrics().requests['GET /auditLogs/signIns'], 1, 'one request, not retried');
        for (const stream of STREAMS.filter((s) => !failing.includes(s))) {
          assert.deepEqual(streamOutcome(result, stream), { kind: 'complete' }, stream);
          assertExactRecords(stream, result.records(stream), truthOfRun(emulator, stream, result.messages));
        }
        if (cloud !== 'china') assert.ok(result.records('directory_audits').length > 0, 'US Government clouds serve directory audits');
      });
    }
  }

  for (const cloud of NATIONAL) {
    test(`${cloud} where Graph does serve sign-ins (signInsInNationalClouds): check passes clean and sign_ins reads normally`, async () => {
      const emulator = emulators.get('served')!;
      const checked = await run(emulator, 'check', cloud);
      assert.deepEqual(checked.connectionStatus(), { status: 'SUCCEEDED' });
      emulator.resetMetrics();
      const result = await run(emulator, 'read', cloud);
      assert.equal(result.code, 0, JSON.stringify(result.errors()));
      for (const stream of STREAMS) {
        assert.deepEqual(streamOutcome(result, stream), { kind: 'complete' }, stream);
        assertExactRecords(stream, result.records(stream), truthOfRun(emulator, stream, result.messages));
      }
      assert.ok(result.records('sign_ins').length > 0);
    });
  }
});
