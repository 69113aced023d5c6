// Directory changes between syncs (for delta tests): creates, updates, soft and hard deletes and restores of users,
// service principals, groups and applications, and membership changes, each recorded in tenant.changeLog as a DirectoryChange.
// Delta semantics: https://learn.microsoft.com/graph/delta-query-overview#resource-representation-in-the-delta-query-response

import { contextOf } from './tenant.js';
import { APPLICATION_UPDATES, createApplication, updateApplication } from './tenant-applications.js';
import { createServicePrincipal } from './tenant-apps.js';
import { createGroup } from './tenant-groups.js';
import { isoTicks, Random } from './tenant-random.js';
import { createMember, DEPARTMENTS } from './tenant-users.js';
import type { DeletedItem, DirectoryChange, GraphObject, Tenant } from './types.js';

type Resource = DirectoryChange['resource'];

export interface MutationCounts {
  creates?: number;
  updates?: number;
  /** Removed from the lists but restorable: delta reports `@removed: {reason: 'changed'}`. */
  softDeletes?: number;
  /** Gone for good: `@removed: {reason: 'deleted'}`. */
  hardDeletes?: number;
  /** Soft-deleted objects brought back (oldest deletions first; fewer when fewer are in the bin): 'updated'. */
  restores?: number;
  /**
   * Users only: manager changes, in turn a manager assigned (or replaced), a manager removed, a manager replaced by
   * another; each an 'updated' change of the property `manager`. Managers themselves are never deleted by mutations.
   */
  managerChanges?: number;
  /** Which collections change; each gets the counts above. Default users and service principals (groups and applications only when named). */
  resources?: Resource[];
  /**
   * Membership changes of groups (a user added to, or a member removed from, a group), which change no property of the
   * group: a groups delta without `members` in its $select does not report them. Independent of `resources`.
   */
  memberChanges?: number;
}

/** Users' updates in turn: each can change what the users stream keeps (domain and include_guests filters). */
const USER_UPDATES = ['department', 'mail', 'userType', 'domain'] as const;
const SP_UPDATES = ['assignmentRequired', 'ssoMode', 'replyUrls'] as const;
/** Groups' updates in turn; never the displayName, which assignments repeat as their principalDisplayName. */
const GROUP_UPDATES = ['description', 'classification', 'securityEnabled'] as const;
const CLASSIFICATIONS = ['Low', 'Medium', 'High'];

function listOf(tenant: Tenant, resource: Resource): GraphObject[] {
  if (resource === 'applications') {
    tenant.applications ??= [];
    return tenant.applications;
  }
  return resource === 'users' ? tenant.users : resource === 'groups' ? tenant.groups : tenant.servicePrincipals;
}

function replaceIn(list: GraphObject[], updated: GraphObject): void {
  list[list.findIndex((o) => o.id === updated.id)] = updated;
}

/** A new mail on `domain`, moving the old primary to a secondary smtp: entry (how Exchange keeps the old address). */
function withMail(user: GraphObject, domain: string, moveUpn: boolean): GraphObject {
  const upn = String(user.userPrincipalName);
  const local = (typeof user.mail === 'string' ? user.mail : upn).split('@')[0]!.split('#')[0]!;
  const mail = `${local}@${domain}`;
  const proxies = ((user.proxyAddresses as string[]) ?? []).map((p) => (p.startsWith('SMTP:') ? `smtp:${p.slice(5)}` : p));
  return {
    ...user,
    mail,
    proxyAddresses: [`SMTP:${mail}`, ...proxies],
    userPrincipalName: moveUpn && !upn.includes('#EXT#') ? `${upn.split('@')[0]}@${domain}` : upn,
  };
}

function updateUser(user: GraphObject, how: (typeof USER_UPDATES)[number], rng: Random, tenant: Tenant): GraphObject {
  switch (how) {
    case 'department':
      return {
        ...user,
        department: DEPARTMENTS.find((d) => d !== user.department && rng.chance(0.5)) ?? (user.department === 'Legal' ? 'Sales' : 'Legal'),
      };
    case 'mail':
      return withMail(user, domainOtherThan(user.mail, ['contoso.co.example', 'northwind.example']), false);
    case 'userType':
      return { ...user, userType: user.userType === 'Guest' ? 'Member' : 'Guest' };
    case 'domain':
      return withMail(user, domainOtherThan(user.mail, ['northwind.example', tenant.defaultDomain]), true);
  }
}

function domainOtherThan(mail: unknown, candidates: string[]): string {
  const current = typeof mail === 'string' ? mail.slice(mail.lastIndexOf('@') + 1).toLowerCase() : '';
  return candidates.find((d) => d !== current)!;
}

function updateServicePrincipal(sp: GraphObject, how: (typeof SP_UPDATES)[number]): GraphObject {
  switch (how) {
    case 'assignmentRequired':
      return { ...sp, appRoleAssignmentRequired: !sp.appRoleAssignmentRequired };
    case 'ssoMode':
      return { ...sp, preferredSingleSignOnMode: sp.preferredSingleSignOnMode === 'oidc' ? 'saml' : 'oidc' };
    case 'replyUrls':
      return { ...sp, replyUrls: [...((sp.replyUrls as string[]) ?? []), `https://app-${String(sp.id).slice(0, 8)}.example/callback`] };
  }
}

function updateGroup(group: GraphObject, how: (typeof GROUP_UPDATES)[number]): GraphObject {
  switch (how) {
    case 'description':
      return { ...group, description: `${String(group.description ?? group.displayName)} (updated)` };
    case 'classification':
      return {
        ...group,
        classification: CLASSIFICATIONS[(CLASSIFICATIONS.indexOf(String(group.classification)) + 1) % CLASSIFICATIONS.length],
      };
    case 'securityEnabled':
      // Only a Microsoft 365 group may switch security on or off; the others change their description instead.
      return ((group.groupTypes as string[]) ?? []).includes('Unified')
        ? { ...group, securityEnabled: !group.securityEnabled }
        : updateGroup(group, 'description');
  }
}

/** The properties whose value differs between two versions of an object (what a minimal delta entry carries). */
function changedProperties(before: GraphObject, after: GraphObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null));
}

/** Removes `id` from the directory: its group memberships and the assignments it holds or (as a resource) has. */
function detach(tenant: Tenant, id: string): Pick<DeletedItem, 'groupIds' | 'assignments' | 'assignedTo'> {
  const groupIds: string[] = [];
  for (const [groupId, members] of tenant.groupMembers) {
    const at = members.indexOf(id);
    if (at >= 0) {
      tenant.groupMembers.set(
        groupId,
        members.filter((m) => m !== id),
      );
      groupIds.push(groupId);
    }
  }
  const assignments: GraphObject[] = [];
  for (const [resourceId, list] of tenant.assignments) {
    if (list.some((a) => a.principalId === id)) {
      assignments.push(...list.filter((a) => a.principalId === id));
      tenant.assignments.set(
        resourceId,
        list.filter((a) => a.principalId !== id),
      );
    }
  }
  const assignedTo = tenant.assignments.get(id) ?? [];
  tenant.assignments.delete(id);
  return { groupIds, assignments, assignedTo };
}

/** Puts a soft-deleted object back with what still exists of its memberships and assignments (and a group's own members). */
function restore(tenant: Tenant, item: DeletedItem): void {
  listOf(tenant, item.resource).push(item.object);
  if (item.members) {
    const present = new Set(
      [tenant.users, tenant.groups, tenant.servicePrincipals, tenant.devices, tenant.contacts].flat().map((o) => o.id),
    );
    tenant.groupMembers.set(
      item.object.id,
      item.members.filter((id) => present.has(id)),
    );
  }
  for (const groupId of item.groupIds) {
    const members = tenant.groupMembers.get(groupId);
    if (members) tenant.groupMembers.set(groupId, [...members, item.object.id]);
  }
  const resources = new Set(tenant.servicePrincipals.map((sp) => sp.id));
  for (const a of item.assignments) {
    const resourceId = String(a.resourceId);
    if (resources.has(resourceId)) tenant.assignments.set(resourceId, [...(tenant.assignments.get(resourceId) ?? []), a]);
  }
  if (item.assignedTo.length) tenant.assignments.set(item.object.id, item.assignedTo);
}

/** `count` distinct random objects of `list` that are not in `taken` (fewer if the list runs out). */
function pickDistinct(rng: Random, list: GraphObject[], count: number, taken: Set<string>): GraphObject[] {
  const picked: GraphObject[] = [];
  for (let attempts = 0; picked.length < count && attempts < count * 20 + 100; attempts++) {
    const o = list[rng.int(list.length)];
    if (o && !taken.has(o.id)) {
      taken.add(o.id);
      picked.push(o);
    }
  }
  return picked;
}

/**
 * `count` manager changes on users not in `taken` (added to it): in turn assign or replace, remove, replace.
 * Returns [userId, previous manager] per change. The new manager is one of the tenant's managers (or any other user).
 */
function changeManagers(tenant: Tenant, rng: Random, count: number, taken: Set<string>): [string, string | null][] {
  if (count <= 0) return [];
  tenant.managers ??= new Map();
  const managers = tenant.managers;
  const pool = [...new Set(managers.values())];
  const done: [string, string | null][] = [];
  for (let k = 0; k < count; k++) {
    const remove = k % 3 === 1;
    // A removal needs a user who has a manager; the others take anyone.
    const candidates = tenant.users.filter((u) => !taken.has(u.id) && (!remove || managers.has(u.id)));
    const [user] = pickDistinct(rng, candidates, 1, taken);
    if (!user) break;
    const previous = managers.get(user.id) ?? null;
    if (remove) managers.delete(user.id);
    else {
      const choices = (pool.length > 1 ? pool : tenant.users.map((u) => u.id)).filter((id) => id !== user.id && id !== previous);
      managers.set(user.id, choices[rng.int(choices.length)]!);
    }
    done.push([user.id, previous]);
  }
  return done;
}

/**
 * Applies the changes to `tenant` in place (lists, groupMembers, assignments, deletedItems) and appends them to
 * tenant.changeLog; returns the entries appended. Deterministic for (tenant state, seed). Objects are replaced,
 * never modified, so a record already served keeps its old content. The generator's landmarks are never deleted.
 */
export function applyMutations(tenant: Tenant, seed: number, counts: MutationCounts): DirectoryChange[] {
  tenant.changeLog ??= [];
  tenant.deletedItems ??= new Map();
  const log = tenant.changeLog;
  const bin = tenant.deletedItems;
  const rng = Random.forSection(seed, `mutations:${log.length}`);
  // Change times follow the tenant's clock (a minute per earlier change), not the wall clock: results stay deterministic.
  const nowMs = tenant.now.getTime() + 60_000 * (log.length + 1);
  const ctx = contextOf(tenant, nowMs);
  const appended: DirectoryChange[] = [];
  const record = (resource: Resource, id: string, kind: DirectoryChange['kind'], how?: Partial<DirectoryChange>) => {
    const change: DirectoryChange = { seq: (log[log.length - 1]?.seq ?? 0) + 1, resource, id, kind, ...how };
    log.push(change);
    appended.push(change);
  };
  const landmarks = tenant.landmarks;
  const protectedIds = [
    landmarks?.twinUser,
    landmarks?.twinApp,
    ...(landmarks?.twinGroups ?? []),
    ...(landmarks?.bigGroups ?? []),
    landmarks?.parentGroup,
    landmarks?.childGroup,
    landmarks?.emptyGroup,
    landmarks?.hiddenGroup,
  ].filter((id): id is string => !!id);

  // Owners of applications: the tenant's members and service principals (as the generator picks them).
  const owners = () => ({ users: tenant.users.filter((u) => u.userType !== 'Guest'), servicePrincipals: tenant.servicePrincipals });
  tenant.applicationOwners ??= new Map();
  const applicationOwners = tenant.applicationOwners;
  for (const resource of counts.resources ?? (['users', 'servicePrincipals'] as Resource[])) {
    const list = listOf(tenant, resource);
    const taken = new Set<string>(protectedIds);
    for (let i = 0; i < (counts.creates ?? 0); i++) {
      const seq = (log[log.length - 1]?.seq ?? 0) + 1;
      let created: GraphObject;
      if (resource === 'applications') {
        const made = createApplication(rng, ctx, seq, owners());
        created = made.application;
        applicationOwners.set(created.id, made.owners);
      } else
        created =
          resource === 'users'
            ? createMember(rng, ctx, `.n${seq}`)
            : resource === 'groups'
              ? createGroup(rng, ctx, seq)
              : createServicePrincipal(rng, ctx, seq);
      list.push(created);
      if (resource === 'groups') tenant.groupMembers.set(created.id, someIds(rng, tenant.users, 3));
      taken.add(created.id);
      record(resource, created.id, 'updated', { how: 'created' });
    }
    pickDistinct(rng, list, counts.updates ?? 0, taken).forEach((o, k) => {
      let updated: GraphObject;
      if (resource === 'applications') {
        // An owner change comes with a change of the application itself: owners alone may not reach the delta query.
        const how = APPLICATION_UPDATES[k % APPLICATION_UPDATES.length]!;
        const made = updateApplication(rng, ctx, o, how, applicationOwners.get(o.id) ?? [], owners());
        updated = made.application;
        applicationOwners.set(o.id, made.owners);
      } else
        updated =
          resource === 'users'
            ? updateUser(o, USER_UPDATES[k % USER_UPDATES.length]!, rng, tenant)
            : resource === 'groups'
              ? updateGroup(o, GROUP_UPDATES[k % GROUP_UPDATES.length]!)
              : updateServicePrincipal(o, SP_UPDATES[k % SP_UPDATES.length]!);
      replaceIn(list, updated);
      record(resource, o.id, 'updated', { how: 'modified', properties: changedProperties(o, updated) });
    });
    if (resource === 'users') {
      for (const [id, previousManager] of changeManagers(tenant, rng, counts.managerChanges ?? 0, taken)) {
        record(resource, id, 'updated', { how: 'modified', properties: ['manager'], previousManager });
      }
    }
    // A manager is never deleted here: what Graph then does to the reports' manager link is not documented.
    const managerIds = new Set(tenant.managers?.values() ?? []);
    const deletable = resource === 'users' ? list.filter((o) => !managerIds.has(o.id)) : list;
    const remove = (o: GraphObject) =>
      list.splice(
        list.findIndex((x) => x.id === o.id),
        1,
      );
    // Deleted Microsoft 365 groups stay restorable for 30 days; deleted security groups are gone at once
    // (https://learn.microsoft.com/graph/api/directory-deleteditems-list), so only Microsoft 365 groups are soft-deleted.
    const softDeletable =
      resource === 'groups' ? deletable.filter((g) => ((g.groupTypes as string[]) ?? []).includes('Unified')) : deletable;
    for (const o of pickDistinct(rng, softDeletable, counts.softDeletes ?? 0, taken)) {
      remove(o);
      const members = resource === 'groups' ? { members: tenant.groupMembers.get(o.id) ?? [] } : {};
      tenant.groupMembers.delete(o.id);
      bin.set(o.id, { resource, object: o, deletedDateTime: isoTicks(nowMs, rng.int(10_000_000)), ...detach(tenant, o.id), ...members });
      record(resource, o.id, 'changed');
    }
    for (const o of pickDistinct(rng, deletable, counts.hardDeletes ?? 0, taken)) {
      remove(o);
      detach(tenant, o.id);
      tenant.groupMembers.delete(o.id);
      applicationOwners.delete(o.id);
      record(resource, o.id, 'deleted');
    }
    let restores = counts.restores ?? 0;
    for (const [id, item] of bin) {
      if (restores <= 0) break;
      if (item.resource !== resource) continue;
      bin.delete(id);
      restore(tenant, item);
      record(resource, id, 'updated', { how: 'restored' });
      restores--;
    }
  }
  changeMemberships(tenant, rng, counts.memberChanges ?? 0, new Set(protectedIds), record);
  return appended;
}

/** `count` distinct ids of `list` from a random start with a coprime stride. */
function someIds(rng: Random, list: GraphObject[], count: number): string[] {
  const n = list.length;
  if (n === 0) return [];
  const stride = rng.coprimeStride(n);
  let index = rng.int(n);
  const ids: string[] = [];
  for (let k = 0; k < Math.min(n, count); k++, index = (index + stride) % n) ids.push(list[index]!.id);
  return ids;
}

/**
 * Adds a user to, or removes a member from, `count` groups (alternately; never a landmark group), recorded as a change of
 * the group's `members` only: the group object itself does not change.
 */
function changeMemberships(
  tenant: Tenant,
  rng: Random,
  count: number,
  protectedIds: ReadonlySet<string>,
  record: (resource: Resource, id: string, kind: DirectoryChange['kind'], how: Partial<DirectoryChange>) => void,
): void {
  const candidates = tenant.groups.filter((g) => !protectedIds.has(g.id));
  for (let k = 0; k < count && candidates.length > 0; k++) {
    const group = candidates[rng.int(candidates.length)]!;
    const members = tenant.groupMembers.get(group.id) ?? [];
    if (k % 2 === 1 && members.length > 0) {
      const removed = members[rng.int(members.length)]!;
      tenant.groupMembers.set(
        group.id,
        members.filter((id) => id !== removed),
      );
      record('groups', group.id, 'updated', { how: 'modified', properties: ['members'], membersRemoved: [removed] });
    } else {
      const added = someIds(rng, tenant.users, 40).find((id) => !members.includes(id));
      if (!added) continue;
      tenant.groupMembers.set(group.id, [...members, added]);
      record('groups', group.id, 'updated', { how: 'modified', properties: ['members'], membersAdded: [added] });
    }
  }
}
