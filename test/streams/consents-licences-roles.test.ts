// Integration: oauth2_permission_grants, subscribed_skus and directory_role_assignments read through the real entrypoint from
// the emulator, with the switches for what Graph does not document (a required $filter on role assignments, principals
// without their names, DelegatedPermissionGrant.Read.All), and each missing permission failing only its stream.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAjv, type ValidateFunction } from '../../source-azure-client-credentials/validation.js';
import { DEFAULT_PERMISSIONS, type Emulator, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';

const STREAMS = ['oauth2_permission_grants', 'subscribed_skus', 'directory_role_assignments'] as const;
type StreamName = (typeof STREAMS)[number];
const KEYS: Record<StreamName, string> = { oauth2_permission_grants: 'id', subscribed_skus: 'skuId', directory_role_assignments: 'id' };

/** The endpoints only that stream reads. */
const ENDPOINTS: Record<StreamName, string[]> = {
  oauth2_permission_grants: ['GET /oauth2PermissionGrants'],
  subscribed_skus: ['GET /subscribedSkus'],
  directory_role_assignments: ['GET /roleManagement/directory/roleDefinitions', 'GET /roleManagement/directory/roleAssignments'],
};

let emulator: Emulator;
let catalog: { streams: { stream: { name: string } }[] };
const validators = new Map<string, ValidateFunction>();
const properties = new Map<string, Set<string>>();

before(async () => {
  emulator = await startEmulator({
    seed: 33,
    // 120 delegated grants: two pages of the list's default 100.
    sizes: { users: 70, servicePrincipals: 60, groups: 5, assignments: 30, signIns: 0, signInsBeyondRetention: 0, delegatedGrants: 120 },
  });
  const discovered = await runConnector(['discover'], { env: emulator.env, config: emulator.config() });
  const streams = discovered.catalog().streams.filter((s: { name: string }) => (STREAMS as readonly string[]).includes(s.name));
  assert.equal(streams.length, STREAMS.length);
  const ajv = createAjv();
  for (const stream of streams) {
    assert.deepEqual(stream.supported_sync_modes, ['full_refresh']);
    assert.deepEqual(stream.source_defined_primary_key, [[KEYS[stream.name as StreamName]]]);
    validators.set(stream.name, ajv.compile(stream.json_schema));
    properties.set(stream.name, new Set(Object.keys(stream.json_schema.properties)));
  }
  catalog = { streams: streams.map((stream: object) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
});
after(() => emulator?.stop());
beforeEach(() => {
  emulator.setPermissions(DEFAULT_PERMISSIONS);
  emulator.configure({
    roleAssignmentsRequireFilter: false,
    rolePrincipalNamesNeedReadPermission: false,
    delegatedPermissionGrantReadAll: false,
  });
  emulator.resetMetrics();
});

async function read(streams: readonly string[] = STREAMS): Promise<RunResult> {
  const wanted = { streams: catalog.streams.filter((s) => streams.includes(s.stream.name)) };
  return runConnector(['read'], { env: emulator.env, config: emulator.config(), catalog: wanted, timeoutMs: 60_000 });
}

const sorted = (stream: StreamName, rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) => (String(a[KEYS[stream]]) < String(b[KEYS[stream]]) ? -1 : 1));

function truth(stream: StreamName, principalNames = true): Record<string, unknown>[] {
  if (stream === 'oauth2_permission_grants') return emulator.truth.oauth2PermissionGrants();
  if (stream === 'subscribed_skus') return emulator.truth.subscribedSkus();
  return emulator.truth.directoryRoleAssignments({ principalNames });
}

/** Completed, every record valid with formats and without fields outside the schema, and exactly the truth. */
function assertTruth(result: RunResult, stream: StreamName, principalNames = true): void {
  assert.equal(result.statuses(stream).at(-1), 'COMPLETE', `${stream}: ${JSON.stringify(result.errors())}`);
  const records = result.records(stream) as Record<string, unknown>[];
  const validate = validators.get(stream)!;
  for (const record of records) {
    assert.ok(validate(record), `${stream} ${JSON.stringify(record)}: ${JSON.stringify(validate.errors)}`);
    assert.deepEqual(
      Object.keys(record).filter((k) => !properties.get(stream)!.has(k)),
      [],
    );
  }
  const expected = truth(stream, principalNames);
  assert.ok(expected.length > 0, `the tenant has ${stream}`);
  assert.deepStrictEqual(sorted(stream, records), sorted(stream, expected), `${stream} equals the truth`);
}

describe('full refresh', () => {
  test('each stream equals the truth; service principals read once for the names, principals expanded in the same requests', async () => {
    const result = await read();
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    for (const stream of STREAMS) assertTruth(result, stream);
    const requests = emulator.metrics().requests;
    assert.equal(requests['GET /oauth2PermissionGrants'], 2, 'the default pages of 100, each nextLink followed');
    assert.equal(requests['GET /servicePrincipals'], 1, 'the service principals are read once, whatever the number of grants');
    assert.equal(requests['GET /subscribedSkus'], 1);
    assert.equal(requests['GET /roleManagement/directory/roleDefinitions'], 1);
    assert.equal(requests['GET /roleManagement/directory/roleAssignments'], 1, 'principals come with the assignments ($expand)');
    assert.equal(requests['POST /$batch'] ?? 0, 0, 'no per-object lookup');
    // The cases the tenant holds reach the records.
    const grants = result.records('oauth2_permission_grants');
    assert.ok(grants.some((g) => g.consentType === 'AllPrincipals' && g.principalId === null));
    assert.ok(grants.some((g) => g.consentType === 'Principal' && g.principalId !== null));
    assert.ok(
      grants.some((g) => g.scope !== g.scopes.join(' ')),
      'a padded scope is split without empty scopes',
    );
    const skus = result.records('subscribed_skus');
    assert.ok(skus.some((s) => s.appliesTo === 'Company') && skus.some((s) => s.availableUnits < 0));
    const roles = result.records('directory_role_assignments');
    assert.deepEqual([...new Set(roles.map((r) => r.principalType))].sort(), ['group', 'servicePrincipal', 'user']);
    assert.ok(
      roles.some((r) => r.roleIsBuiltIn === false && r.roleDefinitionId === r.roleTemplateId),
      'a custom role named by its templateId',
    );
    assert.ok(
      roles.some((r) => r.roleIsBuiltIn === false && r.roleDefinitionId !== r.roleTemplateId),
      'the custom role named by its id',
    );
    assert.ok(
      roles.some((r) => r.directoryScopeId !== '/'),
      'scoped assignments',
    );
  });
});

describe('role assignments when Graph requires a $filter', () => {
  test('the refused unfiltered list falls back to one filtered request per role definition id and templateId, batched; same records', async () => {
    emulator.configure({ roleAssignmentsRequireFilter: true });
    const result = await read(['directory_role_assignments']);
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    assertTruth(result, 'directory_role_assignments');
    assert.equal(
      result.logs('INFO').filter((m) => /refused the list of role assignments without a filter \(400 BadRequest\)/.test(m)).length,
      1,
    );
    const keys = new Set(emulator.tenant.roleDefinitions!.flatMap((d) => [d.id, d.templateId]));
    const log = emulator.requestLog().filter((r) => r.path === '/roleManagement/directory/roleAssignments');
    assert.deepEqual(
      log.filter((r) => r.via === 'direct').map((r) => r.status),
      [400],
      'one refused unfiltered request',
    );
    const filtered = log.filter((r) => r.via === 'batch');
    assert.equal(filtered.length, keys.size, 'one filtered request per role id or template id');
    assert.ok(filtered.every((r) => r.status === 200 && r.query.some(([k, v]) => k === '$filter' && /^roleDefinitionId eq '/.test(v))));
    assert.ok(emulator.metrics().requests['POST /$batch']! <= Math.ceil(keys.size / 20));
  });

  test('without the switch the unfiltered list is one request', async () => {
    const result = await read(['directory_role_assignments']);
    assertTruth(result, 'directory_role_assignments');
    assert.equal(emulator.metrics().requests['POST /$batch'] ?? 0, 0);
    assert.deepEqual(
      result.logs('INFO').filter((m) => /without a filter/.test(m)),
      [],
    );
  });
});

describe('principals Graph returns without their names', () => {
  test('with RoleManagement.Read.Directory alone, the names are null and one WARN says to grant Directory.Read.All', async () => {
    emulator.configure({ rolePrincipalNamesNeedReadPermission: true });
    emulator.setPermissions(['RoleManagement.Read.Directory']);
    const result = await read(['directory_role_assignments']);
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    assertTruth(result, 'directory_role_assignments', false);
    const warnings = result.logs('WARN').filter((m) => m.startsWith('directory_role_assignments:'));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      new RegExp(
        `^directory_role_assignments: ${truth('directory_role_assignments').length} role assignments came with a principal but without its name.*grant Directory\\.Read\\.All`,
      ),
    );
  });

  test('with Directory.Read.All the same switch changes nothing', async () => {
    emulator.configure({ rolePrincipalNamesNeedReadPermission: true });
    const result = await read(['directory_role_assignments']);
    assertTruth(result, 'directory_role_assignments');
    assert.deepEqual(
      result.logs('WARN').filter((m) => m.startsWith('directory_role_assignments:')),
      [],
    );
  });
});

describe('DelegatedPermissionGrant.Read.All, which no page lists', () => {
  const roles = ['DelegatedPermissionGrant.Read.All', 'Application.Read.All'];

  test('refused by Graph (the default): check warns and names Directory.Read.All; read fails the stream alone (config_error)', async () => {
    emulator.setPermissions(roles);
    const check = await runConnector(['check'], { env: emulator.env, config: emulator.config() });
    const status = check.connectionStatus()!;
    assert.equal(status.status, 'SUCCEEDED', 'applications is readable');
    assert.match(
      status.message!,
      /oauth2_permission_grants cannot be read: Microsoft Graph refused it \(403 Authorization_RequestDenied\) although the app's token lists DelegatedPermissionGrant\.Read\.All and Application\.Read\.All; it also needs the Microsoft Graph application permission Directory\.Read\.All \(or DelegatedPermissionGrant\.ReadWrite\.All\)/,
    );
    assert.equal(emulator.metrics().requests['GET /oauth2PermissionGrants'], 1, 'the claim allowed it: the probe decided');
    const result = await read(['oauth2_permission_grants']);
    assert.notEqual(result.code, 0);
    const [error] = result.errors();
    assert.equal(error.failure_type, 'config_error');
    assert.deepEqual(error.stream_descriptor, { name: 'oauth2_permission_grants' });
    assert.match(error.message, /it also needs the Microsoft Graph application permission Directory\.Read\.All/);
  });

  test('accepted by Graph (the switch): check succeeds with the advice, read equals the truth', async () => {
    emulator.setPermissions(roles);
    emulator.configure({ delegatedPermissionGrantReadAll: true });
    const check = await runConnector(['check'], { env: emulator.env, config: emulator.config() });
    assert.match(
      check.connectionStatus()!.message!,
      /oauth2_permission_grants can be read, but the app's token lacks Directory\.Read\.All \(or DelegatedPermissionGrant\.ReadWrite\.All\), which is advised/,
    );
    const result = await read(['oauth2_permission_grants']);
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    assertTruth(result, 'oauth2_permission_grants');
  });
});

describe('each missing permission fails only its stream', () => {
  const CASES: { missing: string; roles: string[]; fails: string; pattern: RegExp }[] = [
    {
      missing: 'Application.Read.All (for the names)',
      roles: ['DelegatedPermissionGrant.ReadWrite.All', 'LicenseAssignment.Read.All', 'RoleManagement.Read.Directory'],
      fails: 'oauth2_permission_grants',
      pattern:
        /^oauth2_permission_grants cannot be read: the app lacks the Microsoft Graph application permission Application\.Read\.All\./,
    },
    {
      missing: 'a licence permission',
      roles: ['Application.Read.All', 'DelegatedPermissionGrant.ReadWrite.All', 'RoleManagement.Read.Directory'],
      fails: 'subscribed_skus',
      pattern:
        /^subscribed_skus cannot be read: the app lacks the Microsoft Graph application permission LicenseAssignment\.Read\.All \(or Organization\.Read\.All\)\./,
    },
    {
      missing: 'RoleManagement.Read.Directory',
      roles: ['Application.Read.All', 'DelegatedPermissionGrant.ReadWrite.All', 'LicenseAssignment.Read.All'],
      fails: 'directory_role_assignments',
      pattern:
        /^directory_role_assignments cannot be read: the app lacks the Microsoft Graph application permission RoleManagement\.Read\.Directory\./,
    },
  ];
  for (const { missing, roles, fails, pattern } of CASES) {
    test(`without ${missing}: check names ${fails}; read fails it alone (config_error, no request) and the others equal the truth`, async () => {
      emulator.setPermissions(roles);
      const check = await runConnector(['check'], { env: emulator.env, config: emulator.config() });
      assert.equal(check.connectionStatus()!.status, 'SUCCEEDED');
      const warned = check.logs('WARN').filter((w) => !w.startsWith('The environment overrides'));
      assert.ok(
        warned.some((w) => pattern.test(w)),
        JSON.stringify(warned),
      );
      for (const other of STREAMS.filter((s) => s !== fails)) assert.ok(!warned.some((w) => w.startsWith(`${other} cannot`)), other);
      emulator.resetMetrics();
      const result = await read();
      assert.notEqual(result.code, 0);
      const errors = result.errors();
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.deepEqual(errors[0].stream_descriptor, { name: fails });
      assert.equal(errors[0].failure_type, 'config_error');
      assert.match(errors[0].message, pattern);
      assert.deepEqual(result.statuses(fails), ['STARTED', 'INCOMPLETE']);
      const requests = emulator.metrics().requests;
      for (const label of ENDPOINTS[fails as StreamName]) assert.equal(requests[label] ?? 0, 0, `${fails} made no request (${label})`);
      for (const other of STREAMS.filter((s) => s !== fails)) assertTruth(result, other);
    });
  }
});
