// The emulator's groups: the generated kinds, GET /groups, /groups/{id}, /groups/delta (members@delta), the members known
// issues behind their switches, group mutations, and the groups' ground truth.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PERMISSIONS, type Emulator, startEmulator } from '../emulator/index.js';
import { applyMutations } from '../emulator/mutations.js';
import { generateTenant } from '../emulator/tenant.js';
import { graphSession } from '../emulator/test-client.js';
import { groupKindOf, truthGroupMembers, truthGroups } from '../emulator/truth-groups.js';
import type { GraphObject } from '../emulator/types.js';

type Session = Awaited<ReturnType<typeof graphSession>>;
const NOW = new Date('2026-06-15T12:00:00Z');

/** Follows nextLinks to the deltaLink; returns every record and the deltaLink. */
async function round(session: Session, url: string) {
  const records: any[] = [];
  let next: string | undefined = url;
  for (let guard = 0; next && guard < 100; guard += 1) {
    const answer = await session.get(next);
    assert.equal(answer.status, 200, answer.text);
    records.push(...answer.body.value);
    if (answer.body['@odata.deltaLink']) return { records, deltaLink: answer.body['@odata.deltaLink'] as string };
    next = answer.body['@odata.nextLink'];
  }
  throw new Error('no deltaLink');
}

describe('generated groups of every kind', () => {
  const tenant = generateTenant(11, {}, NOW);
  const plain = generateTenant(11, { groupKinds: false }, NOW);
  const kinds = tenant.groups.slice(plain.groups.length);

  it('come from their own section after the assignments: every other section is unchanged, and none is assigned', () => {
    assert.deepEqual(tenant.groups.slice(0, plain.groups.length), plain.groups);
    for (const key of ['users', 'servicePrincipals', 'devices', 'contacts', 'signIns'] as const)
      assert.equal(JSON.stringify(tenant[key]), JSON.stringify(plain[key]), key);
    assert.equal(JSON.stringify([...tenant.assignments]), JSON.stringify([...plain.assignments]));
    const assigned = new Set([...tenant.assignments.values()].flat().map((a) => a.principalId));
    assert.equal(kinds.length, 9);
    for (const g of kinds) assert.ok(!assigned.has(g.id), `${String(g.displayName)} is not assigned`);
  });

  it('cover every group type, dynamic rules, hidden membership, on-premises sync, role-assignable groups and every member type', () => {
    assert.deepEqual([...new Set(tenant.groups.map(groupKindOf))].sort(), [
      'Distribution',
      'Mail-enabled security',
      'Microsoft 365',
      'Security',
    ]);
    const dynamic = kinds.filter((g) => (g.groupTypes as string[]).includes('DynamicMembership'));
    assert.equal(dynamic.length, 2);
    for (const g of dynamic) assert.match(String(g.membershipRule), /^\(user\.department -eq "/);
    const sales = tenant.users.filter((u) => u.department === 'Sales').map((u) => u.id);
    assert.deepEqual(tenant.groupMembers.get(dynamic[0]!.id), sales, 'the dynamic group holds whom its rule selects');
    const hidden = tenant.groups.find((g) => g.id === tenant.landmarks!.hiddenGroup)!;
    assert.equal(hidden.visibility, 'HiddenMembership');
    assert.ok(tenant.groupMembers.get(hidden.id)!.length > 0);
    assert.ok(kinds.some((g) => g.onPremisesSyncEnabled === true && typeof g.onPremisesLastSyncDateTime === 'string'));
    assert.ok(kinds.some((g) => g.isAssignableToRole === true));
    const byKind = new Map<string, string>();
    for (const [list, kind] of [
      [tenant.users, 'user'],
      [tenant.groups, 'group'],
      [tenant.devices, 'device'],
      [tenant.servicePrincipals, 'servicePrincipal'],
      [tenant.contacts, 'orgContact'],
    ] as const)
      for (const o of list) byKind.set(o.id, kind);
    const memberKinds = new Set(kinds.flatMap((g) => tenant.groupMembers.get(g.id)!.map((id) => byKind.get(id))));
    assert.deepEqual([...memberKinds].sort(), ['device', 'group', 'orgContact', 'servicePrincipal', 'user']);
  });

  it('ground truth: group kinds by groupTypes x mailEnabled x securityEnabled, and the member rows Graph v1.0 gives', () => {
    const kind = (groupTypes: string[], mailEnabled: boolean, securityEnabled: boolean) =>
      groupKindOf({ id: 'x', groupTypes, mailEnabled, securityEnabled });
    assert.equal(kind(['Unified'], true, false), 'Microsoft 365');
    assert.equal(kind(['Unified', 'DynamicMembership'], true, true), 'Microsoft 365');
    assert.equal(kind([], false, true), 'Security');
    assert.equal(kind(['DynamicMembership'], false, true), 'Security');
    assert.equal(kind([], true, true), 'Mail-enabled security');
    assert.equal(kind([], true, false), 'Distribution');
    assert.equal(kind([], false, false), null);
    assert.equal(truthGroups(tenant).length, tenant.groups.length);
    const rows = truthGroupMembers(tenant);
    const hidden = tenant.landmarks!.hiddenGroup!;
    assert.ok(!rows.some((r) => r.groupId === hidden), 'hidden membership needs Member.Read.Hidden');
    assert.ok(!rows.some((r) => r.memberType === 'servicePrincipal'), "v1.0's known issue");
    const all = truthGroupMembers(tenant, { readsHidden: true, listsServicePrincipals: true });
    const memberships = [...tenant.groupMembers.values()].reduce((n, m) => n + m.length, 0);
    assert.equal(all.length, memberships);
    const limited = truthGroupMembers(tenant, { readable: ['group'] });
    assert.ok(limited.filter((r) => r.memberType === 'user').every((r) => r.memberDisplayName === null && r.memberMail === null));
    assert.ok(limited.filter((r) => r.memberType === 'group').every((r) => typeof r.memberDisplayName === 'string'));
  });

  it('mutations: only Microsoft 365 groups are soft-deleted, a restore brings the members back, membership changes leave the group as it was', () => {
    const t = generateTenant(13, { users: 60, groups: 12 }, NOW);
    const unified = (g: GraphObject) => (g.groupTypes as string[]).includes('Unified');
    const deleted = applyMutations(t, 1, { resources: ['groups'], softDeletes: 2, hardDeletes: 1 });
    const soft = deleted.filter((c) => c.kind === 'changed');
    assert.equal(soft.length, 2);
    for (const c of soft) assert.ok(unified(t.deletedItems!.get(c.id)!.object), 'a soft-deleted group is a Microsoft 365 group');
    const membersBefore = new Map(soft.map((c) => [c.id, t.deletedItems!.get(c.id)!.members!]));
    for (const c of deleted) assert.ok(!t.groupMembers.has(c.id) && !t.groups.some((g) => g.id === c.id));
    applyMutations(t, 2, { resources: ['groups'], restores: 2 });
    for (const [id, members] of membersBefore) assert.deepEqual(t.groupMembers.get(id), members);
    const before = JSON.stringify(t.groups);
    const changes = applyMutations(t, 3, { memberChanges: 4 });
    assert.equal(changes.length, 4);
    assert.equal(JSON.stringify(t.groups), before, 'membership changes do not change group objects');
    for (const c of changes) {
      assert.deepEqual(c.properties, ['members']);
      assert.equal((c.membersAdded?.length ?? 0) + (c.membersRemoved?.length ?? 0), 1);
    }
  });
});

describe('emulator groups endpoints', () => {
  let emulator: Emulator;
  let session: Session;
  before(async () => {
    emulator = await startEmulator({ seed: 3, sizes: { users: 40, servicePrincipals: 8, groups: 120, assignments: 20, signIns: 0 } });
    session = await graphSession(emulator);
  });
  after(() => emulator.stop());

  it('lists groups in pages with $select, refuses properties only a single group returns, and serves a group by id', async () => {
    const first = await session.get('/v1.0/groups?$select=id,displayName,groupTypes&$top=50');
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.body.value[0]), ['id', 'displayName', 'groupTypes']);
    assert.match(first.body['@odata.nextLink'], /\/v1\.0\/groups\?.*\$skiptoken=/);
    for (const name of ['allowExternalSenders', 'isArchived', 'hasMembersWithLicenseErrors']) {
      for (const path of [`/v1.0/groups?$select=id,${name}`, `/v1.0/groups/delta?$select=id,${name}`]) {
        const refused = await session.get(path);
        assert.equal(refused.status, 400, path);
        assert.match(refused.body.error.message, /supported only when reading a single group/);
      }
    }
    assert.equal((await session.get('/v1.0/groups?$select=id,notAProperty')).status, 400);
    assert.equal((await session.get('/v1.0/groups?$top=1000')).status, 400);
    const group = emulator.tenant.groups[5]!;
    const one = await session.get(`/v1.0/groups/${group.id}?$select=id,displayName,allowExternalSenders`);
    assert.equal(one.status, 200);
    assert.equal(one.body.displayName, group.displayName);
    assert.equal((await session.get('/v1.0/groups/00000000-0000-4000-8000-000000000000')).status, 404);
  });

  it('needs a group permission; hidden membership needs Member.Read.Hidden (403), even with Directory.Read.All', async () => {
    const hidden = emulator.tenant.landmarks!.hiddenGroup!;
    const refused = await session.get(`/v1.0/groups/${hidden}/members?$select=id`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'Authorization_RequestDenied');
    emulator.setPermissions([...DEFAULT_PERMISSIONS, 'Member.Read.Hidden']);
    await session.renew();
    const listed = await session.get(`/v1.0/groups/${hidden}/members?$select=id`);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.value.map((m: any) => m.id),
      emulator.tenant.groupMembers.get(hidden),
    );
    emulator.setPermissions(['User.Read.All']);
    await session.renew();
    for (const path of ['/v1.0/groups', '/v1.0/groups/delta', `/v1.0/groups/${hidden}`])
      assert.equal((await session.get(path)).status, 403, path);
    emulator.setPermissions(DEFAULT_PERMISSIONS);
    await session.renew();
  });

  it('delta: members@delta only with `members` selected (or nothing); membership changes only then; deletions with reasons', async () => {
    const plain = await round(session, '/v1.0/groups/delta?$select=id,displayName');
    assert.equal(plain.records.length, emulator.tenant.groups.length);
    assert.ok(plain.records.every((g) => !('members@delta' in g)));
    const withMembers = await round(session, '/v1.0/groups/delta?$select=id,displayName,members');
    const someGroup = withMembers.records.find((g) => g.id === emulator.tenant.groups[3]!.id)!;
    assert.deepEqual(
      someGroup['members@delta'].map((m: any) => m.id),
      emulator.tenant.groupMembers.get(someGroup.id),
    );
    assert.deepEqual(Object.keys(someGroup['members@delta'][0]).sort(), ['@odata.type', 'id']);
    const changes = emulator.mutate({ memberChanges: 3 });
    const changed = new Set(changes.map((c) => c.id));
    assert.deepEqual((await round(session, plain.deltaLink)).records, [], 'a membership change is not reported without members');
    const reported = await round(session, withMembers.deltaLink);
    assert.deepEqual(new Set(reported.records.map((g) => g.id)), changed);
    for (const change of changes) {
      const entry = reported.records.find((g) => g.id === change.id)!['members@delta'];
      for (const id of change.membersAdded ?? []) assert.ok(entry.some((m: any) => m.id === id && !m['@removed']));
      for (const id of change.membersRemoved ?? []) assert.ok(entry.some((m: any) => m.id === id && m['@removed']?.reason === 'deleted'));
    }
    const removals = emulator.mutate({ resources: ['groups'], softDeletes: 1, hardDeletes: 1 });
    const after = await round(session, plain.deltaLink);
    for (const c of removals)
      assert.deepEqual(after.records.find((g) => g.id === c.id)['@removed'], { reason: c.kind === 'changed' ? 'changed' : 'deleted' });
  });
});

describe('group members: the other documented answers behind switches', () => {
  let emulator: Emulator;
  let session: Session;
  before(async () => {
    emulator = await startEmulator({
      seed: 4,
      sizes: { users: 30, servicePrincipals: 8, groups: 6, assignments: 10, signIns: 0 },
      groupMembersListServicePrincipals: true,
      hiddenMembershipAnswer: 'empty',
      limitedMembersAsNulls: true,
      permissions: ['GroupMember.Read.All'],
    });
    session = await graphSession(emulator);
  });
  after(() => emulator.stop());

  it('lists service principals, answers hidden membership with no members, and gives unreadable members null properties', async () => {
    const t = emulator.tenant;
    const sps = new Set(t.servicePrincipals.map((s) => s.id));
    const withSp = t.groups.find((g) => t.groupMembers.get(g.id)!.some((id) => sps.has(id)))!;
    const listed = await session.get(`/v1.0/groups/${withSp.id}/members?$select=id,displayName,userPrincipalName`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.value.length, t.groupMembers.get(withSp.id)!.length);
    const user = listed.body.value.find((m: any) => m['@odata.type'] === '#microsoft.graph.user');
    assert.deepEqual(user, { '@odata.type': '#microsoft.graph.user', id: user.id, displayName: null, userPrincipalName: null });
    const hidden = await session.get(`/v1.0/groups/${t.landmarks!.hiddenGroup}/members`);
    assert.equal(hidden.status, 200);
    assert.deepEqual(hidden.body.value, []);
  });
});
