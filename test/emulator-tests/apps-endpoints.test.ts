// The emulator's application, consent, licence and role endpoints: Graph's caps and refusals, the switches for what Graph
// does not document, the keyCredentials limit, and the generated cases the connector's tests rely on.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_PERMISSIONS, type Emulator, startEmulator } from '../emulator/index.js';
import { generateTenant } from '../emulator/tenant.js';
import { tenantSkus, withConsumedUnits } from '../emulator/tenant-licences.js';
import { graphSession } from '../emulator/test-client.js';

const SIZES = { users: 60, servicePrincipals: 40, groups: 4, assignments: 20, signIns: 0, signInsBeyondRetention: 0 };

describe('application, consent, licence and role endpoints', () => {
  let emulator: Emulator;
  let session: Awaited<ReturnType<typeof graphSession>>;
  before(async () => {
    emulator = await startEmulator({ seed: 41, sizes: { ...SIZES, extraApplications: 120 } });
    session = await graphSession(emulator);
  });
  after(() => emulator?.stop());
  beforeEach(() =>
    emulator.configure({
      roleAssignmentsRequireFilter: false,
      rolePrincipalNamesNeedReadPermission: false,
      delegatedPermissionGrantReadAll: false,
    }),
  );

  it('$expand=owners returns at most 20 owners per application, and pages of at most 100 even with $top=999', async () => {
    const page = await session.get('/v1.0/applications?$select=id&$expand=owners($select=id)&$top=999');
    assert.equal(page.status, 200);
    assert.equal(page.body.value.length, 100);
    assert.match(page.body['@odata.nextLink'], /\$top=999/);
    const owners = emulator.tenant.applicationOwners!;
    for (const app of page.body.value) {
      const expected = owners.get(app.id)!;
      assert.equal(app.owners.length, Math.min(20, expected.length));
      for (const owner of app.owners) assert.deepEqual(Object.keys(owner).sort(), ['@odata.type', 'id']);
    }
    const big = [...owners].find(([, ids]) => ids.length > 20)!;
    const all = await session.get(`/v1.0/applications/${big[0]}/owners?$select=id&$top=999`);
    assert.deepEqual(
      all.body.value.map((o: { id: string }) => o.id),
      big[1],
    );
    // Without $expand, $top=999 is honoured.
    assert.equal((await session.get('/v1.0/applications?$select=id&$top=999')).body.value.length, emulator.tenant.applications!.length);
  });

  it('refuses what Graph refuses: unknown $select names, $top on the grants and the licences, other expansions', async () => {
    const refused = await session.get('/v1.0/applications?$select=id,owners');
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /Could not find a property named 'owners' on type 'microsoft\.graph\.application'/);
    assert.equal((await session.get('/v1.0/applications?$expand=owners($select=nope)')).status, 400);
    assert.equal((await session.get('/v1.0/applications?$expand=extensionProperties')).status, 400);
    assert.equal((await session.get('/v1.0/oauth2PermissionGrants?$top=5')).status, 400);
    assert.equal((await session.get('/v1.0/subscribedSkus?$top=5')).status, 400);
    assert.equal((await session.get('/v1.0/subscribedSkus?$filter=appliesTo%20eq%20%27User%27')).status, 400);
    assert.equal((await session.get('/v1.0/roleManagement/directory/roleAssignments?$top=5')).status, 400);
    assert.equal((await session.get('/v1.0/roleManagement/directory/roleAssignments?$expand=roleDefinition')).status, 400);
    assert.equal((await session.get('/v1.0/roleManagement/directory/roleDefinitions?$select=id')).status, 400);
    assert.equal((await session.get('/v1.0/applications/00000000-0000-4000-8000-000000000000/owners')).status, 404);
  });

  it('roleAssignmentsRequireFilter: the unfiltered list is a 400 BadRequest; a filter on the definition or the principal works', async () => {
    assert.equal((await session.get('/v1.0/roleManagement/directory/roleAssignments')).status, 200);
    emulator.configure({ roleAssignmentsRequireFilter: true });
    const refused = await session.get('/v1.0/roleManagement/directory/roleAssignments?$expand=principal');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'BadRequest');
    const globalAdmins = await session.get(
      "/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId%20eq%20'62e90394-69f5-4237-9190-012177145e10'&$expand=principal",
    );
    assert.equal(globalAdmins.status, 200);
    assert.ok(globalAdmins.body.value.length >= 2);
    for (const a of globalAdmins.body.value) assert.equal(a.principal['@odata.type'], '#microsoft.graph.user');
    const principal = globalAdmins.body.value[0].principalId;
    const byPrincipal = await session.get(`/v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'${principal}'`);
    assert.ok(byPrincipal.body.value.every((a: { principalId: string }) => a.principalId === principal));
  });

  it('rolePrincipalNamesNeedReadPermission: principals come as type and id only to a caller that may not read them', async () => {
    emulator.configure({ rolePrincipalNamesNeedReadPermission: true });
    emulator.setPermissions(['RoleManagement.Read.Directory']);
    await session.renew();
    try {
      const answer = await session.get('/v1.0/roleManagement/directory/roleAssignments?$expand=principal');
      assert.equal(answer.status, 200);
      for (const a of answer.body.value) assert.deepEqual(Object.keys(a.principal).sort(), ['@odata.type', 'id']);
    } finally {
      emulator.setPermissions(DEFAULT_PERMISSIONS);
      await session.renew();
    }
  });

  it('DelegatedPermissionGrant.Read.All opens the grants only with delegatedPermissionGrantReadAll', async () => {
    emulator.setPermissions(['DelegatedPermissionGrant.Read.All']);
    await session.renew();
    try {
      assert.equal((await session.get('/v1.0/oauth2PermissionGrants')).status, 403);
      emulator.configure({ delegatedPermissionGrantReadAll: true });
      const answer = await session.get('/v1.0/oauth2PermissionGrants?$select=id,scope');
      assert.equal(answer.status, 200);
      assert.deepEqual(Object.keys(answer.body.value[0]).sort(), ['id', 'scope']);
    } finally {
      emulator.setPermissions(DEFAULT_PERMISSIONS);
      await session.renew();
    }
  });
});

describe('the keyCredentials limit', () => {
  it('allows 150 requests selecting keyCredentials per (scaled) minute, on top of the RU budget; others pass', async () => {
    let clockMs = 0;
    const emulator = await startEmulator({
      seed: 42,
      sizes: SIZES,
      throttling: { enabled: true, timeScale: 60, ruPer10s: 100_000 },
      throttleClock: () => clockMs,
    });
    try {
      const session = await graphSession(emulator);
      const statuses: number[] = [];
      for (let i = 0; i < 151; i++) statuses.push((await session.get('/v1.0/applications?$select=id,keyCredentials&$top=1')).status);
      assert.deepEqual(statuses.slice(0, 150), Array(150).fill(200));
      const refused = await session.get('/v1.0/applications?$select=id,keyCredentials&$top=1');
      assert.equal(refused.status, 429);
      // Without keyCredentials (explicitly left out of $select), and the owners relationship, are not limited.
      assert.equal((await session.get('/v1.0/applications?$select=id&$top=1')).status, 200);
      // No $select: the default properties include keyCredentials.
      assert.equal((await session.get('/v1.0/applications?$top=1')).status, 429);
      // The window is a minute / 60 = 1 s.
      clockMs = 1_000;
      assert.equal((await session.get('/v1.0/applications?$select=id,keyCredentials&$top=1')).status, 200);
    } finally {
      await emulator.stop();
    }
  });
});

describe('the generated sections', () => {
  const tenant = generateTenant(43, { ...SIZES, users: 80 }, new Date(Date.UTC(2026, 5, 1)));
  const now = tenant.now.getTime();

  it('app registrations: one per tenant-owned service principal (same appId and name), owners past the cap, every credential case', () => {
    const apps = tenant.applications!;
    const appIds = new Set(apps.map((a) => a.appId));
    const owned = tenant.servicePrincipals.filter((sp) => sp.appOwnerOrganizationId === tenant.tenantId);
    for (const sp of owned) assert.ok(appIds.has(sp.appId), `${sp.displayName} has its registration`);
    assert.equal(apps.length, owned.length + 4);
    const counts = apps.map((a) => tenant.applicationOwners!.get(a.id)!.length);
    assert.ok(counts.includes(23) && counts.includes(20) && counts.includes(0));
    const ends = apps.flatMap((a) => [
      ...(a.passwordCredentials as { endDateTime: string }[]),
      ...(a.keyCredentials as { endDateTime: string }[]),
    ]);
    const days = ends.map((c) => (Date.parse(c.endDateTime) - now) / 86_400_000);
    assert.ok(days.some((d) => d < 0) && days.some((d) => d > 0 && d < 30) && days.some((d) => d > 300));
    // Never within a day of now or of now + 30 days: "within 30 days" cannot flip during a test.
    assert.ok(
      days.every((d) => Math.abs(d) >= 1 && Math.abs(d - 30) >= 1),
      JSON.stringify(days),
    );
  });

  it('grants, licences and roles: every case the streams must handle', () => {
    const grants = tenant.oauth2PermissionGrants!;
    assert.ok(grants.some((g) => g.consentType === 'AllPrincipals') && grants.some((g) => g.consentType === 'Principal'));
    assert.equal(new Set(grants.map((g) => g.id)).size, grants.length);
    const skus = tenant.subscribedSkus!;
    assert.deepEqual([...new Set(skus.map((s) => s.capabilityStatus))].sort(), ['Enabled', 'Suspended', 'Warning']);
    assert.deepEqual(
      withConsumedUnits(tenantSkus(43, 80), tenant.users),
      skus,
      "tenantSkus(seed, users) is the tenant's SKU list, consumed units counted from the users' assignedLicenses",
    );
    // Every licence a user holds is one of the SKUs the tenant bought, and each assigned SKU counts its users.
    const held = tenant.users.flatMap((u) => ((u.assignedLicenses as { skuId: string }[] | undefined) ?? []).map((l) => l.skuId));
    assert.ok(held.length > 0);
    for (const skuId of new Set(held)) {
      const sku = skus.find((s) => s.skuId === skuId);
      assert.ok(sku, `${skuId} is bought`);
      assert.equal(sku!.consumedUnits, held.filter((id) => id === skuId).length);
    }
    const definitions = tenant.roleDefinitions!;
    const custom = definitions.find((d) => d.isBuiltIn === false)!;
    assert.notEqual(custom.id, custom.templateId);
    assert.ok(definitions.filter((d) => d.isBuiltIn).every((d) => d.id === d.templateId));
    const assignments = tenant.roleAssignments!;
    assert.ok(
      assignments.some((a) => a.roleDefinitionId === custom.templateId) && assignments.some((a) => a.roleDefinitionId === custom.id),
    );
    assert.ok(assignments.some((a) => String(a.directoryScopeId).startsWith('/administrativeUnits/')));
    assert.equal(new Set(assignments.map((a) => a.id)).size, assignments.length);
  });
});
