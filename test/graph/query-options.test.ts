// Every request the connector sends is valid Graph v1.0: check and every stream in every sync mode and option, judged from the emulator's request log against the documented options.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_PERMISSIONS, type Emulator, type RequestLogEntry, startEmulator } from '../emulator/index.js';
import { type Message, type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';
import { DOCUMENTED_ENDPOINTS, documentedEndpoint, queryViolations } from '../support/graph-query-options.js';

const FULL_REFRESH = catalogOf([
  { name: 'users' },
  { name: 'service_principals' },
  { name: 'app_role_assignments' },
  { name: 'sign_ins' },
  { name: 'groups' },
  { name: 'group_members' },
  { name: 'applications' },
  { name: 'oauth2_permission_grants' },
  { name: 'subscribed_skus' },
  { name: 'directory_role_assignments' },
  { name: 'directory_audits' },
]);
const INCREMENTAL = catalogOf([
  { name: 'users', sync_mode: 'incremental', cursor_field: ['_ab_cdc_updated_at'] },
  { name: 'service_principals', sync_mode: 'incremental', cursor_field: ['_ab_cdc_updated_at'] },
  { name: 'app_role_assignments' },
  { name: 'sign_ins', sync_mode: 'incremental', cursor_field: ['createdDateTime'] },
  { name: 'groups', sync_mode: 'incremental', cursor_field: ['_ab_cdc_updated_at'] },
  { name: 'group_members' },
  { name: 'applications', sync_mode: 'incremental', cursor_field: ['_ab_cdc_updated_at'] },
  { name: 'directory_audits', sync_mode: 'incremental', cursor_field: ['activityDateTime'] },
]);
/** Every config option that changes what the connector requests (incremental users refuse include_sign_in_activity). */
const OPTIONS = {
  include_guests: true,
  domain_names: 'contoso.example, northwind.example',
  include_sign_in_activity: true,
  use_batch_requests: false,
  // Every event type: sign_ins reads them all through beta (and check probes beta).
  sign_in_event_types: ['interactiveUser', 'nonInteractiveUser', 'servicePrincipal', 'managedIdentity'],
};
/** additional_user_properties: v1.0 properties of several types and the tenant's directory extensions. */
const additionalUserProperties = (emulator: Emulator) => ({
  additional_user_properties: [
    'onPremisesSamAccountName',
    'onPremisesExtensionAttributes',
    'onPremisesLastSyncDateTime',
    ...(emulator.tenant.directoryExtensions ?? []).map((e) => e.name),
  ],
});

describe('the query options the connector sends', () => {
  let emulator: Emulator;
  /** Each run's name and the requests it made. */
  const runs: Array<{ name: string; log: RequestLogEntry[] }> = [];

  before(async () => {
    emulator = await startEmulator({
      seed: 15,
      // Over 999 users and a group of over 999 members: paging (nextLinks) on lists, on batched and on direct fan-out.
      // Audit events enough for a week-long window to page (999 per page).
      sizes: {
        users: 1_100,
        servicePrincipals: 30,
        groups: 6,
        bigGroupSizes: [1_050],
        assignments: 150,
        signIns: 1_500,
        directoryAudits: 5_000,
      },
      throttling: { enabled: true, timeScale: 100 },
      // Changed objects come back partial, so the incremental run also re-reads them by id through $batch.
      deltaMinimalChanges: true,
      // A group with hidden membership is then listed like the others (without it, its 403 would be an error answer here).
      permissions: [...DEFAULT_PERMISSIONS, 'Member.Read.Hidden'],
    });
  });
  after(async () => emulator?.stop());

  /** Runs the connector and keeps the requests it made under `name`; every run must succeed. */
  async function run(
    name: string,
    command: 'check' | 'read',
    config: Record<string, unknown>,
    catalog?: object,
    state?: unknown,
  ): Promise<RunResult> {
    emulator.resetMetrics();
    const result = await runConnector([command], {
      config: emulator.config(config),
      env: emulator.env,
      ...(catalog ? { catalog } : {}),
      ...(state !== undefined ? { state } : {}),
      timeoutMs: 120_000,
    });
    assert.equal(result.code, 0, `${name}: exit ${result.code} ${JSON.stringify(result.errors())}`);
    if (command === 'check') assert.equal(result.connectionStatus()?.status, 'SUCCEEDED', `${name}: ${result.connectionStatus()?.message}`);
    else assert.deepEqual(result.errors(), [], name);
    runs.push({ name, log: emulator.requestLog() });
    return result;
  }
  const lastStates = (result: RunResult) => [
    ...new Map(result.states().map((m: Message) => [m.state.stream.stream_descriptor.name, m.state])).values(),
  ];

  test('check, full refresh and incremental reads with every request-changing option all succeed', async () => {
    const options = { ...OPTIONS, ...additionalUserProperties(emulator) };
    await run('check', 'check', {});
    await run('check with every option', 'check', options);
    await run('full refresh', 'read', {}, FULL_REFRESH);
    await run('full refresh with every option', 'read', options, FULL_REFRESH);
    // signInActivity reads managers in batches; with $batch on, they go through POST /$batch.
    await run('full refresh with signInActivity and batching', 'read', { include_sign_in_activity: true }, FULL_REFRESH);
    const { include_sign_in_activity: _, ...incrementalOptions } = options;
    const first = await run('first incremental (delta rounds)', 'read', incrementalOptions, INCREMENTAL);
    emulator.mutate({ creates: 3, updates: 6, softDeletes: 2, hardDeletes: 1 });
    emulator.mutate({ resources: ['groups'], creates: 1, updates: 3, hardDeletes: 1, memberChanges: 2 });
    emulator.mutate({ resources: ['applications'], creates: 1, updates: 2, hardDeletes: 1 });
    await run('incremental from the saved deltaLinks and cursor', 'read', incrementalOptions, INCREMENTAL, lastStates(first));
  });

  test('every request is to a documented endpoint, with documented options, known $select names and $top within the maximum', () => {
    assert.equal(runs.length, 7, 'the runs above completed');
    const problems: string[] = [];
    for (const { name, log } of runs) {
      for (const request of log) {
        const target = `${request.via === 'batch' ? 'batch item ' : ''}${request.method} ${request.path}?${request.query.map(([k, v]) => `${k}=${v}`).join('&')}`;
        if (request.status >= 400) problems.push(`${name}: ${target} was answered ${request.status}`);
        for (const problem of queryViolations(request)) problems.push(`${name}: ${target}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the runs exercised every documented endpoint, directly and in $batch where the connector batches', () => {
    const seen = new Set<string>();
    for (const { log } of runs) {
      for (const request of log) seen.add(`${request.via} ${documentedEndpoint(request.method, request.path, request.version)?.label}`);
    }
    for (const endpoint of DOCUMENTED_ENDPOINTS) {
      assert.ok(seen.has(`direct ${endpoint.label}`) || seen.has(`batch ${endpoint.label}`), `no request to ${endpoint.label}`);
    }
    for (const label of ['GET /servicePrincipals/{id}/appRoleAssignedTo', 'GET /groups/{id}/members', 'GET /users/{id}']) {
      assert.ok(seen.has(`batch ${label}`), `no batched ${label}`);
    }
    // Paging and delta tokens were followed, so the rules for them were checked too.
    const queries = runs.flatMap((r) => r.log.flatMap((request) => request.query.map(([k]) => `${request.path.split('/')[1]} ${k}`)));
    for (const expected of [
      'users $skiptoken',
      'groups $skiptoken',
      'users $deltatoken',
      'servicePrincipals $deltatoken',
      'groups $deltatoken',
      'applications $deltatoken',
      'roleManagement $expand',
      'auditLogs $filter',
      'auditLogs $skiptoken',
    ]) {
      assert.ok(queries.includes(expected), `no request with ${expected}`);
    }
    assert.ok(
      runs
        .find((r) => r.name === 'full refresh with every option')!
        .log.some((r) => r.query.some(([k, v]) => k === '$select' && v.includes('signInActivity'))),
    );
  });

  test('the rules can fail: requests Graph would refuse are reported', () => {
    const bad = (method: string, path: string, query: [string, string][]) => queryViolations({ method, path, query });
    assert.match(bad('GET', '/auditLogs/signIns', [['$select', 'id']]).join(), /\$select is not documented/);
    assert.match(bad('GET', '/users', [['$select', 'id,notAProperty']]).join(), /notAProperty: no such property on user/);
    assert.match(
      bad('GET', '/users', [
        ['$select', 'id,signInActivity'],
        ['$top', '999'],
      ]).join(),
      /outside 1-500/,
    );
    assert.match(bad('GET', '/servicePrincipals', [['$top', '1000']]).join(), /outside 1-999/);
    assert.match(bad('GET', '/users/delta', [['$top', '100']]).join(), /\$top is not documented/);
    assert.match(
      bad('GET', '/users/delta', [
        ['$select', 'id'],
        ['$deltatoken', 'x'],
      ]).join(),
      /delta token request carries other options/,
    );
    assert.match(bad('GET', '/groups/x/members', [['$select', 'id,appRoleId']]).join(), /no such property on user or group/);
    assert.match(bad('GET', '/devices', []).join(), /not an endpoint in the documented table/);
    assert.match(bad('GET', '/subscribedSkus', [['$top', '10']]).join(), /\$top is not documented/);
    assert.match(bad('GET', '/auditLogs/directoryAudits', [['$top', '1000']]).join(), /outside 1-999/);
    assert.match(bad('GET', '/auditLogs/directoryAudits', [['$select', 'id']]).join(), /\$select is not documented/);
    // Beta's signIns is documented apart from v1.0's: a beta request is judged by beta's row.
    assert.deepEqual(queryViolations({ method: 'GET', path: '/auditLogs/signIns', version: 'beta', query: [['$top', '1000']] }), []);
    assert.match(queryViolations({ method: 'GET', path: '/users', version: 'beta', query: [] }).join(), /\/beta\/users is not an endpoint/);
    // The manager is selected on users delta only; directory extensions on users, not on service principals.
    assert.match(bad('GET', '/users', [['$select', 'id,manager']]).join(), /manager: no such property on user/);
    assert.deepEqual(bad('GET', '/users/delta', [['$select', 'id,manager']]), []);
    const extension = 'extension_b7d8e6f1a2c34d5e9f0a1b2c3d4e5f6a_costCenter';
    assert.deepEqual(bad('GET', '/users', [['$select', `id,${extension}`]]), []);
    assert.match(bad('GET', '/servicePrincipals', [['$select', `id,${extension}`]]).join(), /no such property on servicePrincipal/);
    assert.match(bad('GET', '/users', [['$select', 'id,extension_1234_costCenter']]).join(), /no such property on user/);
    assert.deepEqual(
      bad('GET', '/groups/x/members', [
        ['$select', 'id,employeeHireDate'],
        ['$top', '999'],
      ]),
      [],
    );
  });
});
