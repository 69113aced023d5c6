// The emulator's Graph surface: paging (every record once, verbatim nextLinks), $select, $filter, organization, fan-out lists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.js';
import { startMiniEmulator } from '../emulator/mini-tenant.js';
import { allPages, fetchToken, httpGet, httpPost } from '../emulator/test-client.js';
import type { Tenant } from '../emulator/types.js';

describe('emulator Graph collections', () => {
  let emulator: Emulator;
  let tenant: Tenant;
  let token: string;
  const get = (path: string) => httpGet(`${emulator.url}${path}`, { authorization: `Bearer ${token}` });

  before(async () => {
    emulator = await startMiniEmulator({ users: 2100, signIns: 2500, bigGroup: 1500 });
    tenant = emulator.tenant;
    const c = emulator.credentials;
    token = await fetchToken(emulator.url, c.tenantId, c.clientId, c.clientSecret);
  });
  after(() => emulator.stop());

  it('pages users at $top=999 with verbatim $skiptoken nextLinks, every user exactly once', async () => {
    const pages = await allPages(`${emulator.url}/v1.0/users?$select=id,userType&$top=999`, token);
    assert.equal(pages.length, 3);
    const ids = pages.flatMap((p) => p.value.map((u: any) => u.id));
    assert.equal(ids.length, 2100);
    assert.deepEqual(new Set(ids), new Set(tenant.users.map((u) => u.id)));
    for (const page of pages.slice(0, -1)) {
      assert.match(page['@odata.nextLink'], /^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?\$select=id,userType&\$top=999&\$skiptoken=\S+$/);
    }
    assert.equal(pages[2]['@odata.nextLink'], undefined);
    assert.deepEqual(Object.keys(pages[0].value[0]), ['id', 'userType']);
  });

  it('returns only the 11 default user properties without $select, and 100 per page', async () => {
    const { body } = await get('/v1.0/users');
    assert.equal(body.value.length, 100);
    assert.deepEqual(Object.keys(body.value[0]).sort(), [
      'businessPhones',
      'displayName',
      'givenName',
      'id',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
    ]);
  });

  it('returns null for a known but unset $select property, and matches names case-insensitively', async () => {
    const { status, body } = await get('/v1.0/users?$select=id,employeeHireDate,DisplayName&$top=1');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body.value[0]), ['id', 'employeeHireDate', 'displayName']);
    assert.equal(body.value[0].employeeHireDate, null);
  });

  it('refuses an unknown $select property with 400 Request_BadRequest naming the property and the type, as Graph does', async () => {
    const [resource] = [...tenant.assignments.keys()];
    const cases: Array<[string, string]> = [
      ['/v1.0/users?$select=id,notAProperty&$top=1', 'user'],
      ['/v1.0/users/delta?$select=id,notAProperty', 'user'],
      ['/v1.0/servicePrincipals?$select=id,notAProperty', 'servicePrincipal'],
      ['/v1.0/servicePrincipals/delta?$select=notAProperty', 'servicePrincipal'],
      [`/v1.0/servicePrincipals/${resource}/appRoleAssignedTo?$select=id,notAProperty`, 'appRoleAssignment'],
      ['/v1.0/organization?$select=id,notAProperty', 'organization'],
      [`/v1.0/groups/${tenant.groups[1]!.id}/members?$select=id,notAProperty`, 'directoryObject'],
      // A property of another type is unknown too: servicePrincipals have no userPrincipalName.
      ['/v1.0/servicePrincipals?$select=id,userPrincipalName', 'servicePrincipal'],
    ];
    for (const [path, type] of cases) {
      const answer = await get(path);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.error.code, 'Request_BadRequest', path);
      const name = path.includes('userPrincipalName') ? 'userPrincipalName' : 'notAProperty';
      assert.equal(answer.body.error.message, `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`, path);
    }
    // Group members can be of any directoryObject type: a name is valid when one of them has it.
    const members = await get(`/v1.0/groups/${tenant.groups[1]!.id}/members?$select=id,employeeHireDate,operatingSystem,mailNickname`);
    assert.equal(members.status, 200);
    // Five direct members, of which v1.0 lists all but the service principal (its documented known issue).
    assert.equal(members.body.value.length, 4);
  });

  it('refuses $top above the documented maximum with 400 on every route; delta takes no $top at all', async () => {
    const [resource] = [...tenant.assignments.keys()];
    const group = tenant.groups[0]!.id;
    const limits: Array<[string, number]> = [
      ['/v1.0/users?$select=id', 999],
      ['/v1.0/users?$select=id,signInActivity', 500],
      ['/v1.0/servicePrincipals?$select=id', 999],
      [`/v1.0/servicePrincipals/${resource}/appRoleAssignedTo?$select=id`, 999],
      [`/v1.0/groups/${group}/members?$select=id`, 999],
      [`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${tenant.signIns[10]!.createdDateTime}`)}`, 1000],
    ];
    for (const [path, max] of limits) {
      assert.equal((await get(`${path}&$top=${max}`)).status, 200, `${path} $top=${max}`);
      const over = await get(`${path}&$top=${max + 1}`);
      assert.equal(over.status, 400, `${path} $top=${max + 1}`);
      assert.equal(over.body.error.code, path.includes('signIns') ? 'BadRequest' : 'Request_BadRequest');
    }
    // https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters: no $top for users;
    // the servicePrincipal delta page documents only $select and $filter.
    for (const path of ['/v1.0/users/delta?$top=5', '/v1.0/servicePrincipals/delta?$select=id&$top=5']) {
      const answer = await get(path);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.error.code, 'Request_UnsupportedQuery', path);
    }
  });

  it('serves sign-ins with only $top, $skiptoken and $filter; any other option is a 400 as Graph gives', async () => {
    const filter = encodeURIComponent(`createdDateTime ge ${tenant.signIns[30]!.createdDateTime}`);
    assert.equal((await get(`/v1.0/auditLogs/signIns?$filter=${filter}&$top=10`)).status, 200);
    const options: Array<[string, string]> = [
      ['$select=id', 'Select'],
      ['$orderby=createdDateTime', 'OrderBy'],
      ['$count=true', 'Count'],
      ['$expand=x', 'Expand'],
      ['$search="x"', 'Search'],
      ['$skip=10', 'Skip'],
    ];
    for (const [option, name] of options) {
      const answer = await get(`/v1.0/auditLogs/signIns?$top=10&${option}`);
      assert.equal(answer.status, 400, option);
      assert.equal(answer.body.error.code, 'BadRequest', option);
      assert.match(answer.body.error.message, new RegExp(`^Query option '${name}' is not allowed\\.`), option);
    }
    // Other endpoints refuse options their pages do not document: users take no $skip.
    assert.equal((await get('/v1.0/users?$skip=10')).body.error?.code, 'Request_UnsupportedQuery');
  });

  it('logs every Graph request and batch item: method, path, query options, status', async () => {
    emulator.resetMetrics();
    const [resource] = [...tenant.assignments.keys()];
    await get('/v1.0/users?$select=id,mail&$top=5');
    await get('/v1.0/auditLogs/signIns?$select=id');
    const session = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const batch = {
      requests: [
        { id: '1', method: 'GET', url: `/servicePrincipals/${resource}/appRoleAssignedTo?$top=999` },
        { id: '2', method: 'GET', url: '/organization?$select=id' },
      ],
    };
    await httpPost(`${emulator.url}/v1.0/$batch`, JSON.stringify(batch), session);
    const log = emulator.requestLog();
    assert.deepEqual(log.slice(0, 2), [
      {
        method: 'GET',
        path: '/users',
        query: [
          ['$select', 'id,mail'],
          ['$top', '5'],
        ],
        via: 'direct',
        status: 200,
        version: 'v1.0',
      },
      { method: 'GET', path: '/auditLogs/signIns', query: [['$select', 'id']], via: 'direct', status: 400, version: 'v1.0' },
    ]);
    const items = log.filter((e) => e.via === 'batch').sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(items, [
      { method: 'GET', path: '/organization', query: [['$select', 'id']], via: 'batch', status: 200, version: 'v1.0' },
      {
        method: 'GET',
        path: `/servicePrincipals/${resource}/appRoleAssignedTo`,
        query: [['$top', '999']],
        via: 'batch',
        status: 200,
        version: 'v1.0',
      },
    ]);
    assert.deepEqual(log.at(-1), { method: 'POST', path: '/$batch', query: [], via: 'direct', status: 200, version: 'v1.0' });
    emulator.resetMetrics();
    assert.deepEqual(emulator.requestLog(), []);
  });

  it('rejects a skiptoken that was edited or moved to another query', async () => {
    const { body } = await get('/v1.0/users?$select=id&$top=10');
    const moved = body['@odata.nextLink'].replace('$select=id', '$select=id,mail');
    assert.equal((await httpGet(moved, { authorization: `Bearer ${token}` })).status, 400);
  });

  it('filters users by userType eq and in, and refuses other filters with Request_UnsupportedQuery', async () => {
    const guests = await allPages(`${emulator.url}/v1.0/users?$filter=userType eq 'Guest'&$select=id,userType&$top=999`, token);
    const expected = tenant.users.filter((u) => u.userType === 'Guest').map((u) => u.id);
    assert.deepEqual(guests.flatMap((p) => p.value.map((u: any) => u.id)).sort(), expected.sort());
    const both = await allPages(
      `${emulator.url}/v1.0/users?$filter=${encodeURIComponent("userType in ('Guest','Member')")}&$select=id&$top=999`,
      token,
    );
    assert.equal(both.flatMap((p) => p.value).length, tenant.users.filter((u) => u.userType !== null).length);
    const bad = await get(`/v1.0/users?$filter=${encodeURIComponent("endsWith(mail,'@contoso.example')")}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'Request_UnsupportedQuery');
  });

  it('serves servicePrincipals, organization, appRoleAssignedTo and group members (with @odata.type)', async () => {
    const sps = await allPages(`${emulator.url}/v1.0/servicePrincipals?$top=2`, token);
    assert.equal(sps.flatMap((p) => p.value).length, tenant.servicePrincipals.length);
    const org = await get('/v1.0/organization');
    assert.equal(org.body.value[0].id, tenant.tenantId);
    const [resource] = [...tenant.assignments.keys()];
    const assigned = await allPages(`${emulator.url}/v1.0/servicePrincipals/${resource}/appRoleAssignedTo?$top=5`, token);
    assert.deepEqual(
      assigned.flatMap((p) => p.value.map((a: any) => a.id)),
      tenant.assignments.get(resource!)!.map((a) => a.id),
    );
    const bigGroup = tenant.groups[0]!.id;
    const members = await allPages(`${emulator.url}/v1.0/groups/${bigGroup}/members?$select=id,mail&$top=999`, token);
    assert.equal(members.length, 2);
    assert.deepEqual(
      members.flatMap((p) => p.value.map((m: any) => m.id)),
      tenant.groupMembers.get(bigGroup),
    );
    const small = await get(`/v1.0/groups/${tenant.groups[1]!.id}/members`);
    assert.deepEqual(
      small.body.value.map((m: any) => m['@odata.type']),
      ['#microsoft.graph.user', '#microsoft.graph.group', '#microsoft.graph.device', '#microsoft.graph.orgContact'],
      "v1.0 lists no service principal among a group's members (its documented known issue)",
    );
  });

  it('answers 404 Request_ResourceNotFound for an unknown parent and 400 for a malformed id', async () => {
    const missing = await get('/v1.0/servicePrincipals/00000000-0000-4000-8000-000000000000/appRoleAssignedTo');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'Request_ResourceNotFound');
    assert.equal((await get('/v1.0/groups/not-a-guid/members')).status, 400);
  });

  it('serves sign-ins newest first within retention, 1000 per page, nextLinks on /auditLogs/signins', async () => {
    const pages = await allPages(`${emulator.url}/v1.0/auditLogs/signIns`, token);
    const all = pages.flatMap((p) => p.value);
    assert.equal(all.length, 2500);
    assert.equal(pages[0].value.length, 1000);
    assert.match(pages[0]['@odata.nextLink'], /\/v1\.0\/auditLogs\/signins\?\$skiptoken=/);
    const times = all.map((s: any) => s.createdDateTime);
    assert.deepEqual(times, [...times].sort().reverse());
  });

  it('filters sign-ins by unquoted createdDateTime ranges and refuses quoted or beyond-retention literals', async () => {
    const keys = tenant.signIns.slice(0, 2500).map((s) => String(s.createdDateTime));
    const lo = keys[1800]!;
    const hi = keys[200]!;
    const filter = encodeURIComponent(`createdDateTime ge ${lo} and createdDateTime lt ${hi}`);
    const pages = await allPages(`${emulator.url}/v1.0/auditLogs/signIns?$filter=${filter}&$top=500`, token);
    const got = pages.flatMap((p) => p.value.map((s: any) => s.createdDateTime));
    assert.deepEqual(got, keys.slice(201, 1801));
    const quoted = await get(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge '${lo}'`)}`);
    assert.equal(quoted.status, 400);
    assert.equal(quoted.body.error.message, 'Invalid filter clause');
    const old = new Date(tenant.now.getTime() - 31 * 86_400_000).toISOString();
    assert.equal(
      (await get(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${old}`)}`)).body.error.message,
      'Invalid filter clause',
    );
    const other = await get(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent("userId eq 'x'")}`);
    assert.equal(other.body.error.code, 'Request_UnsupportedQuery');
  });

  it('sends x-ms-resource-unit on every Graph answer (users 2, minus 1 with $select)', async () => {
    assert.equal((await get('/v1.0/users')).headers['x-ms-resource-unit'], '2');
    assert.equal((await get('/v1.0/users?$select=id')).headers['x-ms-resource-unit'], '1');
    assert.equal((await get(`/v1.0/groups/${tenant.groups[0]!.id}/members`)).headers['x-ms-resource-unit'], '3');
  });
});
