// The emulator's Graph surface: paging (every record once, verbatim nextLinks), $select, $filter, organization, fan-out lists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from './emulator/emulator.js';
import { startMiniEmulator } from './emulator/mini-tenant.js';
import { allPages, fetchToken, httpGet } from './emulator/test-client.js';
import type { Tenant } from './emulator/types.js';


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
      'businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName',
    ]);
  });

  it('ignores unknown $select properties and returns null for unset known ones', async () => {
    const { status, body } = await get('/v1.0/users?$select=id,notAProperty,employeeHireDate&$top=1');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body.value[0]), ['id', 'employeeHireDate']);
    assert.equal(body.value[0].employeeHireDate, null);
  });

  it('refuses $top above the maximum (999, 500 with signInActivity) with 400', async () => {
    assert.equal((await get('/v1.0/users?$top=1000')).status, 400);
    assert.equal((await get('/v1.0/users?$select=id,signInActivity&$top=999')).status, 400);
    assert.equal((await get('/v1.0/users?$select=id,signInActivity&$top=500')).status, 200);
    const signIns = await get('/v1.0/auditLogs/signIns?$top=1001');
    assert.equal(signIns.status, 400);
    assert.equal(signIns.body.error.code, 'BadRequest');
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
    const both = await allPages(`${emulator.url}/v1.0/users?$filter=${encodeURIComponent("userType in ('Guest','Member')")}&$select=id&$top=999`, token);
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
    assert.deepEqual(assigned.flatMap((p) => p.value.map((a: any) => a.id)), tenant.assignments.get(resource!)!.map((a) => a.id));
    const bigGroup = tenant.groups[0]!.id;
    const members = await allPages(`${emulator.url}/v1.0/groups/${bigGroup}/members?$select=id,mail&$top=999`, token);
    assert.equal(members.length, 2);
    assert.deepEqual(members.flatMap((p) => p.value.map((m: any) => m.id)), tenant.groupMembers.get(bigGroup));
    const small = await get(`/v1.0/groups/${tenant.groups[1]!.id}/members`);
    assert.deepEqual(small.body.value.map((m: any) => m['@odata.type']), [
      '#microsoft.graph.user', '#microsoft.graph.group', '#microsoft.graph.device', '#microsoft.graph.servicePrincipal', '#microsoft.graph.orgContact',
    ]);
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
    assert.equal((await get(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${old}`)}`)).body.error.message, 'Invalid filter clause');
    const other = await get(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent("userId eq 'x'")}`);
    assert.equal(other.body.error.code, 'Request_UnsupportedQuery');
  });

  it('sends x-ms-resource-unit on every Graph answer (users 2, minus 1 with $select)', async () => {
    assert.equal((await get('/v1.0/users')).headers['x-ms-resource-unit'], '2');
    assert.equal((await get('/v1.0/users?$select=id')).headers['x-ms-resource-unit'], '1');
    assert.equal((await get(`/v1.0/groups/${tenant.groups[0]!.id}/members`)).headers['x-ms-resource-unit'], '3');
  });
});
